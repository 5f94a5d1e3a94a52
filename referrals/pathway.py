"""The referral's states and the moves allowed between them (no database here)."""

from datetime import datetime, timedelta

from django.conf import settings

from .enums import AWAITING_STATUSES
from .enums import ReferralStatus as S

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.SCREENED, S.CLOSED},
    S.SCREENED: {S.ASSESSED, S.CLOSED},
    S.ASSESSED: {S.CLOSED},
    S.CLOSED: {S.RECEIVED},  # reopened, with a reason
}


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, set())


def timeliness_target(source: str) -> timedelta:
    """How long after receipt a referral of this source should be screened and assessed."""
    return timedelta(hours=settings.LD_TIMELINESS_TARGET_HOURS.get(source, 72))


def is_overdue(*, source: str, status: str, received_at: datetime, now: datetime) -> bool:
    awaiting = status in AWAITING_STATUSES
    return awaiting and now > received_at + timeliness_target(source)
