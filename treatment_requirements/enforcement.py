"""The enforcement rule for community orders (Sentencing Act 2020, Sch. 10; docs/domain.md "Enforcement").

Pure functions, no database: the easiest code in the product to test, and the one that must
be applied the same way every time.
"""

import datetime
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.conf import settings

from core.periods import period_last_day

from .working_days import ENGLAND_AND_WALES, add_working_days

BREACH = "breach"
WARNING_OR_BREACH = "warning_or_breach"
WARNING_PERIOD_MONTHS = 12


def warning_period_last_day(given_on: datetime.date) -> datetime.date:
    """The last day of "the period of 12 months beginning with the date on which the warning
    was given" (Sentencing Act 2020 Sch. 10 para 6): the day before its anniversary.

    A warning given on 10 March 2025 covers failures up to and including 9 March 2026; one
    given on 29 February 2028 up to 28 February 2029 (`core.periods`, the corresponding-date
    rule). This reading of 29 February is recorded for legal confirmation in the issue 12 notes.
    """
    return period_last_day(given_on, WARNING_PERIOD_MONTHS)


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
    failure_date: datetime.date,
    working_days: int | None = None,
    region: str = ENGLAND_AND_WALES,
) -> datetime.date:
    """The date by which enforcement action is due: N working days after the failure.

    N is settings.LD_ENFORCEMENT_DEADLINE_WORKING_DAYS (10 by default); weekends and the
    bank holidays of `region` (the probation team's: the officer's working days) are not
    working days.
    """
    if working_days is None:
        working_days = settings.LD_ENFORCEMENT_DEADLINE_WORKING_DAYS
    return add_working_days(failure_date, working_days, region)
