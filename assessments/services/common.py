"""Checks and helpers shared by the assessments services."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from accounts.audit import audit_record
from referrals.models import Referral

from ..enums import AssessmentStatus
from ..models import Assessment

MAX_DRAFT_BYTES = 200_000


def audit(*, action, by, obj, person_id, request=None, detail=""):
    audit_record(
        action=action, user=by, obj=obj, person_id=person_id, detail=detail, request=request
    )


def check_day(day: datetime.date | None, *, referral: Referral, field: str, label: str):
    """A date about this referral may be neither before it was received nor in the future."""
    if day is None:
        return
    received = timezone.localtime(referral.received_at).date()
    if day > timezone.localdate():
        raise ValidationError({field: f"The {label} cannot be in the future"})
    if day < received:
        raise ValidationError(
            {
                field: f"The {label} cannot be before the referral was received "
                f"({date_format(received, 'j F Y')})"
            }
        )


def refuse_if_signed(assessment: Assessment):
    if assessment.status == AssessmentStatus.SIGNED:
        raise ValidationError(
            f"This assessment was signed on {date_format(timezone.localtime(assessment.signed_at), 'j F Y')} "
            "and cannot be changed. Add an addendum with the reason instead.",
            code="signed",
        )
