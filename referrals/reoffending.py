"""The one rule for "within 12 months of the referral" (reoffending follow-up).

Every referral is followed up for re-arrest or reconviction over the period of 12 months
beginning with the date it was received. The date of receipt is read in Europe/London, so a
referral received at 00:30 BST on 1 April (23:30 UTC on 31 March) is dated 1 April.

"12 months beginning with" a date includes that date and ends the day before its
anniversary, as docs/domain.md "Enforcement" reads the warning period of the Sentencing Act 2020
(Sch. 10): received on 10 March 2025, the window runs to 9 March 2026 and the check falls
due on 10 March 2026, the first day after it. A window beginning on 29 February ends on 28
February of the next year (`core.periods`, the same rule as the warning period).

The check-due date is stored on the referral (`Referral.reoffending_check_due_on`) so the
queues, reminders and dashboard facts read it through an index; everything else derives
from it and the date of receipt.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.periods import day_after_period, period_last_day

LONDON = ZoneInfo("Europe/London")
WINDOW_MONTHS = 12


def received_on(received_at: datetime) -> date:
    """The Europe/London date of an aware moment of receipt."""
    return received_at.astimezone(LONDON).date()


def check_due_on(received_at: datetime) -> date:
    """The first day after the window: the follow-up can be completed from this date."""
    return day_after_period(received_on(received_at), WINDOW_MONTHS)


def window(received_at: datetime) -> tuple[date, date]:
    """First and last day (inclusive) of the 12 months beginning with the date of receipt."""
    first = received_on(received_at)
    return first, period_last_day(first, WINDOW_MONTHS)


def within_window(received_at: datetime, day: date) -> bool:
    first, last = window(received_at)
    return first <= day <= last
