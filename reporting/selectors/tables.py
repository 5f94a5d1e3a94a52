"""The dashboard's tables and charts, as shown on screen and written to the exports.

Every cell is already what the viewer may see: counts and shares through the viewer's
disclosure rule, and the figures a headline shows too asked for by name
(reporting.selectors.figures). Each table's chart is drawn from its *displayed* cells, so
no unrounded count ever reaches a commissioner's browser.
"""

from collections import defaultdict
from dataclasses import dataclass

from referrals.enums import Gender, ReferralSource

from ..dashboard_facts import OUTCOME_THRESHOLDS
from ..disclosure import Disclosure
from ..models import AGE_BANDS
from .figures import APPOINTMENT_OUTCOMES_COUNTED, Figures, Sums

REQUIREMENT_LABELS = {
    "mhtr_primary": "Mental health treatment requirement (primary care)",
    "mhtr_secondary": "Mental health treatment requirement (secondary care)",
    "drr": "Drug rehabilitation requirement",
    "atr": "Alcohol treatment requirement",
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


def _timeliness_table(figures: Figures) -> FigureTable:
    rows = [
        [
            label,
            figures[done],
            figures[f"median_hours_to_{step}"],
            figures[f"{done}_within_target"],
            figures[f"{done}_within_target_share"],
        ]
        for step, done, label in (
            ("screening", "screened", "Referral to screening"),
            ("assessment", "assessed", "Referral to assessment"),
        )
    ]
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


FUNNEL_STAGES = {
    "referrals": "Referred",
    "screened": "Screened",
    "assessed": "Assessed",
    "recommended": "Recommended for a treatment requirement",
    "orders_made": "Order made with a treatment requirement",
    "orders_completed": "Order completed",
}


def _funnel_table(figures: Figures) -> FigureTable:
    rows = [
        [label, figures[name], figures[f"{name}_of_referrals"]]
        for name, label in FUNNEL_STAGES.items()
    ]
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


def _compliance_table(sums: Sums, figures: Figures) -> FigureTable:
    d, counted = figures.disclosure, sums.appointments()
    labelled = [
        (label, counted.get(code, 0)) for code, label in APPOINTMENT_OUTCOMES_COUNTED.items()
    ]
    rows = [
        ["Appointments with an outcome recorded", figures["appointments_with_outcome"]],
        ["Appointments kept (attended and complied)", figures["appointments_kept"]],
        ["Share of appointments kept (%)", figures["appointments_kept_share"]],
        *[[label, d.count(n)] for label, n in labelled[1:]],
        ["Warnings given", figures["warnings_given"]],
        ["Breach referrals", figures["breach_referrals"]],
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


def _reoffending_table(figures: Figures) -> FigureTable:
    rows = [
        ["Referrals whose 12 months have ended", figures["followed_up_12m"]],
        ["Re-arrested or reconvicted within the 12 months", figures["rearrested_12m"]],
        ["Share re-arrested or reconvicted (%)", figures["rearrested_12m_share"]],
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


def sections(referral_rows, sums: Sums, figures: Figures, names, dates) -> list[Section]:
    """Every section of the dashboard, in the order shown."""
    d, b = figures.disclosure, sums.breakdowns
    return [
        Section("referrals", "Referrals", _referral_tables(referral_rows, dates, d, names)),
        Section("who", "Who is reached", _who_tables(b, sums.totals["referrals"], d, names)),
        Section("timeliness", "How quickly people are seen", [_timeliness_table(figures)]),
        Section("pathway", "The pathway", [_funnel_table(figures)]),
        Section(
            "requirements",
            "Treatment requirements, compliance and completion",
            [_requirement_table(b, d), _compliance_table(sums, figures), _endings_table(b, d)],
        ),
        Section(
            "outcomes",
            "Outcomes",
            [_outcome_table(b, d), _reoffending_table(figures), _onward_table(b, d, names)],
        ),
    ]
