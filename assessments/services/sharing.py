"""Consent, disclosure of the summary and onward referrals."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.enums import AuditAction
from referrals.models import Referral

from ..enums import Agency, ConsentKind, OnwardOutcome
from ..models import Assessment, Consent, Disclosure, OnwardReferral
from .common import audit, check_day

# Consent -----------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    referral: Referral,
    kind: str,
    given: bool,
    given_on: datetime.date,
    agencies=(),
    notes: str = "",
    by,
    request=None,
) -> Consent:
    """Record a consent decision as a new row (earlier decisions stay in the history)."""
    agencies = set(agencies)
    if kind == ConsentKind.TO_SHARE and given and not agencies:
        raise ValidationError({"agencies": "Select who the person agrees to share with"})
    if not agencies <= set(Agency.values):
        raise ValidationError({"agencies": "Select agencies from the list"})
    check_day(given_on, referral=referral, field="given_on", label="Date of the decision")
    consent = Consent(
        referral=referral,
        kind=kind,
        given=given,
        given_on=given_on,
        notes=notes,
        recorded_by=by,
        **{
            f"share_with_{agency}": (given and kind == ConsentKind.TO_SHARE and agency in agencies)
            for agency in Agency.values
        },
    )
    consent.full_clean()
    consent.save()
    audit(
        action=AuditAction.CREATE,
        by=by,
        obj=consent,
        person_id=referral.person_id,
        request=request,
        detail=f"{kind} {'given' if given else 'refused'}",
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, withdrawn_on: datetime.date, reason: str = "", by, request=None
) -> Consent:
    """Record that the person withdrew a consent: nothing further is shared under it.

    What was already shared cannot be recalled: see selectors.disclosures_under(consent).
    """
    consent = Consent.objects.select_for_update().select_related("referral").get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError(
            f"This consent was already withdrawn on {date_format(consent.withdrawn_on, 'j F Y')}."
        )
    if not consent.given:
        raise ValidationError("The person did not give this consent, so it cannot be withdrawn.")
    if withdrawn_on < consent.given_on:
        raise ValidationError(
            {
                "withdrawn_on": "Date withdrawn must be on or after the day consent was given "
                f"({date_format(consent.given_on, 'j F Y')})"
            }
        )
    check_day(withdrawn_on, referral=consent.referral, field="withdrawn_on", label="Date withdrawn")
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_reason = reason
    consent.withdrawn_by = by
    consent.withdrawn_recorded_at = timezone.now()
    consent.full_clean()
    consent.save()
    audit(
        action=AuditAction.CHANGE,
        by=by,
        obj=consent,
        person_id=consent.referral.person_id,
        request=request,
        detail="consent withdrawn",
    )
    return consent


@transaction.atomic
def disclosure_record(*, assessment: Assessment, consent: Consent, by, request=None) -> Disclosure:
    """Note that the summary was produced for sharing under `consent`. Side effect: audit."""
    disclosure = Disclosure.objects.create(assessment=assessment, consent=consent, disclosed_by=by)
    audit(
        action=AuditAction.EXPORT,
        by=by,
        obj=assessment,
        person_id=assessment.referral.person_id,
        request=request,
        detail="assessment summary shared",
    )
    return disclosure


# Onward referrals --------------------------------------------------------------------


@transaction.atomic
def onward_referral_record(*, referral: Referral, data: dict, by, request=None) -> OnwardReferral:
    onward = OnwardReferral(**data, referral=referral, recorded_by=by)
    check_day(onward.referred_on, referral=referral, field="referred_on", label="Date referred")
    onward.full_clean()
    onward.save()
    audit(
        action=AuditAction.CREATE,
        by=by,
        obj=onward,
        person_id=referral.person_id,
        request=request,
        detail=f"onward referral {onward.service}",
    )
    return onward


@transaction.atomic
def onward_referral_outcome(
    *, onward: OnwardReferral, outcome: str, outcome_on: datetime.date | None, by, request=None
) -> OnwardReferral:
    """Record whether the person reached the service (the measure L&D is judged on)."""
    if outcome not in OnwardOutcome.values:
        raise ValidationError({"outcome": "Select the outcome"})
    if outcome != OnwardOutcome.PENDING and outcome_on is None:
        raise ValidationError({"outcome_on": "Enter the date of the outcome"})
    if outcome_on is not None:
        if outcome_on < onward.referred_on:
            raise ValidationError(
                {
                    "outcome_on": "Date of the outcome must be on or after the date referred "
                    f"({date_format(onward.referred_on, 'j F Y')})"
                }
            )
        if outcome_on > timezone.localdate():
            raise ValidationError(
                {"outcome_on": "Date of the outcome must be today or in the past"}
            )
    onward.outcome = outcome
    onward.outcome_on = outcome_on if outcome != OnwardOutcome.PENDING else None
    onward.outcome_recorded_by = by
    onward.save(update_fields=["outcome", "outcome_on", "outcome_recorded_by", "updated_at"])
    audit(
        action=AuditAction.CHANGE,
        by=by,
        obj=onward,
        person_id=onward.referral.person_id,
        request=request,
        detail=f"onward outcome {outcome}",
    )
    return onward
