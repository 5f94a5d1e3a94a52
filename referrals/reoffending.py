"""The one rule for "within 12 months of the referral" (reoffending follow-up).

Every referral is followed up for re-arrest or reconviction over the period of 12 months
beginning with the date it was received. The date of receipt is read in Europe/London, so a
referral received at 00:30 BST on 1 April (23:30 UTC on 31 March) is dated 1 April.

"12 months beginning with" a date includes that date and ends the day before its
anniversary, as DOMAIN.md section 3 reads the warning period of the Sentencing Act 2020
(Sch. 10): received on 10 March 2025, the window runs to 9 March 2026 and the check falls
due on 10 March 2026, the first day after it. The anniversary of 29 February in a common
year is 1 March (the window received on 29 February 2024 ends on 28 February 2025): a
window never loses a day to the missing date.

The check-due date is stored on the referral (`Referral.reoffending_check_due_on`) so the
queues, reminders and dashboard facts read it through an index; everything else derives
from it and the date of receipt.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

LONDON = ZoneInfo("Europe/London")
WINDOW_MONTHS = 12


def received_on(received_at: datetime) -> date:
    """The Europe/London date of an aware moment of receipt."""
    return received_at.astimezone(LONDON).date()


def anniversary(day: date) -> date:
    """The same date WINDOW_MONTHS later; 29 February's is 1 March in a common year."""
    later = day + relativedelta(months=WINDOW_MONTHS)
    if later.day != day.day:  # 29 February -> 28 February: the next window starts 1 March
        later += timedelta(days=1)
    return later


def check_due_on(received_at: datetime) -> date:
    """The first day after the window: the follow-up can be completed from this date."""
    return anniversary(received_on(received_at))


def window(received_at: datetime) -> tuple[date, date]:
    """First and last day (inclusive) of the 12 months beginning with the date of receipt."""
    first = received_on(received_at)
    return first, anniversary(first) - timedelta(days=1)


def within_window(received_at: datetime, day: date) -> bool:
    first, last = window(received_at)
    return first <= day <= last
