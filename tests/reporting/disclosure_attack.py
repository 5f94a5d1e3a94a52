"""A commissioner's attack on the dashboard's disclosure control, as a constraint solver.

docs/domain.md "Disclosure control": "nothing a commissioner can see, in one view or by comparing two filter
choices, pins a suppressed cell to one value". This module plays the commissioner:

1. `dashboard_views` opens the dashboard under every filter combination the filter form
   offers (cohort x period x team x source), as a commissioner.
2. `attack` turns, for each table and cohort, everything shown into constraints on unknown
   exact counts ("atoms"): one atom per table cell, team, referral source and period
   segment (the months that the period choices split the calendar into). A cell shown
   under a filter is the sum of the atoms the filter covers, so the same table under team
   A and team B adds up to the unfiltered one, sources likewise, and periods that overlap
   share their segments:
   - a count shown "*" is 1 to 7; shown 0 is 0; shown r (rounded) is r-2 to r+2; a row
     missing from a table is 0;
   - a total row is the sum of its rows (for every team, source and segment);
   - every share shown must be what the published share rule gives for the candidate
     numerator and denominator.
3. A depth-first search with interval propagation (tests/reporting/attack_solver.py) looks, for each cell shown as "*",
   for two vectors of exact counts that fit everything shown and differ in that cell. A
   suppressed cell for which there is only one is *pinned*: the attack has recovered it.

Medians are not modelled (a median over 8 or more people is one order statistic, not a
sum). Cohorts are attacked one at a time: the cohorts overlap (a young woman is in two),
so no sum relates them.
"""

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from referrals.enums import ReferralSource
from reporting.disclosure import SUPPRESSED
from reporting.forms import DashboardFilterForm, period_range
from reporting.selectors import dashboard_for, latest_run

from .attack_solver import Model

REFERRALS = ("referrals received", 0)  # the headline: the denominator of some shares


# --- what a commissioner sees -------------------------------------------------------------


@dataclass(frozen=True)
class View:
    cohort: str
    period: str
    team: int | None  # None: all teams
    source: str  # "": all sources
    dashboard: object = field(compare=False, hash=False, repr=False)


def dashboard_views(user) -> list[View]:
    """The dashboard under every filter combination the filter form offers to `user`."""
    form = DashboardFilterForm(fixed_team=None)
    run = latest_run()
    views = []
    for cohort, _ in form.fields["cohort"].choices:
        for period, _ in form.fields["period"].choices:
            for team in [None, *form.fields["team"].queryset]:
                for source, _ in form.fields["source"].choices:
                    data = {"cohort": cohort, "period": period, "source": source}
                    data["team"] = team.pk if team else ""
                    selection = DashboardFilterForm(data, fixed_team=None).selection()
                    assert (selection.team, selection.source) == (team, source)
                    board = dashboard_for(user=user, selection=selection, run=run)
                    views.append(View(cohort, period, team.pk if team else None, source, board))
    return views


def _interval(shown) -> tuple[int, int]:
    """The exact counts that a shown count can stand for."""
    if shown == 0:
        return 0, 0
    if shown == SUPPRESSED:
        return 1, 7
    if isinstance(shown, int) and shown >= 10 and shown % 5 == 0:
        return shown - 2, shown + 2
    raise AssertionError(f"{shown!r} is not a disclosure-controlled count")


# --- each table as facts: cells, sums and shares --------------------------------------------


def _partition(table, count_col, share_col=None):
    """Rows that add up to the total row, each with its share of the total."""
    facts = []
    rows = [(row[0], 0) for row in table.rows]
    total = ("Total", 0)
    for row, qid in zip(table.rows, rows, strict=True):
        facts.append(("cell", qid, row[count_col]))
        if share_col is not None:
            facts.append(("share", qid, total, row[share_col]))
    facts.append(("cell", total, table.total_row[count_col]))
    if share_col is not None:
        facts.append(("share", total, total, table.total_row[share_col]))
    facts.append(("sum", total, rows))
    return facts


def _per_row(table, count_cols, share_col):
    """Rows each with two counts and the share of one in the other."""
    facts = []
    numerator, denominator = count_cols
    for row in table.rows:
        facts.append(("cell", (row[0], denominator), row[denominator]))
        facts.append(("cell", (row[0], numerator), row[numerator]))
        facts.append(("share", (row[0], numerator), (row[0], denominator), row[share_col]))
    return facts


PARTITIONS = {  # tables whose rows add up to the total row: key -> (count, share) columns
    "referrals-by-month": (1, None),
    "referrals-by-site": (2, 3),
    "referrals-by-source": (1, 2),
    "referrals-by-team": (1, 2),
    "gender": (1, 2),
    "age-band": (1, 2),
    "ethnicity": (1, 2),
    "order-endings": (1, 2),
}
PER_ROW = {  # tables whose rows each show a count, a count of it and the share
    "timeliness": ((3, 1), 4),
    "outcome-measures": ((3, 2), 4),
}


def _vulnerability_facts(table, view):
    referrals = view.dashboard.headlines[0]
    assert referrals.label == "referrals received"
    facts = [("cell", REFERRALS, referrals.value)]
    for row in table.rows:
        facts += [("cell", (row[0], 0), row[1]), ("share", (row[0], 0), REFERRALS, row[2])]
    return facts


def _funnel_facts(table, view):
    rows = table.rows
    facts = [("cell", (row[0], 0), row[1]) for row in rows]
    referred = (rows[0][0], 0)
    return facts + [("share", (row[0], 0), referred, row[2]) for row in rows]


def _requirement_facts(table, view):
    facts = [("cell", (row[0], 0), row[1]) for row in table.rows]
    made = [(row[0], 0) for row in table.rows if not row[0].startswith("Orders combining")]
    total = (table.total_row[0], 0)
    return facts + [("cell", total, table.total_row[1]), ("sum", total, made)]


def _compliance_facts(table, view):
    due, kept, kept_share, *others = table.rows
    facts = [("cell", (row[0], 0), row[1]) for row in [due, kept, *others]]
    facts.append(("share", (kept[0], 0), (due[0], 0), kept_share[1]))
    outcomes = [(kept[0], 0)] + [(row[0], 0) for row in others[:3]]
    return facts + [("sum", (due[0], 0), outcomes)]


def _reoffending_facts(table, view):
    followed, rearrested, rearrested_share = table.rows
    return [
        ("cell", (followed[0], 0), followed[1]),
        ("cell", (rearrested[0], 0), rearrested[1]),
        ("share", (rearrested[0], 0), (followed[0], 0), rearrested_share[1]),
    ]


def _onward_facts(table, view):
    facts = _per_row(table, (2, 1), 3)
    total = table.total_row
    return facts + [
        ("cell", ("Total", 1), total[1]),
        ("cell", ("Total", 2), total[2]),
        ("share", ("Total", 2), ("Total", 1), total[3]),
        ("sum", ("Total", 1), [(row[0], 1) for row in table.rows]),
        ("sum", ("Total", 2), [(row[0], 2) for row in table.rows]),
    ]


READERS = {
    "vulnerabilities": _vulnerability_facts,
    "funnel": _funnel_facts,
    "requirements": _requirement_facts,
    "compliance": _compliance_facts,
    "reoffending": _reoffending_facts,
    "onward-referrals": _onward_facts,
}


def _facts(key, table, view):
    """The facts one table shows: ("cell", qid, shown), ("sum", total_qid, [qids]),
    ("share", numerator_qid, denominator_qid, shown)."""
    if key in PARTITIONS:
        return _partition(table, *PARTITIONS[key])
    if key in PER_ROW:
        return _per_row(table, *PER_ROW[key])
    if key in READERS:
        return READERS[key](table, view)
    raise AssertionError(f"The attack does not know how to read table {key!r}")


def _month(label):
    try:
        return datetime.datetime.strptime(label, "%b %Y").date()
    except (TypeError, ValueError):
        return None


# --- the attack ------------------------------------------------------------------------------


@dataclass
class Finding:
    table: str
    cohort: str
    cell: tuple
    filters: list[tuple]  # (period, team, source) where the cell was shown "*"
    values: set[int]


def _segments(periods, today):
    """Month -> segment: months that every period choice either covers or leaves out."""
    covered = {p: set(period_range(p, today).months()) for p in periods}
    months = sorted(set().union(*covered.values()))
    signature = {m: tuple(m in covered[p] for p in periods) for m in months}
    segment_ids = {s: n for n, s in enumerate(dict.fromkeys(signature.values()))}
    month_segment = {m: segment_ids[signature[m]] for m in months}
    period_segments = {p: sorted({month_segment[m] for m in covered[p]}) for p in periods}
    return month_segment, period_segments


def attack(views, *, share_rule, today, teams, budget=200_000) -> list[Finding]:
    """Every suppressed cell that what the commissioner sees pins to one value."""
    periods = list(dict.fromkeys(v.period for v in views))
    month_segment, period_segments = _segments(periods, today)
    sources = [code for code, _ in ReferralSource.choices]
    findings = []
    families = defaultdict(list)
    for view in views:
        for table in view.dashboard.tables:
            families[(table.key, view.cohort)].append((view, table))
    for (key, cohort), shown in families.items():
        findings += _attack_family(
            key,
            cohort,
            shown,
            share_rule=share_rule,
            month_segment=month_segment,
            period_segments=period_segments,
            teams=teams,
            sources=sources,
            budget=budget,
        )
    return findings


@dataclass
class _Atoms:
    """The unknowns of one table and cohort: one per cell, team, source and segment."""

    key: str
    month_segment: dict
    period_segments: dict
    teams: list
    sources: list
    zero: set = field(default_factory=set)

    def in_segment(self, qid, segment):
        """A month row has counts only in the segment of the calendar that month is in."""
        month = _month(qid[0]) if self.key == "referrals-by-month" else None
        return month is None or self.month_segment.get(month) == segment

    def keys(self, qid, view):
        team_ids = self.teams if view.team is None else [view.team]
        source_codes = self.sources if not view.source else [view.source]
        segments = [g for g in self.period_segments[view.period] if self.in_segment(qid, g)]
        return [(qid, t, s, g) for t in team_ids for s in source_codes for g in segments]

    def note_zeros(self, facts_by_view):
        """What is shown as 0 (or left out): those unknowns are 0 and need no search."""
        universe = {f[1] for _, facts in facts_by_view for f in facts if f[0] == "cell"}
        for view, facts in facts_by_view:
            present = {fact[1] for fact in facts if fact[0] == "cell"}
            for fact in facts:
                if fact[0] == "cell" and fact[2] == 0:
                    self.zero.update(self.keys(fact[1], view))
            for qid in universe - present:  # a row left out of a table is 0
                self.zero.update(self.keys(qid, view))


def _bound_what_is_shown(model, atoms, facts_by_view) -> dict:
    """Every cell and share shown as constraints; returns the targets (cells shown "*")."""

    def variables_of(qid, view):
        return [model.var(k) for k in atoms.keys(qid, view) if k not in atoms.zero]

    targets = {}
    for view, facts in facts_by_view:
        for fact in facts:
            if fact[0] == "cell":
                _, qid, value = fact
                low, high = _interval(value)
                variables = variables_of(qid, view)
                model.bound(variables, low, high)
                if value == SUPPRESSED:
                    place = (view.period, view.team, view.source)
                    targets.setdefault(tuple(sorted(variables)), (qid, []))[1].append(place)
            elif fact[0] == "share":
                _, numerator, denominator, value = fact
                model.share(variables_of(numerator, view), variables_of(denominator, view), value)
    return targets


def _bound_totals(model, atoms, facts_by_view):
    """Each total is the sum of its rows, for every team, source and segment."""
    sums = defaultdict(set)
    for _, facts in facts_by_view:
        for fact in facts:
            if fact[0] == "sum":
                sums[fact[1]].update(fact[2])
    all_segments = sorted(set(atoms.month_segment.values()))
    for total, rows in sums.items():
        for t, s, g in itertools.product(atoms.teams, atoms.sources, all_segments):
            keys = [(total, t, s, g)]
            keys += [(row, t, s, g) for row in rows if atoms.in_segment(row, g)]
            if all(k in atoms.zero for k in keys):
                continue
            coefficients = [1] + [-1] * (len(keys) - 1)
            pairs = [
                (model.var(k), c)
                for k, c in zip(keys, coefficients, strict=True)
                if k not in atoms.zero
            ]
            model.bound([v for v, _ in pairs], 0, 0, [c for _, c in pairs])


def _attack_family(
    key, cohort, shown, *, share_rule, month_segment, period_segments, teams, sources, budget
):
    model = Model(share_rule, budget)
    facts_by_view = [(view, _facts(key, table, view)) for view, table in shown]
    atoms = _Atoms(key, month_segment, period_segments, teams, sources)
    atoms.note_zeros(facts_by_view)
    targets = _bound_what_is_shown(model, atoms, facts_by_view)
    _bound_totals(model, atoms, facts_by_view)
    model.prepare(targets)
    return _pinned(model, key, cohort, targets)


def _pinned(model, key, cohort, targets):
    """The targets (sums of unknowns shown as "*") for which only one value fits."""
    seen = defaultdict(set)
    for component in {_component(model, target) for target in targets}:
        for descending in (False, True):  # the smallest counts first, then the largest
            solution = model.solve(component, descending=descending)
            assert solution is not None, "the true counts fit what is shown"
            for target in targets:
                if _component(model, target) == component:
                    seen[target].add(_value(model, target, solution))
    findings = []
    for target, (qid, places) in targets.items():
        component = _component(model, target)
        if len(seen[target]) < 2:
            value = next(iter(seen[target]))
            for low, high in ((1, value - 1), (value + 1, 7)):
                if low <= high:
                    solution = model.solve(component, extra=(target, low, high))
                    if solution is not None:
                        seen[target].add(_value(model, target, solution))
                        break
        if len(seen[target]) < 2:
            findings.append(Finding(key, cohort, qid, places, set(seen[target])))
    return findings


def _value(model, target, solution):
    return sum(solution.get(v, model.lo[v]) for v in target)


def _component(model, target):
    """The component of a target's unknowns that are still open (all of them are in one)."""
    open_vars = [v for v in target if model.lo[v] < model.hi[v]]
    return model.component_of[(open_vars or target)[0]]
