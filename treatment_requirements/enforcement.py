"""The enforcement rule for community orders (Sentencing Act 2020, Sch. 10; DOMAIN.md s.3).

Pure functions, no database: the easiest code in the product to test, and the one that must
be applied the same way every time.
"""

import datetime
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.conf import settings

from .working_days import add_working_days

BREACH = "breach"
WARNING_OR_BREACH = "warning_or_breach"

def warning_period_last_day(given_on: datetime.date) -> datetime.date:
    """The last day of "the period of 12 months beginning with the date on which the warning
    was given" (Sentencing Act 2020 Sch. 10 para 6): the day before its anniversary.

    A period "beginning with" a date includes that date, so it ends the day before the
    corresponding date a year later: a warning given on 10 March 2025 covers failures up to
    and including 9 March 2026. A warning given on 29 February has no corresponding date in a
    common year: the period then ends on the last day of February (28 February), the rule
    for a period of months with no corresponding day (Dodds v Walker [1981] 1 WLR 1027, HL),
    which is also the day before 1 March. So the period is a whole year (366 days here), and
    a warning given on 29 February never lapses before one given on 28 February. relativedelta
    would clip the anniversary to 28 February and end the period a day early, on 27 February.
    This reading is recorded for legal confirmation in the issue 12 notes.
    """
    try:
        anniversary = given_on.replace(year=given_on.year + 1)
    except ValueError:  # 29 February, and the next year is not a leap year
        anniversary = datetime.date(given_on.year + 1, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def warning_counts_against(given_on: datetime.date, failure_date: datetime.date) -> bool:
    """Whether a warning given on `given_on` is in force on `failure_date`: the failure falls
    within the warning's 12-month period, from the day it was given to its last day."""
    return given_on <= failure_date <= warning_period_last_day(given_on)


def warning_window_start(failure_date: datetime.date) -> datetime.date:
    """The earliest date a warning can have been given and still count against a failure on
    `failure_date` (for queries: warnings given from this date to `failure_date` count).

    Derived from `warning_period_last_day`, which never decreases as the warning date moves
    later: a failure on 10 March 2026 is reached by warnings from 11 March 2025; a failure
    on 29 February 2028 by warnings from 1 March 2027.
    """
    start = failure_date - relativedelta(years=1)
    while warning_period_last_day(start) >= failure_date:
        start -= datetime.timedelta(days=1)
    while warning_period_last_day(start) < failure_date:
        start += datetime.timedelta(days=1)
    return start


def required_action(failure_date: datetime.date, warning_dates: Iterable[datetime.date]) -> str:
    """What the responsible officer may do about an unacceptable failure on `failure_date`.

    `warning_dates` are the dates of warnings already given on the same order. Returns
    "breach" when the failure falls within the 12-month period of any of them
    (`warning_counts_against`): the officer must refer for breach. Otherwise
    "warning_or_breach": the officer may warn or refer. A warning given after the failure's
    date does not count against it.
    """
    if any(warning_counts_against(warned_on, failure_date) for warned_on in warning_dates):
        return BREACH
    return WARNING_OR_BREACH


def enforcement_deadline(
    failure_date: datetime.date, working_days: int | None = None
) -> datetime.date:
    """The date by which enforcement action is due: N working days after the failure.

    N is settings.LD_ENFORCEMENT_DEADLINE_WORKING_DAYS (10 by default); weekends and
    England and Wales bank holidays are not working days.
    """
    if working_days is None:
        working_days = settings.LD_ENFORCEMENT_DEADLINE_WORKING_DAYS
    return add_working_days(failure_date, working_days)
