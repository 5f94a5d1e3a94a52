"""What booking or moving an appointment checks, as pure rules (no database).

- Overlap: two appointments overlap when their start times are less than the length of an
  appointment apart (settings.LD_APPOINTMENT_MINUTES, 60 by default): with 60 minutes,
  starts 59 minutes apart overlap, 60 minutes apart do not.
- The same person at two overlapping appointments (any of their orders): refused, naming the
  date and time of the other appointment and nothing else about it (`person_clash_message`).
- A weekend, or a bank holiday where the appointment is held (the probation team's nation:
  working_days), and an overlap in the officer's diary (the booking officer's or the
  responsible officer's appointments with other people): warnings the officer may book
  anyway (`BookingWarnings`), confirming exactly the warnings shown (`confirmation`): a
  confirmation given for other dates, or other warnings, does not book.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.utils import timezone

from accounts.enums import BankHolidays

from .working_days import ENGLAND_AND_WALES, bank_holiday_name


def long_day(day: datetime.date) -> str:
    """Monday 28 December 2026."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def long_time(when: datetime.datetime) -> str:
    """Monday 28 December 2026 at 10:30 (local time)."""
    local = timezone.localtime(when)
    return f"{long_day(local.date())} at {local:%H:%M}"


@dataclass(frozen=True, order=True)
class BookingWarning:
    """Why the officer is asked to confirm one appointment's date and time."""

    starts_at: datetime.datetime
    reason: str


class BookingWarnings(Exception):
    """Booking stopped for the officer to confirm `warnings` (by their `confirmation`)."""

    def __init__(self, warnings: list[BookingWarning]):
        self.warnings = sorted(warnings)
        self.confirmation = confirmation(self.warnings)
        super().__init__(f"{len(self.warnings)} booking warning(s)")


def confirmation(warnings: list[BookingWarning]) -> str:
    """A fingerprint of the warnings (dates, times and reasons) an officer confirms."""
    text = "\n".join(f"{w.starts_at.isoformat()} {w.reason}" for w in sorted(warnings))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def confirmed(accept_warnings: bool | str, warnings: list[BookingWarning]) -> bool:
    """Whether the officer's `accept_warnings` covers `warnings`: True accepts any (a caller
    that has already told the officer), a string must be the confirmation of exactly these."""
    if not warnings or accept_warnings is True:
        return True
    return bool(accept_warnings) and accept_warnings == confirmation(warnings)


def overlaps(first: datetime.datetime, second: datetime.datetime, length) -> bool:
    """Whether two appointments starting at `first` and `second` overlap (`length`, a
    timedelta, is how long an appointment lasts)."""
    return abs(first - second) < length


def clashes(times, others, length) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(time, other) for each of `times` and each of `others` it overlaps, in time order."""
    return sorted(
        (when, other) for when in times for other in others if overlaps(when, other, length)
    )


def person_clash_message(other: datetime.datetime) -> str:
    return f"The person already has an appointment on {long_time(other)}"


def day_warning(when: datetime.datetime, region: str = ENGLAND_AND_WALES) -> BookingWarning | None:
    """A warning when `when` falls on a bank holiday in `region` or at a weekend."""
    day = timezone.localtime(when).date()
    holiday = bank_holiday_name(day, region)
    if holiday:
        nation = BankHolidays(region).label
        return BookingWarning(when, f"{long_day(day)} is a bank holiday ({holiday}) in {nation}")
    if day.weekday() >= 5:
        return BookingWarning(when, f"{long_day(day)} is at the weekend")
    return None


def day_warnings(times, region: str = ENGLAND_AND_WALES) -> list[BookingWarning]:
    return [warning for when in times if (warning := day_warning(when, region))]


def diary_warning(when: datetime.datetime, other: datetime.datetime, whose: str) -> BookingWarning:
    """`whose` diary ("your", "Sam Jones's") has another appointment overlapping `when`."""
    local = timezone.localtime(other)
    same_day = local.date() == timezone.localtime(when).date()
    on_day = "" if same_day else f" on {long_day(local.date())}"
    return BookingWarning(
        when,
        f"{long_time(when)} overlaps another appointment in {whose} diary, at {local:%H:%M}{on_day}",
    )
