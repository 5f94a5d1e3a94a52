"""Working days in England and Wales: weekdays that are not bank holidays.

Pure functions, no database. Bank holidays come from the `holidays` package
(`holidays.UK(subdiv="ENG")`), which includes substitute days: when Christmas Day falls on a
Saturday, the following Monday and Tuesday are both bank holidays.
"""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.UK(subdiv="ENG", years=[year]).keys())


def is_bank_holiday(day: datetime.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start` (`start` itself is never counted).

    With count 0, `start` if it is a working day, else the next working day.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    if count == 0:
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
        return day
    remaining = count
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
