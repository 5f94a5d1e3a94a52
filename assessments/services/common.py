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


def referral_received_on(referral: Referral) -> datetime.date:
    return timezone.localtime(referral.received_at).date()


def before_received_message(label: str, received: datetime.date) -> str:
    return (
        f"{label} must be on or after {date_format(received, 'j F Y')}, "
        "the day the referral was received"
    )


def check_day(day: datetime.date | None, *, referral: Referral, field: str, label: str):
    """A date about this referral may be neither before it was received nor in the future.
    `label` is the form's ("Date screened"): the messages are the form's own words
    (core.forms.GovDateField, assessments.forms.bound_by_referral), whichever says it."""
    if day is None:
        return
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} must be today or in the past"})
    received = referral_received_on(referral)
    if day < received:
        raise ValidationError({field: before_received_message(label, received)})


def refuse_if_signed(assessment: Assessment):
    if assessment.status == AssessmentStatus.SIGNED:
        raise ValidationError(
            f"This assessment was signed on {date_format(timezone.localtime(assessment.signed_at), 'j F Y')} "
            "and cannot be changed. Add an addendum with the reason instead.",
            code="signed",
        )
