"""The one rule for "a period of N months beginning with" a date (core.periods), shared by
the warning period, orders and requirements, and the reoffending window."""

from datetime import date as D
from datetime import datetime, time, timedelta

import pytest

from core.periods import day_after_period, period_last_day
from referrals import reoffending
from treatment_requirements.enforcement import warning_period_last_day

ONE_DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (D(2025, 3, 10), 12, D(2026, 3, 9)),  # docs/domain.md "Enforcement"'s own example
        (D(2025, 3, 9), 12, D(2026, 3, 8)),
        (D(2025, 3, 11), 12, D(2026, 3, 10)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # no 29 February: the month's last day
        (D(2027, 2, 28), 12, D(2028, 2, 27)),  # a leap year ahead keeps its corresponding day
        (D(2028, 2, 29), 48, D(2032, 2, 28)),  # leap to leap: the day before
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 1, 30), 1, D(2026, 2, 28)),
        (D(2026, 1, 28), 1, D(2026, 2, 27)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 12, 31), 36, D(2029, 12, 30)),
    ],
)
def test_period_last_day_follows_the_corresponding_date(start, months, last_day):
    assert period_last_day(start, months) == last_day
    assert day_after_period(start, months) == last_day + ONE_DAY


@pytest.mark.parametrize("start", [D(2027, 2, 27), D(2027, 2, 28), D(2028, 2, 28), D(2028, 2, 29)])
def test_warning_and_reoffending_periods_end_on_the_same_day(start):
    received_at = datetime.combine(start, time(12), tzinfo=reoffending.LONDON)

    assert warning_period_last_day(start) == period_last_day(start, 12)
    assert reoffending.window(received_at) == (start, period_last_day(start, 12))
    assert reoffending.check_due_on(received_at) == period_last_day(start, 12) + ONE_DAY


def test_a_later_start_never_ends_earlier():
    day, previous = D(2027, 1, 1), D.min
    while day < D(2029, 1, 1):
        last = period_last_day(day, 12)
        assert last >= previous
        previous, day = last, day + ONE_DAY
