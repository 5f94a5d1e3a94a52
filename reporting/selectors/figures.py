"""The dashboard's named figures: each defined once over the snapshot's unrounded sums and
shown through the viewer's disclosure rule (reporting.disclosure `Disclosure.show`).

A table row and a headline that show the same figure ask for it by name
(`figures["appointments_kept_share"]`), never for a table cell by position, so they
cannot drift apart.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ..dashboard_facts import HOURS_CAP
from ..disclosure import Average, Count, Disclosure, Figure, Share

# The pathway counts summed from CohortReferralFact (each a named count of the same name).
REFERRAL_SUMS = (
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
FUNNEL = ("referrals", "screened", "assessed", "recommended", "orders_made", "orders_completed")
APPOINTMENT_OUTCOMES_COUNTED = {
    "attended_complied": "Attended and complied",
    "attended_failed": "Attended but failed to comply",
    "unacceptable_absence": "Unacceptable absence",
    "acceptable_absence": "Acceptable absence",
}


@dataclass(frozen=True)
class Sums:
    """The unrounded sums one dashboard is built from (reporting.selectors.facts).

    totals: each of REFERRAL_SUMS; breakdowns: {measure: {category: count}}.
    """

    totals: dict[str, int]
    breakdowns: dict[str, dict[str, int]]

    def breakdown(self, measure: str) -> dict[str, int]:
        return self.breakdowns.get(measure, {})

    def histogram(self, measure: str) -> dict[int, int]:
        """Referrals by whole hours taken (hours_to_screening, hours_to_assessment)."""
        return {min(int(hours), HOURS_CAP): n for hours, n in self.breakdown(measure).items()}

    def appointments(self) -> dict[str, int]:
        """Appointments by outcome, only the outcomes the share kept counts."""
        outcomes = self.breakdown("appointment")
        return {k: n for k, n in outcomes.items() if k in APPOINTMENT_OUTCOMES_COUNTED}


def median_hours(histogram: dict[int, int]) -> float | None:
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


def _median(measure: str) -> Callable[[Sums], Average]:
    def figure(sums: Sums) -> Average:
        histogram = sums.histogram(measure)
        return Average(median_hours(histogram), sum(histogram.values()))

    return figure


def _kept(sums: Sums) -> int:
    return sums.appointments().get("attended_complied", 0)


def _due(sums: Sums) -> int:
    return sum(sums.appointments().values())


def _total(name: str) -> Callable[[Sums], Count]:
    return lambda sums: Count(sums.totals[name])


def _given(measure: str) -> Callable[[Sums], Count]:
    return lambda sums: Count(sum(sums.breakdown(measure).values()))


def _share_of(numerator: str, denominator: str) -> Callable[[Sums], Share]:
    return lambda sums: Share(sums.totals[numerator], sums.totals[denominator])


FIGURES: dict[str, Callable[[Sums], Count | Share | Average]] = {
    **{name: _total(name) for name in REFERRAL_SUMS},
    **{f"{name}_of_referrals": _share_of(name, "referrals") for name in FUNNEL},
    "screened_within_target_share": _share_of("screened_within_target", "screened"),
    "assessed_within_target_share": _share_of("assessed_within_target", "assessed"),
    "median_hours_to_screening": _median("hours_to_screening"),
    "median_hours_to_assessment": _median("hours_to_assessment"),
    "appointments_with_outcome": lambda sums: Count(_due(sums)),
    "appointments_kept": lambda sums: Count(_kept(sums)),
    "appointments_kept_share": lambda sums: Share(_kept(sums), _due(sums)),
    "warnings_given": _given("warning"),
    "breach_referrals": _given("breach"),
    "rearrested_12m_share": _share_of("rearrested_12m", "followed_up_12m"),
}


@dataclass(frozen=True)
class Figures:
    """Every named figure of one dashboard, as `disclosure` shows it: `figures[name]`."""

    sums: Sums
    disclosure: Disclosure

    def __getitem__(self, name: str) -> Figure:
        return self.disclosure.show(FIGURES[name](self.sums))
