"""Disclosure control for published figures (docs/domain.md "Disclosure control", NHS Digital's rule).

Pure functions, no database. Commissioners see every figure through these rules:

- a count of 0 stays 0; 1 to 7 shows as "*"; anything else is rounded to the nearest 5
  (halves round up, so 1002 -> 1000 and 1003 -> 1005);
- totals are added up from the unrounded counts and only then suppressed;
- percentages (`share`) are worked out from the *rounded* numerator over the *rounded*
  denominator, as NHS Digital's mental-health statistics do, and shown as "*" when the
  numerator, the denominator or the complement (denominator minus numerator) is 1 to 7;
  a zero denominator gives "-" (nothing to divide). A percentage of unrounded counts would
  undo the rounding: with the total and a whole-number share, the exact counts and then a
  suppressed cell can be worked back (tests/reporting/test_disclosure_attack.py tries);
- medians and means over 1 to 7 people show as "*"; over nobody, "-".

Team leads, who may open the underlying records of their own team, see the same
calculations without suppression: use `Disclosure(suppressed=False)`.

A figure is stated as what it is, `Count`, `Share` or `Average` of unrounded counts, and
`Disclosure.show` turns it into what the viewer is shown (reporting.selectors.figures names
every dashboard figure that way).
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
    "may differ from the sum of the rounded rows. Percentages are worked out from the "
    "rounded figures, and shown as * when the count, the total it is a share of, or the "
    "difference between them is 1 to 7. Medians are shown as * when they rest on 1 to 7 "
    "people. A dash (-) means there is nothing to measure."
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


def share(numerator: int, denominator: int) -> int | str:
    """The percentage a commissioner is shown of `numerator` out of `denominator`.

    Unrounded counts in; out comes what is shown: "-" when the denominator is 0 (nothing
    to divide); "*" when the numerator, the denominator or the complement (denominator
    minus numerator) is 1 to 7; otherwise the *rounded* numerator over the *rounded*
    denominator (each as `suppress` shows it) as a whole-number percentage, halves up.
    A numerator of 0 stays a real 0%. So a share never tells more than the two rounded
    counts already shown, and a "*" count never gets a number beside it.
    """
    if numerator < 0 or denominator < 0:
        raise ValueError("A count cannot be negative")
    if denominator == 0:
        return NOT_APPLICABLE
    if is_small(numerator) or is_small(denominator) or is_small(denominator - numerator):
        return SUPPRESSED
    return _round_half_up(100 * suppress(numerator) / suppress(denominator), 0)


def exact_share(numerator: int, denominator: int) -> int | str:
    """A whole-number percentage of the exact counts ("-" for nothing to divide): only for
    a team lead's own team (`Disclosure(suppressed=False)`), never for publication."""
    if denominator == 0:
        return NOT_APPLICABLE
    return _round_half_up(100 * numerator / denominator, 0)


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
class Count:
    """A number of people or records (unrounded)."""

    n: int


@dataclass(frozen=True)
class Share:
    """`numerator` out of `denominator`, as a whole-number percentage."""

    numerator: int
    denominator: int


@dataclass(frozen=True)
class Average:
    """A median or mean `value` over `people` people."""

    value: float | None
    people: int
    places: int = 1


@dataclass(frozen=True)
class Disclosure:
    """The rules one viewer gets: suppressed for commissioners, exact for their own team."""

    suppressed: bool = True

    def count(self, count: int) -> int | str:
        return suppress(count) if self.suppressed else count

    def total(self, counts: Iterable[int]) -> int | str:
        return self.count(sum(counts))

    def share(self, numerator: int, denominator: int) -> int | str:
        """`share` for commissioners; the exact percentage for a team lead's own team."""
        if self.suppressed:
            return share(numerator, denominator)
        return exact_share(numerator, denominator)

    def average(self, value: float | None, people: int, places: int = 1) -> Figure:
        return average(value, people, suppressed=self.suppressed, places=places)

    def show(self, figure: Count | Share | Average) -> Figure:
        """What this viewer is shown of `figure`, by the rule for its kind."""
        if isinstance(figure, Share):
            return self.share(figure.numerator, figure.denominator)
        if isinstance(figure, Average):
            return self.average(figure.value, figure.people, figure.places)
        return self.count(figure.n)

    @property
    def footnote(self) -> str:
        if self.suppressed:
            return FOOTNOTE
        return (
            "Exact figures for your own team, not for publication: apply disclosure control "
            "before sharing them outside the service."
        )
