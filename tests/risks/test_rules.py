"""The risk register's rules (risks/rules.py): review intervals by type, "overdue" from the
day after the review date, MAPPA and ROSH details, and the date checks."""

import datetime

import pytest

from risks import rules
from risks.enums import RiskType

D = datetime.date


@pytest.mark.parametrize(
    ("risk_type", "months"),
    [
        (RiskType.SELF_HARM, 1),
        (RiskType.SAFEGUARDING_CHILD, 1),
        (RiskType.DOMESTIC_ABUSE_VICTIM, 1),
        (RiskType.RISK_TO_STAFF, 3),
        (RiskType.MAPPA, 3),
        (RiskType.ROSH, 3),
        (RiskType.OTHER, 3),
    ],
)
def test_default_review_date_by_type(risk_type, months):
    assert rules.review_months(risk_type) == months
    assert rules.default_review_date(risk_type, D(2026, 3, 10)) == D(2026, 3 + months, 10)


def test_default_review_date_has_a_date_in_a_short_month():
    assert rules.default_review_date(RiskType.SELF_HARM, D(2026, 1, 31)) == D(2026, 2, 28)
    assert rules.default_review_date(RiskType.OTHER, D(2027, 11, 30)) == D(2028, 2, 29)


def test_every_type_has_an_interval():
    assert {rules.review_months(t) for t in RiskType.values} <= {1, 3}


@pytest.mark.parametrize(
    ("today", "overdue", "status"),
    [
        (D(2026, 4, 9), False, "due_soon"),  # the day before
        (D(2026, 4, 10), False, "due_today"),  # the day of
        (D(2026, 4, 11), True, "overdue"),  # the day after
        (D(2026, 3, 27), False, "due_soon"),  # 14 days before
        (D(2026, 3, 26), False, "not_due"),  # 15 days before
    ],
)
def test_overdue_only_after_the_review_date(today, overdue, status):
    assert rules.is_overdue(D(2026, 4, 10), today) is overdue
    assert rules.review_status(D(2026, 4, 10), today) == status


def test_today_is_the_london_date(time_machine):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time).
    time_machine.move_to(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC), tick=False)
    assert rules.today() == D(2026, 7, 1)


def test_mappa_needs_category_and_level():
    assert rules.detail_errors(RiskType.MAPPA) == {
        "mappa_category": "Select the MAPPA category",
        "mappa_level": "Select the MAPPA level",
    }
    assert rules.detail_errors(RiskType.MAPPA, mappa_category=2) == {
        "mappa_level": "Select the MAPPA level"
    }
    assert rules.detail_errors(RiskType.MAPPA, mappa_category=1, mappa_level=3) == {}


def test_rosh_needs_its_level():
    assert rules.detail_errors(RiskType.ROSH) == {"rosh_level": "Select the ROSH level"}
    assert rules.detail_errors(RiskType.ROSH, rosh_level="very_high") == {}


def test_other_types_take_no_mappa_or_rosh_details():
    assert rules.detail_errors(
        RiskType.WEAPONS, mappa_category=1, mappa_level=1, rosh_level="low"
    ) == {
        "mappa_category": "A MAPPA category is recorded only on a MAPPA flag",
        "mappa_level": "A MAPPA level is recorded only on a MAPPA flag",
        "rosh_level": "A ROSH level is recorded only on a ROSH flag",
    }
    assert rules.detail_errors(RiskType.ROSH, rosh_level="low", mappa_level=2) == {
        "mappa_level": "A MAPPA level is recorded only on a MAPPA flag"
    }


def test_raised_on_not_in_the_future():
    today = D(2026, 5, 1)
    assert rules.raised_on_error(D(2026, 5, 1), today) is None
    assert rules.raised_on_error(D(2026, 4, 30), today) is None
    assert rules.raised_on_error(D(2026, 5, 2), today) == "Date raised must be today or in the past"


def test_raised_on_not_before_2000():
    today = D(2026, 5, 1)
    assert rules.raised_on_error(D(2000, 1, 2), today) is None
    assert rules.raised_on_error(D(2000, 1, 1), today) is None
    assert (
        rules.raised_on_error(D(1999, 12, 31), today)
        == "Date raised must be on or after 1 January 2000"
    )


def test_next_review_not_in_the_past_nor_before_raised():
    today = D(2026, 5, 1)
    past = "Next review date must be today or in the future"
    early = "Next review date must be on or after the date the flag was raised or last reviewed"
    assert rules.next_review_error(D(2026, 4, 30), not_before=D(2026, 4, 1), on=today) == past
    assert rules.next_review_error(D(2026, 5, 1), not_before=D(2026, 4, 1), on=today) is None
    assert rules.next_review_error(D(2026, 5, 2), not_before=D(2026, 4, 1), on=today) is None
    assert rules.next_review_error(D(2026, 5, 1), not_before=D(2026, 5, 2), on=today) == early


def test_review_date_between_raised_and_today():
    today = D(2026, 5, 1)
    assert rules.reviewed_on_error(D(2026, 5, 1), raised_on=D(2026, 4, 1), on=today) is None
    assert rules.reviewed_on_error(D(2026, 4, 1), raised_on=D(2026, 4, 1), on=today) is None
    assert (
        rules.reviewed_on_error(D(2026, 3, 31), raised_on=D(2026, 4, 1), on=today)
        == "Date of the review must be on or after the date the flag was raised"
    )
    assert (
        rules.reviewed_on_error(D(2026, 5, 2), raised_on=D(2026, 4, 1), on=today)
        == "Date of the review must be today or in the past"
    )
