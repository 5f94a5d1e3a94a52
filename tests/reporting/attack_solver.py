"""The constraint solver behind the disclosure attack (tests/reporting/disclosure_attack.py).

Integer unknowns (exact counts) with bounds, sums of unknowns within bounds, and shares
shown: interval propagation, then a depth-first search for one assignment that fits
everything, within a budget of search nodes (past it, `SearchTooLong`: the attack is
inconclusive, which fails the test).
"""

import functools
from collections import defaultdict


class SearchTooLong(Exception):
    """The search went past its budget: the attack is inconclusive, which fails the test."""


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
