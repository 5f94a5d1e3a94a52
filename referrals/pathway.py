"""The referral's states and the moves allowed between them (no database here).

Screened and assessed come from the pathway's records: a referral is screened when its
screening is completed and assessed when its full assessment is signed (the assessments app
makes those moves, naming the record). People only close a referral and reopen it; a
reopened referral goes back to the furthest state its records reached.
"""

from datetime import datetime, timedelta

from django.conf import settings

from .enums import AWAITING_STATUSES, Urgency
from .enums import ReferralStatus as S

# The moves a record makes: a completed screening, then a signed assessment.
RECORD_MOVES: dict[str, str] = {S.RECEIVED: S.SCREENED, S.SCREENED: S.ASSESSED}
RECORD_STATE_RULES = {
    S.SCREENED: "A referral is screened only when its screening is recorded",
    S.ASSESSED: "A referral is assessed only when its full assessment is signed",
}


def reopened_status(*, screened_at: datetime | None, assessed_at: datetime | None) -> str:
    """The state a closed referral reopens to: the furthest its records reached."""
    if assessed_at is not None:
        return S.ASSESSED
    if screened_at is not None:
        return S.SCREENED
    return S.RECEIVED


def manual_move(
    status: str, *, screened_at: datetime | None = None, assessed_at: datetime | None = None
) -> str:
    """The one move a person can make by hand: close an open referral, reopen a closed one."""
    if status == S.CLOSED:
        return reopened_status(screened_at=screened_at, assessed_at=assessed_at)
    return S.CLOSED


def move_refusal(
    from_status: str,
    to_status: str,
    *,
    by_record: bool = False,
    screened_at: datetime | None = None,
    assessed_at: datetime | None = None,
) -> str | None:
    """Why the referral cannot move from `from_status` to `to_status`, or None if it can.

    `by_record` is True when a completed screening or a signed assessment makes the move.
    """
    if by_record and RECORD_MOVES.get(from_status) == to_status:
        return None
    allowed = manual_move(from_status, screened_at=screened_at, assessed_at=assessed_at)
    if not by_record and to_status == allowed:
        return None
    if not by_record and to_status in RECORD_STATE_RULES:
        return RECORD_STATE_RULES[to_status]
    return f"A referral that is {_label(from_status)} cannot be moved to {_label(to_status)}"


def _label(status: str) -> str:
    return S(status).label.lower() if status in S.values else "an unknown state"


def timeliness_target(source: str) -> timedelta:
    """How long after receipt a referral of this source should be screened and assessed."""
    return timedelta(hours=settings.LD_TIMELINESS_TARGET_HOURS.get(source, 72))


def due_at(*, source: str, status: str, received_at: datetime) -> datetime | None:
    """When the referral should be screened and assessed by; None once it is not awaiting
    either (assessed or closed): it has no target left to meet."""
    if status not in AWAITING_STATUSES:
        return None
    return received_at + timeliness_target(source)


def is_overdue(*, source: str, status: str, received_at: datetime, now: datetime) -> bool:
    due = due_at(source=source, status=status, received_at=received_at)
    return due is not None and now > due


# Most urgent first (My work, the referral list's "Most urgent first"): a person at risk
# (the registered person markers), then the referral's urgency in this order, then the
# soonest (or most overdue) due_at, those with no target left last, then the oldest.
URGENCY_ORDER = (Urgency.EMERGENCY, Urgency.URGENT, Urgency.ROUTINE)


def due_label(due: datetime | None, now: datetime) -> str:
    """How long is left to the target, or how long it is overdue: "in 3 hours 20 minutes",
    "overdue by 2 days". Under a day in hours and minutes (the custody targets are hours),
    from a day in whole days; "due now" within the minute of the target."""
    if due is None:
        return ""
    left = due - now
    span = abs(left)
    if span < timedelta(minutes=1):
        return "due now"
    if span >= timedelta(days=1):
        words = _count(span.days, "day")
    else:
        hours, minutes = divmod(int(span.total_seconds()) // 60, 60)
        words = " ".join(_count(n, unit) for n, unit in ((hours, "hour"), (minutes, "minute")) if n)
    return f"in {words}" if left > timedelta(0) else f"overdue by {words}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
