"""The referral's states and the moves allowed between them (no database here).

Screened and assessed come from the pathway's records: a referral is screened when its
screening is completed and assessed when its full assessment is signed (the assessments app
makes those moves, naming the record). People only close a referral and reopen it; a
reopened referral goes back to the furthest state its records reached.
"""

from datetime import datetime, timedelta

from django.conf import settings

from .enums import AWAITING_STATUSES
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


def is_overdue(*, source: str, status: str, received_at: datetime, now: datetime) -> bool:
    awaiting = status in AWAITING_STATUSES
    return awaiting and now > received_at + timeliness_target(source)
