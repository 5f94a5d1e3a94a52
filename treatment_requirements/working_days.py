"""Bank holidays and working days in each UK nation: weekdays that are not bank holidays.

Pure functions, no database. A region is an `accounts.enums.BankHolidays` value (England and
Wales, Scotland, Northern Ireland: a probation team's `bank_holidays`); England and Wales
when not given. Bank holidays come from the `holidays` package (`holidays.UK(subdiv=...)`),
which includes substitute days: when Christmas Day falls on a Saturday, the following Monday
and Tuesday are both bank holidays. They are named as gov.uk/bank-holidays names them.
"""

import datetime
from functools import lru_cache
from types import MappingProxyType

import holidays

from accounts.enums import BankHolidays

ENGLAND_AND_WALES = BankHolidays.ENGLAND_AND_WALES.value
_SUBDIVISIONS = {
    BankHolidays.ENGLAND_AND_WALES.value: "ENG",
    BankHolidays.SCOTLAND.value: "SCT",
    BankHolidays.NORTHERN_IRELAND.value: "NIR",
}
# The package's names that gov.uk/bank-holidays words differently.
_GOV_UK_NAMES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Summer Bank Holiday": "Summer bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "New Year Holiday": "2nd January",
    "Saint Andrew's Day": "St Andrew's Day",
    "Saint Patrick's Day": "St Patrick's Day",
    "Battle of the Boyne": "Battle of the Boyne (Orangemen's Day)",
}
_OBSERVED = " (observed)"


def _gov_uk_name(name: str) -> str:
    substitute = name.endswith(_OBSERVED)
    name = name.removesuffix(_OBSERVED)
    name = _GOV_UK_NAMES.get(name, name)
    return f"{name} (substitute day)" if substitute else name


@lru_cache(maxsize=64)
def _bank_holidays(year: int, region: str) -> MappingProxyType:
    found = holidays.UK(subdiv=_SUBDIVISIONS[region], years=[year])
    return MappingProxyType(
        {day: "; ".join(_gov_uk_name(n) for n in names.split("; ")) for day, names in found.items()}
    )


def bank_holiday_name(day: datetime.date, region: str = ENGLAND_AND_WALES) -> str | None:
    """The bank holiday on `day` in `region` as gov.uk names it ("Boxing Day (substitute
    day)"), or None on an ordinary day."""
    return _bank_holidays(day.year, region).get(day)


def is_bank_holiday(day: datetime.date, region: str = ENGLAND_AND_WALES) -> bool:
    return day in _bank_holidays(day.year, region)


def is_working_day(day: datetime.date, region: str = ENGLAND_AND_WALES) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day, region)


def add_working_days(
    start: datetime.date, count: int, region: str = ENGLAND_AND_WALES
) -> datetime.date:
    """The `count`-th working day in `region` after `start` (`start` itself is never counted).

    With count 0, `start` if it is a working day, else the next working day.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    if count == 0:
        while not is_working_day(day, region):
            day += datetime.timedelta(days=1)
        return day
    remaining = count
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day, region):
            remaining -= 1
    return day
