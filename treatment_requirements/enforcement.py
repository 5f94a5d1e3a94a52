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

WARNING_PERIOD = relativedelta(months=12)


def warning_window_start(failure_date: datetime.date) -> datetime.date:
    """The first day on which an earlier warning still counts against `failure_date`.

    Twelve calendar months back; from 29 February that is 28 February of the previous year
    (relativedelta clips to the month's last day).
    """
    return failure_date - WARNING_PERIOD


def required_action(failure_date: datetime.date, warning_dates: Iterable[datetime.date]) -> str:
    """What the responsible officer may do about an unacceptable failure on `failure_date`.

    `warning_dates` are the dates of warnings already given on the same order. Returns
    "breach" when any of them is on or after the date 12 calendar months before
    `failure_date` and not after `failure_date`: the officer must refer for breach.
    Otherwise "warning_or_breach": the officer may warn or refer.
    """
    window_start = warning_window_start(failure_date)
    for warned_on in warning_dates:
        if window_start <= warned_on <= failure_date:
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
