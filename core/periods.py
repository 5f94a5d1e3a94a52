"""The one rule for "a period of N months beginning with" a date.

Used by the warning period (Sentencing Act 2020 Sch. 10 para 6: "the period of 12 months
beginning with the date on which the warning was given"), the length of orders and their
requirements, and the reoffending follow-up window (12 months beginning with the date a
referral was received).

A period "beginning with" a date includes that date and ends the day before the corresponding
date N months later: 12 months beginning with 10 March 2025 end on 9 March 2026. Where the
later month has no corresponding day (a start on the 29th-31st, or 29 February in a common
year), the period ends on that month's last day (the corresponding-date rule, Dodds v Walker
[1981] 1 WLR 1027, HL): 12 months beginning with 29 February 2028 end on 28 February 2029,
and one month beginning with 31 January ends on the last day of February. So a period never
loses a day to a missing date, and a later start never ends earlier.
"""

import datetime
import functools

from dateutil.relativedelta import relativedelta


# A pure function of a day, and relativedelta is slow (~10 us): seeding asks it for every
# referral's reoffending check, and two years hold only ~730 different days.
@functools.lru_cache(maxsize=4096)
def period_last_day(start: datetime.date, months: int) -> datetime.date:
    """The last day (inclusive) of the period of `months` months beginning with `start`."""
    later = start + relativedelta(months=months)
    if later.day != start.day:  # no corresponding day: relativedelta stopped at month end
        return later
    return later - datetime.timedelta(days=1)


def day_after_period(start: datetime.date, months: int) -> datetime.date:
    """The first day after the period: when something due "after N months" falls due."""
    return period_last_day(start, months) + datetime.timedelta(days=1)
