import pytest

from reporting.disclosure import (
    Disclosure,
    average,
    percentage,
    suppress,
    suppressed_total,
)


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, 0),
        (1, "*"),
        (7, "*"),
        (8, 10),
        (12, 10),
        (13, 15),
        (1002, 1000),
        (1003, 1005),
        (15, 15),
        (17, 15),
        (18, 20),
    ],
)
def test_suppress_follows_the_small_number_rule(count, shown):
    assert suppress(count) == shown


def test_suppress_returns_ints_not_floats_for_rounded_counts():
    assert type(suppress(1003)) is int


def test_suppress_rejects_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        suppress(-1)


def test_suppressed_total_adds_unrounded_counts_before_rounding():
    # Rounded rows would give * + * + 10 = unknown; the true total 3 + 4 + 12 = 19 -> 20.
    assert suppressed_total([3, 4, 12]) == 20


def test_suppressed_total_of_small_counts_is_still_suppressed():
    assert suppressed_total([1, 2, 3]) == "*"


def test_percentage_uses_unrounded_counts():
    # 3 of 12 is 25%, not * of 10.
    assert percentage(3, 12) == 25


def test_percentage_rounds_half_up():
    assert percentage(1, 8) == 13  # 12.5%
    assert percentage(1, 8, places=1) == 12.5


@pytest.mark.parametrize("denominator", [1, 7])
def test_percentage_hidden_when_denominator_is_suppressed(denominator):
    assert percentage(1, denominator) == "*"


def test_percentage_shown_when_denominator_is_eight():
    assert percentage(2, 8) == 25


def test_percentage_of_nothing_is_a_dash():
    assert percentage(0, 0) == "-"


def test_percentage_unsuppressed_shows_small_denominators():
    assert percentage(1, 4, suppressed=False) == 25


@pytest.mark.parametrize(("people", "shown"), [(0, "-"), (1, "*"), (7, "*"), (8, 4.5)])
def test_average_hidden_over_one_to_seven_people(people, shown):
    assert average(4.5, people) == shown


def test_average_unsuppressed_for_own_team():
    assert average(4.25, 3, suppressed=False) == 4.3


def test_disclosure_for_team_lead_shows_exact_counts():
    exact = Disclosure(suppressed=False)
    assert (exact.count(3), exact.count(1003), exact.total([3, 4])) == (3, 1003, 7)


def test_disclosure_for_commissioner_suppresses_counts_and_totals():
    public = Disclosure(suppressed=True)
    assert (public.count(3), public.count(1003), public.total([3, 4, 12])) == ("*", 1005, 20)


def test_disclosure_hides_percentage_of_a_suppressed_numerator_for_commissioners():
    # 5 of 25 = 20% would reveal the 5 shown as "*".
    assert Disclosure(suppressed=True).percent(5, 25) == "*"
    assert Disclosure(suppressed=True).percent(0, 25) == 0
    assert Disclosure(suppressed=False).percent(5, 25) == 20
