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
3. A depth-first search with interval propagation then looks, for each cell shown as "*",
   for two vectors of exact counts that fit everything shown and differ in that cell. A
   suppressed cell for which there is only one is *pinned*: the attack has recovered it.

Medians are not modelled (a median over 8 or more people is one order statistic, not a
sum). Cohorts are attacked one at a time: the cohorts overlap (a young woman is in two),
so no sum relates them.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from referrals.enums import ReferralSource
from reporting.disclosure import SUPPRESSED
from reporting.forms import DashboardFilterForm, period_range
from reporting.selectors import dashboard_for, latest_run

REFERRALS = ("referrals received", 0)  # the headline: the denominator of some shares


class SearchTooLong(Exception):
    """The search went past its budget: the attack is inconclusive, which fails the test."""


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


def _facts(key, table, view):
    """The facts one table shows: ("cell", qid, shown), ("sum", total_qid, [qids]),
    ("share", numerator_qid, denominator_qid, shown)."""
    rows = table.rows
    if key == "referrals-by-month":
        return _partition(table, 1)
    if key == "referrals-by-site":
        return _partition(table, 2, 3)
    if key in {
        "referrals-by-source",
        "referrals-by-team",
        "gender",
        "age-band",
        "ethnicity",
        "order-endings",
    }:
        return _partition(table, 1, 2)
    if key == "vulnerabilities":
        referrals = view.dashboard.headlines[0]
        assert referrals.label == "referrals received"
        facts = [("cell", REFERRALS, referrals.value)]
        for row in rows:
            facts += [("cell", (row[0], 0), row[1]), ("share", (row[0], 0), REFERRALS, row[2])]
        return facts
    if key == "funnel":
        facts = [("cell", (row[0], 0), row[1]) for row in rows]
        referred = (rows[0][0], 0)
        return facts + [("share", (row[0], 0), referred, row[2]) for row in rows]
    if key == "timeliness":
        return _per_row(table, (3, 1), 4)
    if key == "outcome-measures":
        return _per_row(table, (3, 2), 4)
    if key == "requirements":
        facts = [("cell", (row[0], 0), row[1]) for row in rows]
        made = [(row[0], 0) for row in rows if not row[0].startswith("Orders combining")]
        total = (table.total_row[0], 0)
        return facts + [("cell", total, table.total_row[1]), ("sum", total, made)]
    if key == "compliance":
        due, kept, kept_share, *others = rows
        facts = [("cell", (row[0], 0), row[1]) for row in [due, kept, *others]]
        facts.append(("share", (kept[0], 0), (due[0], 0), kept_share[1]))
        outcomes = [(kept[0], 0)] + [(row[0], 0) for row in others[:3]]
        return facts + [("sum", (due[0], 0), outcomes)]
    if key == "reoffending":
        followed, rearrested, rearrested_share = rows
        return [
            ("cell", (followed[0], 0), followed[1]),
            ("cell", (rearrested[0], 0), rearrested[1]),
            ("share", (rearrested[0], 0), (followed[0], 0), rearrested_share[1]),
        ]
    if key == "onward-referrals":
        facts = _per_row(table, (2, 1), 3)
        total = table.total_row
        facts += [
            ("cell", ("Total", 1), total[1]),
            ("cell", ("Total", 2), total[2]),
            ("share", ("Total", 2), ("Total", 1), total[3]),
            ("sum", ("Total", 1), [(row[0], 1) for row in rows]),
            ("sum", ("Total", 2), [(row[0], 2) for row in rows]),
        ]
        return facts
    raise AssertionError(f"The attack does not know how to read table {key!r}")


# --- the constraint model ------------------------------------------------------------------


def _month(label):
    try:
        return datetime.datetime.strptime(label, "%b %Y").date()
    except (TypeError, ValueError):
        return None


class Model:
    """Integer unknowns with bounds, sums of unknowns within bounds, and shown shares."""

    def __init__(self, share_rule, budget):
        self.share_rule = functools.lru_cache(maxsize=None)(share_rule)
        self.budget = budget
        self.index: dict = {}
        self.lo: list[int] = []
        self.hi: list[int] = []
        self.sums: dict[tuple, list[int]] = {}  # (vars, coefficients) -> [lo, hi]
        self.shares: list[tuple] = []

    def var(self, atom) -> int:
        if atom not in self.index:
            self.index[atom] = len(self.lo)
            self.lo.append(0)
            self.hi.append(10**6)
        return self.index[atom]

    def bound(self, variables, low, high, coefficients=None):
        variables = tuple(variables)
        coefficients = tuple(coefficients or (1,) * len(variables))
        order = sorted(range(len(variables)), key=lambda i: variables[i])
        key = (tuple(variables[i] for i in order), tuple(coefficients[i] for i in order))
        current = self.sums.setdefault(key, [low, high])
        current[0], current[1] = max(current[0], low), min(current[1], high)

    def share(self, numerator, denominator, shown):
        self.shares.append((tuple(numerator), tuple(denominator), shown))

    # -- solving --

    def _constraints(self):
        sums = [(vs, cs, lo, hi) for (vs, cs), (lo, hi) in self.sums.items()]
        watch = defaultdict(list)
        for n, (vs, _, _, _) in enumerate(sums):
            for v in vs:
                watch[v].append(n)
        return sums, watch

    def _propagate(self, lo, hi, queue):
        """Tighten bounds until nothing changes; False if a constraint cannot hold."""
        sums, watch = self._sums, self._watch
        pending, queued = list(queue), set(queue)
        while pending:
            n = pending.pop()
            queued.discard(n)
            vs, cs, low, high = sums[n]
            mins = [lo[v] if c > 0 else -hi[v] for v, c in zip(vs, cs, strict=True)]
            maxs = [hi[v] if c > 0 else -lo[v] for v, c in zip(vs, cs, strict=True)]
            total_min, total_max = sum(mins), sum(maxs)
            if total_min > high or total_max < low:
                return False
            for v, c, mn, mx in zip(vs, cs, mins, maxs, strict=True):
                # c * x within [low - (total_max - mx), high - (total_min - mn)]
                a, b = low - (total_max - mx), high - (total_min - mn)
                new_lo, new_hi = (a, b) if c > 0 else (-b, -a)
                changed = False
                if new_lo > lo[v]:
                    lo[v], changed = new_lo, True
                if new_hi < hi[v]:
                    hi[v], changed = new_hi, True
                if lo[v] > hi[v]:
                    return False
                if changed:
                    for m in watch[v]:
                        if m != n and m not in queued:
                            queued.add(m)
                            pending.append(m)
        return True

    def _shares_hold(self, lo, hi, which):
        """False if no numerator and denominator within their bounds give the share shown."""
        for n in which:
            num, num_known, den, den_known, shown = self._shares[n]
            n_lo, n_hi = num_known + sum(lo[v] for v in num), num_known + sum(hi[v] for v in num)
            d_lo, d_hi = den_known + sum(lo[v] for v in den), den_known + sum(hi[v] for v in den)
            if (n_hi - n_lo + 1) * (d_hi - d_lo + 1) > 400:
                continue  # too early to tell
            if not any(
                self.share_rule(a, b) == shown
                for a in range(n_lo, n_hi + 1)
                for b in range(d_lo, d_hi + 1)
            ):
                return False
        return True

    def solve(self, variables, extra=None, descending=False):
        """One assignment of `variables` (a connected component) that fits everything, or
        None. `extra` = (vars, low, high) adds one more sum bound for this search only."""
        lo, hi = list(self.lo), list(self.hi)
        self.nodes = 0
        queue = list(self._component_sums[variables])
        if extra is not None:
            self._sums.append((tuple(extra[0]), (1,) * len(extra[0]), extra[1], extra[2]))
            n = len(self._sums) - 1
            for v in extra[0]:
                self._watch[v].append(n)
            queue.append(n)
        try:
            if not self._propagate(lo, hi, queue):
                return None
            shares = self._component_shares[variables]
            if not self._shares_hold(lo, hi, shares):
                return None
            return self._search(lo, hi, variables, descending)
        finally:
            if extra is not None:
                n = len(self._sums) - 1
                for v in extra[0]:
                    self._watch[v].remove(n)
                self._sums.pop()

    def _search(self, lo, hi, variables, descending):
        self.nodes += 1
        if self.nodes > self.budget:
            raise SearchTooLong(f"more than {self.budget} search nodes")
        open_vars = [v for v in variables if lo[v] < hi[v]]
        if not open_vars:
            return {v: lo[v] for v in variables}
        v = min(open_vars, key=lambda v: (hi[v] - lo[v], v))
        values = range(lo[v], hi[v] + 1)
        for value in reversed(values) if descending else values:
            lo2, hi2 = list(lo), list(hi)
            lo2[v] = hi2[v] = value
            if not self._propagate(lo2, hi2, self._watch[v]):
                continue
            if not self._shares_hold(lo2, hi2, self._share_watch[v]):
                continue
            found = self._search(lo2, hi2, variables, descending)
            if found is not None:
                return found
        return None

    def _simplify(self):
        """Take the unknowns already pinned down out of every constraint (most are 0)."""
        lo, hi = self.lo, self.hi
        sums = {}
        for vs, cs, low, high in self._sums:
            known = sum(c * lo[v] for v, c in zip(vs, cs, strict=True) if lo[v] == hi[v])
            left = sorted((v, c) for v, c in zip(vs, cs, strict=True) if lo[v] < hi[v])
            if left:
                key = (tuple(v for v, _ in left), tuple(c for _, c in left))
                current = sums.setdefault(key, [low - known, high - known])
                current[0], current[1] = max(current[0], low - known), min(current[1], high - known)
        self._sums = [(vs, cs, low, high) for (vs, cs), (low, high) in sums.items()]
        self._watch = defaultdict(list)
        for n, (vs, _, _, _) in enumerate(self._sums):
            for v in vs:
                self._watch[v].append(n)
        self._shares, self._share_watch = [], defaultdict(list)
        for num, den, shown in self.shares:
            split = []
            for vs in (num, den):
                split += [
                    [v for v in vs if lo[v] < hi[v]],
                    sum(lo[v] for v in vs if lo[v] == hi[v]),
                ]
            self._shares.append((*split, shown))
            for v in set(split[0]) | set(split[2]):
                self._share_watch[v].append(len(self._shares) - 1)
        if not self._shares_hold(lo, hi, range(len(self._shares))):
            raise AssertionError("A share shown contradicts the counts: the attack model is wrong")

    def prepare(self, targets=()):
        """Propagate everything once, then split the unknowns into independent components
        (each of the `targets`, sums of unknowns, kept within one)."""
        self._sums, self._watch = self._constraints()
        lo, hi = list(self.lo), list(self.hi)
        if not self._propagate(lo, hi, range(len(self._sums))):
            raise AssertionError("What is shown contradicts itself: the attack model is wrong")
        self.lo, self.hi = lo, hi
        self._simplify()
        parent = list(range(len(lo)))

        def find(v):
            while parent[v] != v:
                parent[v] = parent[parent[v]]
                v = parent[v]
            return v

        groups = [vs for vs, _, _, _ in self._sums] + [n + d for n, _, d, _, _ in self._shares]
        groups += [list(target) for target in targets]
        for vs in groups:
            open_vs = [v for v in vs if lo[v] < hi[v]]
            for v in open_vs[1:]:
                parent[find(v)] = find(open_vs[0])
        components = defaultdict(list)
        for v in range(len(lo)):
            components[find(v)].append(v)
        self.component_of = {}
        self._component_sums, self._component_shares = {}, {}
        for members in components.values():
            key = tuple(members)
            for v in members:
                self.component_of[v] = key
            self._component_sums[key] = sorted({n for v in members for n in self._watch[v]})
            self._component_shares[key] = sorted({n for v in members for n in self._share_watch[v]})


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


def _attack_family(
    key, cohort, shown, *, share_rule, month_segment, period_segments, teams, sources, budget
):
    model = Model(share_rule, budget)
    facts_by_view = [(view, _facts(key, table, view)) for view, table in shown]
    universe = {f[1] for _, facts in facts_by_view for f in facts if f[0] == "cell"}
    sums = defaultdict(set)
    for _, facts in facts_by_view:
        for fact in facts:
            if fact[0] == "sum":
                sums[fact[1]].update(fact[2])
    all_segments = sorted(set(month_segment.values()))

    def in_segment(qid, segment):
        """A month row has counts only in the segment of the calendar that month is in."""
        month = _month(qid[0]) if key == "referrals-by-month" else None
        return month is None or month_segment.get(month) == segment

    def segments_for(qid, period):
        return [g for g in period_segments[period] if in_segment(qid, g)]

    def atom_keys(qid, view):
        team_ids = teams if view.team is None else [view.team]
        source_codes = sources if not view.source else [view.source]
        segments = segments_for(qid, view.period)
        return [(qid, t, s, g) for t in team_ids for s in source_codes for g in segments]

    # First what is shown as 0 (or left out): those unknowns are 0 and need no search.
    zero = set()
    for view, facts in facts_by_view:
        present = {fact[1] for fact in facts if fact[0] == "cell"}
        for fact in facts:
            if fact[0] == "cell" and fact[2] == 0:
                zero.update(atom_keys(fact[1], view))
        for qid in universe - present:  # a row left out of a table is 0
            zero.update(atom_keys(qid, view))

    def atoms(qid, view):
        return [model.var(k) for k in atom_keys(qid, view) if k not in zero]

    targets = {}
    for view, facts in facts_by_view:
        for fact in facts:
            if fact[0] == "cell":
                _, qid, value = fact
                low, high = _interval(value)
                variables = atoms(qid, view)
                model.bound(variables, low, high)
                if value == SUPPRESSED:
                    place = (view.period, view.team, view.source)
                    targets.setdefault(tuple(sorted(variables)), (qid, []))[1].append(place)
            elif fact[0] == "share":
                _, numerator, denominator, value = fact
                model.share(atoms(numerator, view), atoms(denominator, view), value)
    # Each total is the sum of its rows, for every team, source and segment.
    for total, rows in sums.items():
        for t in teams:
            for s in sources:
                for g in all_segments:
                    keys = [(total, t, s, g)]
                    keys += [(row, t, s, g) for row in rows if in_segment(row, g)]
                    if all(k in zero for k in keys):
                        continue
                    variables = [model.var(k) if k not in zero else None for k in keys]
                    coefficients = [1] + [-1] * (len(keys) - 1)
                    pairs = [
                        (v, c)
                        for v, c in zip(variables, coefficients, strict=True)
                        if v is not None
                    ]
                    model.bound([v for v, _ in pairs], 0, 0, [c for _, c in pairs])
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
