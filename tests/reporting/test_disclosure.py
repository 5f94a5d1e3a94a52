import pytest

from reporting.disclosure import (
    Average,
    Count,
    Disclosure,
    Share,
    average,
    exact_share,
    share,
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


def test_share_uses_the_rounded_numerator_over_the_rounded_denominator():
    # 13 of 38 would be 34% of the exact counts; shown 15 of 40, the share is 38%.
    assert share(13, 38) == 38
    # 22 of 38: 20 of 40 = 50%, not 58%.
    assert share(22, 38) == 50


def test_share_reveals_nothing_the_rounded_counts_do_not():
    # Every pair of counts that rounds to 20 of 40 gets the same share.
    shown = {share(n, d) for n in range(18, 23) for d in range(38, 43)}
    assert shown == {50}


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        # numerator 0, 1, 7, 8 (denominator 40: complement 40, 39, 33, 32)
        (0, 40, 0),
        (1, 40, "*"),
        (7, 40, "*"),
        (8, 40, 25),  # 10 of 40
        # denominator 0, 1, 7, 8
        (0, 0, "-"),
        (0, 1, "*"),
        (1, 1, "*"),
        (0, 7, "*"),
        (7, 7, "*"),
        (0, 8, 0),
        (8, 8, 100),
        # complement (denominator - numerator) 0, 1, 7, 8
        (40, 40, 100),
        (39, 40, "*"),
        (33, 40, "*"),
        (32, 40, 75),  # 30 of 40
        (16, 16, 100),
        (8, 16, 67),  # 10 of 15: 66.67 -> 67
        (9, 16, "*"),
        (15, 16, "*"),
    ],
)
def test_share_at_every_boundary(numerator, denominator, shown):
    assert share(numerator, denominator) == shown


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (12, 200, 5),  # 10 of 200 = 5.0%
        (10, 80, 13),  # 10 of 80 = 12.5% -> 13 (halves up)
        (30, 80, 38),  # 30 of 80 = 37.5% -> 38
        (50, 400, 13),  # 50 of 400 = 12.5% -> 13
        (10, 1002, 1),  # 10 of 1000 = 1.0%
        (15, 2002, 1),  # 15 of 2000 = 0.75% -> 1
        (10, 2002, 1),  # 10 of 2000 = 0.5% -> 1 (halves up)
        (10, 2003, 0),  # 10 of 2005 = 0.499% -> 0
    ],
)
def test_share_rounds_halves_up(numerator, denominator, shown):
    assert share(numerator, denominator) == shown


def test_share_returns_an_int_percentage():
    assert type(share(10, 80)) is int
    assert type(share(0, 80)) is int


def test_share_rejects_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        share(-1, 10)


def test_exact_share_for_a_team_lead_uses_the_exact_counts():
    assert exact_share(1, 4) == 25
    assert exact_share(13, 38) == 34
    assert exact_share(1, 8) == 13  # 12.5% -> 13
    assert exact_share(0, 0) == "-"


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


def test_disclosure_share_for_commissioners_is_the_rounded_rule():
    # 5 of 25 = 20% would reveal the 5 shown as "*".
    public = Disclosure(suppressed=True)
    assert (public.share(5, 25), public.share(0, 25), public.share(22, 38)) == ("*", 0, 50)


def test_disclosure_share_for_a_team_lead_is_exact():
    exact = Disclosure(suppressed=False)
    assert (exact.share(5, 25), exact.share(3, 4), exact.share(22, 38)) == (20, 75, 58)
    assert exact.share(0, 0) == "-"


def test_footnote_states_the_share_rule():
    assert "Percentages are worked out from the rounded figures" in Disclosure().footnote
    assert "difference between them is 1 to 7" in Disclosure().footnote


def test_show_applies_the_rule_for_each_kind_of_figure():
    commissioner, team_lead = Disclosure(), Disclosure(suppressed=False)

    assert [commissioner.show(Count(n)) for n in (0, 3, 22)] == [0, "*", 20]
    assert commissioner.show(Share(13, 22)) == 75  # 15 of 20, the rounded counts
    assert commissioner.show(Average(4.0, 3)) == "*"
    assert [team_lead.show(Count(3)), team_lead.show(Share(13, 22))] == [3, 59]
    assert team_lead.show(Average(4.0, 3)) == 4.0
