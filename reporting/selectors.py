"""Dashboard figures, read from the overnight snapshot tables only (never the raw records).

`dashboard_for(user=..., selection=...)` returns every figure for one set of filters as
`FigureTable`s whose cells are already disclosure-controlled for the viewer:

- commissioners (Scope.AGGREGATE) see every team, with suppression (reporting.disclosure);
- team leads (Scope.TEAM) see their own team only, with exact figures.

Each table carries its chart data built from the *displayed* cells, so no unrounded count
ever reaches a commissioner's browser. The number of queries is fixed (one per snapshot
table plus reference-data names), whatever the data volume or filters.
"""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Site, Team
from accounts.policy import Action, Kind, Scope, scope_for
from referrals.enums import Gender, ReferralSource
from referrals.models import Vulnerability

from .dashboard_facts import HOURS_CAP, OUTCOME_THRESHOLDS
from .disclosure import NOT_APPLICABLE, SUPPRESSED, Disclosure
from .models import AGE_BANDS, CohortBreakdownFact, CohortReferralFact, ReportingRun, RunStatus

REQUIREMENT_LABELS = {
    "mhtr_primary": "Mental health treatment requirement (primary care)",
    "mhtr_secondary": "Mental health treatment requirement (secondary care)",
    "drr": "Drug rehabilitation requirement",
    "atr": "Alcohol treatment requirement",
}
APPOINTMENT_OUTCOMES_COUNTED = {
    "attended_complied": "Attended and complied",
    "attended_failed": "Attended but failed to comply",
    "unacceptable_absence": "Unacceptable absence",
    "acceptable_absence": "Acceptable absence",
}
END_REASON_LABELS = {
    "completed": "Completed",
    "revoked_good_progress": "Revoked for good progress",
    "revoked_breach": "Revoked on breach and resentenced",
    "transferred": "Transferred",
    "died": "Died",
    "other": "Other",
}


@dataclass
class FigureTable:
    """One dashboard figure: a table of display values and the chart drawn from them."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]
    total_row: list | None = None
    note: str = ""
    chart: dict | None = None

    @property
    def data_id(self) -> str:
        return f"{self.key}-data"


@dataclass
class Section:
    key: str
    title: str
    tables: list[FigureTable]
    intro: str = ""


@dataclass
class Headline:
    label: str
    value: object


@dataclass
class DashboardMeta:
    """What every figure and export states: period, filters, refresh time, footnote."""

    period_label: str
    filter_label: str
    refreshed_label: str
    footnote: str
    # The dates the figures cover (the period cut at the snapshot date): downloads' names.
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None


@dataclass
class Dashboard:
    meta: DashboardMeta
    suppressed: bool
    headlines: list[Headline] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def tables(self) -> list[FigureTable]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> FigureTable | None:
        return next((t for t in self.tables if t.key == key), None)


def disclosure_for(user) -> Disclosure:
    """Exact figures only for a team scope (a team lead's own team); suppressed otherwise."""
    return Disclosure(suppressed=scope_for(user, Action.VIEW, Kind.DASHBOARD) != Scope.TEAM)


_LATEST = object()  # dashboard_for's default: look the latest run up


def dashboard_cache_key(*, user, selection, run: ReportingRun | None) -> str:
    """What a rendered dashboard depends on: the snapshot run (a new run is a new key), the
    disclosure rule for the user, and the filters with the dates they stand for today."""
    parts = [
        f"{run.pk}.{run.finished_at.timestamp() if run.finished_at else ''}" if run else "none",
        "suppressed" if disclosure_for(user).suppressed else "exact",
        selection.query_string(),
        f"{selection.dates.start}:{selection.dates.end}",
    ]
    return "reporting:dashboard:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def latest_run() -> ReportingRun | None:
    """The newest successful snapshot build (its date is what the dashboards show)."""
    return (
        ReportingRun.objects.filter(status=RunStatus.SUCCEEDED)
        .order_by("-snapshot_date", "-finished_at", "-pk")
        .first()
    )


def refreshed_label(run: ReportingRun | None) -> str:
    if run is None:
        return "never (the overnight run has not completed yet)"
    finished = timezone.localtime(run.finished_at or run.started_at)
    return f"{date_format(finished, 'H:i')} on {date_format(finished, 'j F Y')}"


# --- reading the snapshot tables -------------------------------------------------------

COHORT_FLAGS = {"women": "is_woman", "18_24": "is_young_adult", "veterans": "is_veteran"}
_REFERRAL_SUMS = (
    "referrals",
    "screened",
    "screened_within_target",
    "assessed",
    "assessed_within_target",
    "recommended",
    "orders_made",
    "orders_completed",
    "followed_up_12m",
    "rearrested_12m",
)


def _facts(model, run, selection):
    """`model` rows of the latest snapshot that match the filters (none before a run)."""
    if run is None:
        return model.objects.none()
    filters = {
        "snapshot_date": run.snapshot_date,
        "month__gte": selection.dates.start.replace(day=1),
        "month__lte": selection.dates.end,
    }
    if model is CohortBreakdownFact:
        filters["cohort"] = selection.cohort
    elif selection.cohort in COHORT_FLAGS:
        filters[COHORT_FLAGS[selection.cohort]] = True
    if selection.team is not None:
        filters["team_id"] = selection.team.pk
    if selection.source:
        filters["source"] = selection.source
    return model.objects.filter(**filters)


def _referral_rows(run, selection) -> list[dict]:
    """Pathway counts by month, source, site and team (one query)."""
    return list(
        _facts(CohortReferralFact, run, selection)
        .values("month", "source", "site_id", "team_id")
        .annotate(**{name: Sum(name) for name in _REFERRAL_SUMS})
        .order_by()
    )


def _breakdowns(run, selection) -> dict[str, dict[str, int]]:
    """Every breakdown measure as {measure: {category: count}} (one query)."""
    result: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        _facts(CohortBreakdownFact, run, selection)
        .values("measure", "category")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        result[row["measure"]][row["category"]] = row["n"] or 0
    return result


# --- building the figures ----------------------------------------------------------------


def _chart(labels, datasets, *, kind="bar", horizontal=False, unit="") -> dict:
    """Chart data from displayed values: "*" and "-" become gaps, never numbers.

    `display` keeps what the table shows for every point: static/js/dashboard.js writes
    the "*" (or "-") where a hidden figure's bar would be, so it never reads as 0."""
    return {
        "type": kind,
        "horizontal": horizontal,
        "unit": unit,
        "labels": [str(label) for label in labels],
        "datasets": [
            {
                "label": label,
                "data": [v if isinstance(v, int | float) else None for v in values],
                "display": [str(v) for v in values],
            }
            for label, values in datasets
        ],
    }


def _count_table(
    key,
    title,
    pairs,
    d: Disclosure,
    *,
    label,
    chart_kind="bar",
    horizontal=False,
    share=True,
    note="",
):
    """Rows of (label, count) with an optional share of the total and a total row."""
    total = sum(count for _, count in pairs)
    columns = [label, "Referrals"] + (["Share of referrals (%)"] if share else [])
    rows = []
    for name, count in pairs:
        row = [name, d.count(count)]
        if share:
            row.append(d.share(count, total))
        rows.append(row)
    total_row = ["Total", d.count(total)] + ([d.share(total, total)] if share else [])
    chart = _chart(
        [r[0] for r in rows],
        [("Referrals", [r[1] for r in rows])],
        kind=chart_kind,
        horizontal=horizontal,
    )
    return FigureTable(key, title, columns, rows, total_row, note, chart)


def _month_label(month) -> str:
    return month.strftime("%b %Y")


def _referral_tables(rows, dates, d, names) -> list[FigureTable]:
    by_month, by_source, by_site, by_team = (defaultdict(int) for _ in range(4))
    for row in rows:
        by_month[row["month"]] += row["referrals"]
        by_source[row["source"]] += row["referrals"]
        by_site[row["site_id"]] += row["referrals"]
        by_team[row["team_id"]] += row["referrals"]
    months = [(_month_label(m), by_month.get(m, 0)) for m in dates.months()]
    sources = [(lbl, by_source[code]) for code, lbl in ReferralSource.choices if code in by_source]
    sites = sorted(((names["sites"].get(pk, ("Unknown site", ""))), n) for pk, n in by_site.items())
    teams = sorted((names["teams"].get(pk, "Unknown team"), n) for pk, n in by_team.items())
    site_table = _count_table(
        "referrals-by-site",
        "Referrals by site",
        [(s[0], n) for s, n in sites],
        d,
        label="Site",
        horizontal=True,
    )
    site_table.columns.insert(1, "Team")
    for row, (site, _) in zip(site_table.rows, sites, strict=True):
        row.insert(1, site[1])
    site_table.total_row.insert(1, "")
    return [
        _count_table(
            "referrals-by-month",
            "Referrals by month",
            months,
            d,
            label="Month",
            chart_kind="line",
            share=False,
        ),
        _count_table(
            "referrals-by-source",
            "Referrals by source",
            sources,
            d,
            label="Source",
            horizontal=True,
        ),
        site_table,
        _count_table(
            "referrals-by-team", "Referrals by team", teams, d, label="Team", horizontal=True
        ),
    ]


def _who_tables(breakdowns, total, d, names) -> list[FigureTable]:
    genders, ages = breakdowns.get("gender", {}), breakdowns.get("age_band", {})
    ethnicities = breakdowns.get("ethnicity", {})
    return [
        _count_table(
            "gender",
            "Referrals by gender",
            [(label, genders.get(code, 0)) for code, label in Gender.choices],
            d,
            label="Gender",
        ),
        _count_table(
            "age-band",
            "Referrals by age band (age at referral)",
            [(label, ages.get(code, 0)) for code, label in AGE_BANDS],
            d,
            label="Age band",
        ),
        _count_table(
            "ethnicity",
            "Referrals by ethnic group (ONS 2021 census groups)",
            sorted(ethnicities.items(), key=lambda kv: (kv[0] == "Not stated", kv[0])),
            d,
            label="Ethnic group",
            horizontal=True,
        ),
        _vulnerability_table(breakdowns.get("vulnerability", {}), total, d, names),
    ]


def _vulnerability_table(vulnerabilities, total, d, names) -> FigureTable:
    pairs = sorted(
        ((names["vulnerabilities"].get(code, code), n) for code, n in vulnerabilities.items()),
        key=lambda kv: (-kv[1], kv[0]),
    )
    rows = [[name, d.count(n), d.share(n, total)] for name, n in pairs]
    return FigureTable(
        "vulnerabilities",
        "Vulnerabilities identified",
        ["Vulnerability", "Referrals", "Share of all referrals (%)"],
        rows,
        None,
        "A referral with several vulnerabilities counts once under each, so shares add up "
        "to more than 100%.",
        _chart([r[0] for r in rows], [("Referrals", [r[1] for r in rows])], horizontal=True),
    )


def _median_hours(histogram: dict[int, int]) -> float | None:
    """The median of whole hours held as a histogram (hours -> referrals)."""
    n = sum(histogram.values())
    if n == 0:
        return None
    wanted = [(n - 1) // 2, n // 2]  # zero-based positions of the middle value(s)
    values, seen = [], 0
    for hours in sorted(histogram):
        count = histogram[hours]
        while wanted and wanted[0] < seen + count:
            values.append(hours)
            wanted.pop(0)
        seen += count
    return sum(values) / 2


def _timeliness_table(totals, histograms, d) -> FigureTable:
    rows = []
    for step, label in (
        ("screening", "Referral to screening"),
        ("assessment", "Referral to assessment"),
    ):
        done = totals["screened" if step == "screening" else "assessed"]
        within = totals[f"{'screened' if step == 'screening' else 'assessed'}_within_target"]
        histogram = histograms.get(f"hours_to_{step}", {})
        rows.append(
            [
                label,
                d.count(done),
                d.average(_median_hours(histogram), sum(histogram.values())),
                d.count(within),
                d.share(within, done),
            ]
        )
    return FigureTable(
        "timeliness",
        "Time from referral to screening and assessment",
        ["Step", "Referrals", "Median hours", "Within target", "Share within target (%)"],
        rows,
        note="Targets depend on where the referral came from (for example 12 hours for "
        "police custody, 8 hours for a magistrates' court). Medians are in whole hours "
        "(after 3 days, to the nearest 6 hours, and after a week to the day).",
        chart=_chart(
            [r[0] for r in rows], [("Share within target", [r[4] for r in rows])], unit="%"
        ),
    )


def _funnel_table(totals, d) -> FigureTable:
    stages = [
        ("Referred", totals["referrals"]),
        ("Screened", totals["screened"]),
        ("Assessed", totals["assessed"]),
        ("Recommended for a treatment requirement", totals["recommended"]),
        ("Order made with a treatment requirement", totals["orders_made"]),
        ("Order completed", totals["orders_completed"]),
    ]
    referred = totals["referrals"]
    rows = [[name, d.count(n), d.share(n, referred)] for name, n in stages]
    return FigureTable(
        "funnel",
        "The pathway: from referral to completed order",
        ["Stage", "Referrals", "Share of referred (%)"],
        rows,
        note="Each stage counts the referrals received in the period that had reached it "
        "when the data was refreshed.",
        chart=_chart([r[0] for r in rows], [("Referrals", [r[1] for r in rows])], horizontal=True),
    )


def _requirement_table(breakdowns, d) -> FigureTable:
    made = breakdowns.get("requirement", {})
    pairs = [(label, made.get(code, 0)) for code, label in REQUIREMENT_LABELS.items()]
    pairs += [(code, n) for code, n in made.items() if code not in REQUIREMENT_LABELS]
    combined = breakdowns.get("order_shape", {}).get("combined", 0)
    rows = [[label, d.count(n)] for label, n in pairs]
    chart = _chart([r[0] for r in rows], [("Requirements", [r[1] for r in rows])], horizontal=True)
    rows.append(["Orders combining two or more treatment requirements", d.count(combined)])
    return FigureTable(
        "requirements",
        "Treatment requirements made, by type",
        ["Requirement", "Number made"],
        rows,
        ["Total requirements made", d.total(n for _, n in pairs)],
        "The combined-orders row counts orders, not requirements: it is not in the total.",
        chart,
    )


def _compliance_table(breakdowns, d) -> FigureTable:
    outcomes = breakdowns.get("appointment", {})
    counted = {k: n for k, n in outcomes.items() if k in APPOINTMENT_OUTCOMES_COUNTED}
    due, kept = sum(counted.values()), counted.get("attended_complied", 0)
    warnings = sum(breakdowns.get("warning", {}).values())
    breaches = sum(breakdowns.get("breach", {}).values())
    labelled = [
        (label, counted.get(code, 0)) for code, label in APPOINTMENT_OUTCOMES_COUNTED.items()
    ]
    rows = [
        ["Appointments with an outcome recorded", d.count(due)],
        ["Appointments kept (attended and complied)", d.count(kept)],
        ["Share of appointments kept (%)", d.share(kept, due)],
        *[[label, d.count(n)] for label, n in labelled[1:]],
        ["Warnings given", d.count(warnings)],
        ["Breach referrals", d.count(breaches)],
    ]
    return FigureTable(
        "compliance",
        "Compliance, warnings and breaches",
        ["Measure", "Figure"],
        rows,
        note="Rescheduled and withdrawn appointments, and those with no outcome recorded yet, "
        "are left out of the share kept.",
        chart=_chart(
            [label for label, _ in labelled],
            [("Appointments", [d.count(n) for _, n in labelled])],
            horizontal=True,
        ),
    )


def _endings_table(breakdowns, d) -> FigureTable:
    ended = breakdowns.get("order_ended", {})
    reasons = [(label, ended.get(code, 0)) for code, label in END_REASON_LABELS.items()]
    reasons += [(code, n) for code, n in ended.items() if code not in END_REASON_LABELS]
    endings = _count_table(
        "order-endings", "How orders ended", reasons, d, label="Reason", horizontal=True
    )
    endings.columns[1:] = ["Orders", "Share of orders ended (%)"]
    endings.chart["datasets"][0]["label"] = "Orders"
    return endings


def _outcome_table(outcomes, d) -> FigureTable:
    paired, improved = outcomes.get("outcome_paired", {}), outcomes.get("outcome_improved", {})
    rows = []
    for instrument, threshold in OUTCOME_THRESHOLDS.items():
        n, better = paired.get(instrument, 0), improved.get(instrument, 0)
        rows.append(
            [
                instrument,
                f"Fall of {threshold} or more points",
                d.count(n),
                d.count(better),
                d.share(better, n),
            ]
        )
    return FigureTable(
        "outcome-measures",
        "Outcome measures: people whose scores improved meaningfully",
        [
            "Instrument",
            "Meaningful improvement",
            "People with a start and end score",
            "Improved",
            "Share improved (%)",
        ],
        rows,
        note="Change between the first and last score recorded on the order. PHQ-9 "
        "(depression) and GAD-7 (anxiety) by Pfizer, free to use; AUDIT (alcohol) by the "
        "World Health Organization.",
        chart=_chart([r[0] for r in rows], [("Share improved", [r[4] for r in rows])], unit="%"),
    )


def _reoffending_table(totals, d) -> FigureTable:
    followed, rearrested = totals["followed_up_12m"], totals["rearrested_12m"]
    rows = [
        ["Referrals whose 12 months have ended", d.count(followed)],
        ["Re-arrested or reconvicted within the 12 months", d.count(rearrested)],
        ["Share re-arrested or reconvicted (%)", d.share(rearrested, followed)],
    ]
    return FigureTable(
        "reoffending",
        "Reoffending: re-arrest or reconviction within 12 months of referral",
        ["Measure", "Figure"],
        rows,
        note="Every referral, with or without an order, over the 12 months beginning with "
        "the date it was received (UK time). A referral counts once those 12 months have "
        "ended, so the most recent year is not included; a re-arrest or reconviction "
        "counts for each of the person's referrals whose 12 months include its date.",
    )


def _onward_table(outcomes, d, names) -> FigureTable:
    referred, attended = outcomes.get("onward_referral", {}), outcomes.get("onward_attended", {})
    rows = [
        [
            names["services"].get(code, code.replace("_", " ").capitalize()),
            d.count(n),
            d.count(attended.get(code, 0)),
            d.share(attended.get(code, 0), n),
        ]
        for code, n in sorted(referred.items(), key=lambda kv: -kv[1])
    ]
    return FigureTable(
        "onward-referrals",
        "Onward referrals and first appointments attended",
        ["Service", "Referred on", "Attended first appointment", "Share attended (%)"],
        rows,
        [
            "Total",
            d.total(referred.values()),
            d.total(attended.values()),
            d.share(sum(attended.values()), sum(referred.values())),
        ],
        chart=_chart(
            [r[0] for r in rows],
            [("Referred on", [r[1] for r in rows]), ("Attended", [r[2] for r in rows])],
            horizontal=True,
        ),
    )


def _names(rows: Iterable[dict]) -> dict:
    """Display names of the sites, teams and vulnerabilities in the figures (3 queries)."""
    from assessments.enums import OnwardService

    site_ids = {row["site_id"] for row in rows}
    sites = Site.objects.filter(pk__in=site_ids).values_list("pk", "name", "team__name")
    return {
        "sites": {pk: (name, team) for pk, name, team in sites},
        "teams": dict(Team.objects.values_list("pk", "name")),
        "vulnerabilities": dict(Vulnerability.objects.values_list("code", "name")),
        "services": dict(OnwardService.choices),
    }


def _histograms(breakdowns) -> dict[str, dict[int, int]]:
    return {
        measure: {min(int(hours), HOURS_CAP): n for hours, n in breakdowns.get(measure, {}).items()}
        for measure in ("hours_to_screening", "hours_to_assessment")
    }


def dashboard_for(*, user, selection, run: ReportingRun | None = _LATEST) -> Dashboard:
    """Every dashboard figure for `selection`, disclosure-controlled for `user`.

    Reads only the dashboard snapshot tables and reference-data names: six queries,
    whatever the data volume or filters. `run` saves a query when the caller has it.
    """
    d = disclosure_for(user)
    run = latest_run() if run is _LATEST else run
    referral_rows = _referral_rows(run, selection)
    totals = {name: sum(row[name] or 0 for row in referral_rows) for name in _REFERRAL_SUMS}
    breakdowns = _breakdowns(run, selection)
    names = _names(referral_rows)
    dates = selection.dates.until(run.snapshot_date if run else None)
    meta = DashboardMeta(
        period_label=dates.label,
        filter_label=selection.label,
        refreshed_label=refreshed_label(run),
        footnote=d.footnote,
        period_start=dates.start,
        period_end=dates.end,
    )
    sections = [
        Section("referrals", "Referrals", _referral_tables(referral_rows, dates, d, names)),
        Section("who", "Who is reached", _who_tables(breakdowns, totals["referrals"], d, names)),
        Section(
            "timeliness",
            "How quickly people are seen",
            [_timeliness_table(totals, _histograms(breakdowns), d)],
        ),
        Section("pathway", "The pathway", [_funnel_table(totals, d)]),
        Section(
            "requirements",
            "Treatment requirements, compliance and completion",
            [
                _requirement_table(breakdowns, d),
                _compliance_table(breakdowns, d),
                _endings_table(breakdowns, d),
            ],
        ),
        Section(
            "outcomes",
            "Outcomes",
            [
                _outcome_table(breakdowns, d),
                _reoffending_table(totals, d),
                _onward_table(breakdowns, d, names),
            ],
        ),
    ]
    dashboard = Dashboard(meta=meta, suppressed=d.suppressed, sections=sections)
    dashboard.headlines = _headlines(dashboard, totals, d)
    return dashboard


def _cell(dashboard, key, row_index, column_index):
    table = dashboard.table(key)
    try:
        return table.rows[row_index][column_index]
    except (AttributeError, IndexError):
        return NOT_APPLICABLE


def _with_unit(value, unit):
    return value if value in (SUPPRESSED, NOT_APPLICABLE) else f"{value}{unit}"


def _headlines(dashboard, totals, d) -> list[Headline]:
    return [
        Headline("referrals received", d.count(totals["referrals"])),
        Headline("median hours from referral to screening", _cell(dashboard, "timeliness", 0, 2)),
        Headline("screened within target", _with_unit(_cell(dashboard, "timeliness", 0, 4), "%")),
        Headline("orders made with a treatment requirement", d.count(totals["orders_made"])),
        Headline("appointments kept", _with_unit(_cell(dashboard, "compliance", 2, 1), "%")),
        Headline(
            "re-arrested or reconvicted within 12 months",
            _with_unit(_cell(dashboard, "reoffending", 2, 1), "%"),
        ),
    ]
