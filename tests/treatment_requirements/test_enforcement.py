import datetime

import pytest

from treatment_requirements.enforcement import (
    BREACH,
    WARNING_OR_BREACH,
    enforcement_deadline,
    required_action,
    warning_period_last_day,
    warning_window_start,
)
from treatment_requirements.working_days import add_working_days, is_working_day

D = datetime.date


def test_required_action_no_warnings_allows_warning():
    assert required_action(D(2026, 3, 10), []) == WARNING_OR_BREACH


def test_required_action_failure_on_the_day_before_the_anniversary_requires_breach():
    # A warning on 10 March 2025 covers failures up to 9 March 2026 (docs/domain.md "Enforcement").
    assert required_action(D(2026, 3, 9), [D(2025, 3, 10)]) == BREACH


def test_required_action_failure_on_the_anniversary_allows_warning():
    # "The period of 12 months beginning with" 10 March 2025 ends on 9 March 2026.
    assert required_action(D(2026, 3, 10), [D(2025, 3, 10)]) == WARNING_OR_BREACH


def test_required_action_failure_the_day_after_the_anniversary_allows_warning():
    assert required_action(D(2026, 3, 11), [D(2025, 3, 10)]) == WARNING_OR_BREACH


def test_required_action_warning_one_day_more_than_12_months_before_allows_warning():
    assert required_action(D(2026, 3, 10), [D(2025, 3, 9)]) == WARNING_OR_BREACH


def test_required_action_warning_on_the_failure_date_requires_breach():
    assert required_action(D(2026, 3, 10), [D(2026, 3, 10)]) == BREACH


def test_required_action_warning_after_the_failure_is_ignored():
    # A failure dated before a later warning (dealt with after it) does not count against
    # that warning: flagged in the issue 12 report for a legal/policy decision.
    assert required_action(D(2026, 3, 10), [D(2026, 3, 11)]) == WARNING_OR_BREACH


@pytest.mark.parametrize(
    ("given_on", "last_day"),
    [
        (D(2025, 3, 10), D(2026, 3, 9)),
        (D(2025, 1, 1), D(2025, 12, 31)),
        (D(2025, 12, 31), D(2026, 12, 30)),
        # The period beginning with 1 March 2027 runs to the day before 1 March 2028: 29 Feb.
        (D(2027, 3, 1), D(2028, 2, 29)),
        (D(2028, 2, 28), D(2029, 2, 27)),
        # No 29 February in 2029: the period ends on the last day of February 2029 (the day
        # before 1 March), a whole year of 366 days, not on 27 February.
        (D(2028, 2, 29), D(2029, 2, 28)),
        (D(2028, 3, 1), D(2029, 2, 28)),
    ],
)
def test_warning_period_last_day_is_the_day_before_the_anniversary(given_on, last_day):
    assert warning_period_last_day(given_on) == last_day


def test_required_action_warning_on_29_february_counts_until_28_february():
    assert required_action(D(2029, 2, 27), [D(2028, 2, 29)]) == BREACH
    assert required_action(D(2029, 2, 28), [D(2028, 2, 29)]) == BREACH
    assert required_action(D(2029, 3, 1), [D(2028, 2, 29)]) == WARNING_OR_BREACH


def test_required_action_warning_on_28_february_before_a_leap_day_ends_the_day_before():
    assert required_action(D(2029, 2, 27), [D(2028, 2, 28)]) == BREACH
    assert required_action(D(2029, 2, 28), [D(2028, 2, 28)]) == WARNING_OR_BREACH


def test_required_action_failure_on_leap_day_counts_back_to_1_march():
    # Warnings of 28 Feb 2027 ended on 27 Feb 2028; from 1 Mar 2027 they reach 29 Feb 2028.
    assert warning_window_start(D(2028, 2, 29)) == D(2027, 3, 1)
    assert required_action(D(2028, 2, 29), [D(2027, 3, 1)]) == BREACH
    assert required_action(D(2028, 2, 29), [D(2027, 2, 28)]) == WARNING_OR_BREACH


def test_required_action_warning_on_leap_day_counts_until_the_next_year():
    # A warning on 29/02/2024: a failure on 28/02/2025 is within 12 months; 01/03/2025 is not.
    assert required_action(D(2025, 2, 28), [D(2024, 2, 29)]) == BREACH
    assert required_action(D(2025, 3, 1), [D(2024, 2, 29)]) == WARNING_OR_BREACH


def test_warning_window_start_agrees_with_the_warning_period_every_day():
    # Every failure date over two years with a leap day, against every warning date before it.
    first = D(2027, 1, 1)
    for offset in range(0, 800, 3):
        failure = first + datetime.timedelta(days=offset)
        start = warning_window_start(failure)
        for back in range(0, 400):
            given_on = failure - datetime.timedelta(days=back)
            counts = given_on <= failure <= warning_period_last_day(given_on)
            assert counts == (given_on >= start), (failure, given_on)


def test_required_action_several_warnings_any_one_in_window_requires_breach():
    warnings = [D(2023, 1, 5), D(2024, 6, 1), D(2025, 9, 30)]
    assert required_action(D(2026, 9, 29), warnings) == BREACH
    assert required_action(D(2026, 9, 30), warnings) == WARNING_OR_BREACH
    assert required_action(D(2026, 10, 1), warnings) == WARNING_OR_BREACH


def test_required_action_accepts_any_iterable():
    assert required_action(D(2026, 1, 2), iter([D(2025, 6, 1)])) == BREACH


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        # Mon 1 Dec 2025 + 10 working days = Mon 15 Dec 2025 (two weekends).
        (D(2025, 12, 1), D(2025, 12, 15)),
        # Fri 18 Dec 2026: Christmas Fri 25, Boxing Day (Sat) substituted Mon 28, New Year
        # Fri 1 Jan 2027 are not working days.
        (D(2026, 12, 18), D(2027, 1, 6)),
        # 2027: Christmas and Boxing Day fall at a weekend: Mon 27 and Tue 28 are bank holidays,
        # and New Year's Day 2028 (Sat) is observed on Mon 3 Jan.
        (D(2027, 12, 20), D(2028, 1, 6)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
        (D(2026, 3, 30), D(2026, 4, 15)),
    ],
)
def test_enforcement_deadline_skips_weekends_and_bank_holidays(failure, expected):
    assert enforcement_deadline(failure, 10) == expected


def test_enforcement_deadline_uses_the_setting(settings):
    settings.LD_ENFORCEMENT_DEADLINE_WORKING_DAYS = 2
    assert enforcement_deadline(D(2026, 4, 2)) == D(2026, 4, 8)


def test_working_days_substitute_days_are_not_working_days():
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day (observed)
    assert not is_working_day(D(2027, 12, 27))
    assert is_working_day(D(2026, 12, 29))


def test_add_working_days_zero_from_a_holiday_moves_to_the_next_working_day():
    assert add_working_days(D(2026, 12, 25), 0) == D(2026, 12, 29)
