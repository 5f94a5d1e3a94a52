"""Disclosure control for published figures (DOMAIN.md section 6, NHS Digital's rule).

Pure functions, no database. Commissioners see every figure through these rules:

- a count of 0 stays 0; 1 to 7 shows as "*"; anything else is rounded to the nearest 5
  (halves round up, so 1002 -> 1000 and 1003 -> 1005);
- totals are added up from the unrounded counts and only then suppressed;
- percentages are computed from unrounded counts and hidden ("*") when their denominator
  would be suppressed; a zero denominator gives "-" (nothing to divide). On dashboards
  (`Disclosure.percent`) a percentage is also hidden when its numerator is 1 to 7, since
  the percentage and the rounded denominator would give the hidden count away;
- medians and means over 1 to 7 people show as "*"; over nobody, "-".

Team leads, who may open the underlying records of their own team, see the same
calculations without suppression: use `Disclosure(suppressed=False)`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SUPPRESSED = "*"
NOT_APPLICABLE = "-"
SMALLEST_SUPPRESSED = 1
LARGEST_SUPPRESSED = 7
ROUND_TO = 5

FOOTNOTE = (
    "Figures follow NHS Digital's small-number rule: 0 stays 0, 1 to 7 is shown as *, "
    "other counts are rounded to the nearest 5. Totals are added before rounding, so they "
    "may differ from the sum of the rounded rows. Percentages, medians and means are "
    "worked out from the unrounded figures and shown as * where they rest on 1 to 7 people. "
    "A dash (-) means there is nothing to measure."
)

Figure = int | float | str


def is_small(count: int) -> bool:
    """Would this count be suppressed (1 to 7)?"""
    return SMALLEST_SUPPRESSED <= count <= LARGEST_SUPPRESSED


def suppress(count: int) -> int | str:
    """0 -> 0; 1..7 -> "*"; otherwise the count rounded to the nearest 5 (halves up)."""
    if count < 0:
        raise ValueError("A count cannot be negative")
    if count == 0:
        return 0
    if is_small(count):
        return SUPPRESSED
    return (count + ROUND_TO // 2) // ROUND_TO * ROUND_TO


def suppressed_total(counts: Iterable[int]) -> int | str:
    """Add the unrounded counts, then suppress the total."""
    return suppress(sum(counts))


def _round_half_up(value: float, places: int) -> float | int:
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(rounded) if places == 0 else float(rounded)


def percentage(
    numerator: int, denominator: int, *, suppressed: bool = True, places: int = 0
) -> Figure:
    """numerator / denominator as a percentage of unrounded counts, or "*"/"-"."""
    if denominator == 0:
        return NOT_APPLICABLE
    if suppressed and is_small(denominator):
        return SUPPRESSED
    return _round_half_up(100 * numerator / denominator, places)


def average(
    value: float | None, people: int, *, suppressed: bool = True, places: int = 1
) -> Figure:
    """A median or mean over `people` people: "-" over nobody, "*" over 1..7 when suppressed."""
    if people == 0 or value is None:
        return NOT_APPLICABLE
    if suppressed and is_small(people):
        return SUPPRESSED
    return _round_half_up(value, places)


@dataclass(frozen=True)
class Disclosure:
    """The rules one viewer gets: suppressed for commissioners, exact for their own team."""

    suppressed: bool = True

    def count(self, count: int) -> int | str:
        return suppress(count) if self.suppressed else count

    def total(self, counts: Iterable[int]) -> int | str:
        return self.count(sum(counts))

    def percent(self, numerator: int, denominator: int, places: int = 0) -> Figure:
        """As `percentage`; when suppressed, also hidden if the numerator is 1 to 7.

        Beyond the stated rule, deliberately: "20%" of a denominator shown as 25 gives
        away a numerator shown as "*" (secondary disclosure).
        """
        if self.suppressed and is_small(numerator) and denominator:
            return SUPPRESSED
        return percentage(numerator, denominator, suppressed=self.suppressed, places=places)

    def average(self, value: float | None, people: int, places: int = 1) -> Figure:
        return average(value, people, suppressed=self.suppressed, places=places)

    @property
    def footnote(self) -> str:
        if self.suppressed:
            return FOOTNOTE
        return (
            "Exact figures for your own team, not for publication: apply disclosure control "
            "before sharing them outside the service."
        )
