"""The one rule for "within 12 months of the referral" (referrals.reoffending)."""

import datetime

import pytest

from referrals.reoffending import check_due_on, window, within_window

UTC = datetime.UTC
d = datetime.date


def test_window_starts_on_the_london_date_when_summer_time_moves_the_day():
    # 00:30 BST on 1 April 2026 is 23:30 UTC on 31 March: the referral is dated 1 April.
    received = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=UTC)

    assert window(received) == (d(2026, 4, 1), d(2027, 3, 31))
    assert check_due_on(received) == d(2027, 4, 1)


def test_window_starts_on_the_london_date_on_the_night_the_clocks_go_back():
    # 26 October 2025: 00:30 BST is 23:30 UTC on the 25th; 01:30 GMT (after the change) is
    # 01:30 UTC on the 26th. Both are dated 26 October.
    before = datetime.datetime(2025, 10, 25, 23, 30, tzinfo=UTC)
    after = datetime.datetime(2025, 10, 26, 1, 30, tzinfo=UTC)

    assert window(before) == window(after) == (d(2025, 10, 26), d(2026, 10, 25))


def test_window_in_winter_is_the_utc_date():
    received = datetime.datetime(2026, 1, 10, 23, 30, tzinfo=UTC)

    assert window(received) == (d(2026, 1, 10), d(2027, 1, 9))


@pytest.mark.parametrize(
    ("received_on", "last_day", "due"),
    [
        # 29 February: the window ends on 28 February, the check is due on 1 March.
        (d(2024, 2, 29), d(2025, 2, 28), d(2025, 3, 1)),
        (d(2024, 2, 28), d(2025, 2, 27), d(2025, 2, 28)),
        (d(2024, 3, 1), d(2025, 2, 28), d(2025, 3, 1)),
        # A window that takes in 29 February keeps it.
        (d(2023, 3, 1), d(2024, 2, 29), d(2024, 3, 1)),
        (d(2023, 2, 28), d(2024, 2, 27), d(2024, 2, 28)),
        # Month ends keep their day.
        (d(2025, 1, 31), d(2026, 1, 30), d(2026, 1, 31)),
    ],
)
def test_window_is_12_months_beginning_with_the_date(received_on, last_day, due):
    received = datetime.datetime.combine(received_on, datetime.time(12), tzinfo=UTC)

    assert window(received) == (received_on, last_day)
    assert check_due_on(received) == due


def test_within_window_the_day_before_of_and_after_its_end():
    received = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=UTC)

    assert within_window(received, d(2025, 3, 9)) is False
    assert within_window(received, d(2025, 3, 10)) is True
    assert within_window(received, d(2026, 3, 8)) is True
    assert within_window(received, d(2026, 3, 9)) is True
    assert within_window(received, d(2026, 3, 10)) is False
