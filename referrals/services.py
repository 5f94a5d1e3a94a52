"""Writes and workflows for people and referrals. Each one audits what it changed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.enums import AuditAction
from core.concurrency import StaleEditError, save_if_current

from .enums import ClosureReason, ReferralStatus
from .models import Person, Referral, ReferralStatusChange
from .pathway import move_refusal


@transaction.atomic
def person_create(*, data: dict, by, request=None) -> Person:
    """Create a person in the user's team. Side effects: audit entry."""
    person = Person(**data, team=by.team, created_by=by)
    person.full_clean()
    person.save()
    audit_record(
        action=AuditAction.CREATE, user=by, obj=person, person_id=person.pk, request=request
    )
    return person


@transaction.atomic
def person_update(*, person: Person, expected_version: int, by, request=None) -> Person:
    """Save edits to a person unless someone else saved first (StaleEditError)."""
    person.full_clean()
    person.refresh_search_names()
    save_if_current(person, expected_version=expected_version)
    audit_record(
        action=AuditAction.CHANGE, user=by, obj=person, person_id=person.pk, request=request
    )
    return person


@transaction.atomic
def referral_create(
    *, person: Person, data: dict, vulnerabilities=(), by, request=None
) -> Referral:
    """Record a new referral for `person` in the user's team.

    Side effects: the first status-history row and an audit entry.
    """
    referral = Referral(**data, person=person, team=by.team, created_by=by)
    referral.full_clean()
    referral.save()
    referral.vulnerabilities.set(vulnerabilities)
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status="",
        to_status=referral.status,
        changed_by=by,
        reason="Referral received",
    )
    audit_record(
        action=AuditAction.CREATE, user=by, obj=referral, person_id=person.pk, request=request
    )
    return referral


@transaction.atomic
def referral_intake(
    *,
    person: Person | None = None,
    person_data: dict | None = None,
    referral_data: dict,
    vulnerabilities=(),
    by,
    request=None,
) -> Referral:
    """Record a referral from the intake form, creating the person first unless given.

    One transaction: if the referral is refused, the new person is not kept either.
    Side effects: those of person_create and referral_create.
    """
    if person is None:
        person = person_create(data=person_data, by=by, request=request)
    return referral_create(
        person=person, data=referral_data, vulnerabilities=vulnerabilities, by=by, request=request
    )


@transaction.atomic
def referral_update(
    *, referral: Referral, expected_version: int, vulnerabilities=None, by, request=None
) -> Referral:
    """Save edits to a referral unless someone else saved first (StaleEditError)."""
    referral.full_clean()
    referral.refresh_reoffending_due()
    save_if_current(referral, expected_version=expected_version)
    if vulnerabilities is not None:
        referral.vulnerabilities.set(vulnerabilities)
    audit_record(
        action=AuditAction.CHANGE,
        user=by,
        obj=referral,
        person_id=referral.person_id,
        request=request,
    )
    return referral


@transaction.atomic
def referral_transition(
    *,
    referral: Referral,
    to_status: str,
    by,
    reason: str = "",
    closure_reason: str = "",
    expected_version: int | None = None,
    request=None,
    by_record=None,
) -> Referral:
    """Move a referral to `to_status` if the pathway allows it (referrals.pathway).

    People close (with a coded closure reason) and reopen (with a free-text reason, back to
    the state the records reached). Screened and assessed are reached only `by_record`: the
    completed screening or signed assessment of this referral, which the assessments app
    passes. Side effects: status-history row, audit entry, screened/assessed timestamps.
    """
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError()
    if by_record is not None and getattr(by_record, "referral_id", None) != locked.pk:
        raise ValueError("A referral moves only on a record of its own")
    from_status = locked.status
    refusal = move_refusal(
        from_status,
        to_status,
        by_record=by_record is not None,
        screened_at=locked.screened_at,
        assessed_at=locked.assessed_at,
    )
    if refusal:
        raise ValidationError({"to_status": refusal})
    if to_status == ReferralStatus.CLOSED and not closure_reason:
        raise ValidationError({"closure_reason": "Select why the referral is being closed"})
    if from_status == ReferralStatus.CLOSED and not reason.strip():
        raise ValidationError({"reason": "Enter why the referral is being reopened"})
    now = timezone.now()
    locked.status = to_status
    if to_status == ReferralStatus.CLOSED:
        locked.closure_reason, locked.closed_at = closure_reason, now
    else:
        locked.closure_reason, locked.closed_at = "", None
    if to_status == ReferralStatus.SCREENED and locked.screened_at is None:
        locked.screened_at = now
    if to_status == ReferralStatus.ASSESSED and locked.assessed_at is None:
        locked.assessed_at = now
    save_if_current(
        locked,
        expected_version=locked.version,
        update_fields=[
            "status",
            "closure_reason",
            "closed_at",
            "screened_at",
            "assessed_at",
            "updated_at",
        ],
    )
    ReferralStatusChange.objects.create(
        referral=locked,
        from_status=from_status,
        to_status=to_status,
        changed_by=by,
        changed_at=now,
        reason=(reason or (ClosureReason(closure_reason).label if closure_reason else ""))[:255],
    )
    audit_record(
        action=AuditAction.TRANSITION,
        user=by,
        obj=locked,
        person_id=locked.person_id,
        detail=f"{from_status} -> {to_status}",
        request=request,
    )
    referral.refresh_from_db()
    return referral


@transaction.atomic
def referral_assign(
    *, referral: Referral, assignee, by, expected_version: int | None = None, request=None
) -> Referral:
    """Allocate a referral to a practitioner of its team (or unassign with None)."""
    if assignee is not None and assignee.team_id != referral.team_id:
        raise ValidationError({"assigned_to": "Choose a practitioner from this referral's team"})
    referral.assigned_to = assignee
    save_if_current(
        referral,
        expected_version=referral.version if expected_version is None else expected_version,
        update_fields=["assigned_to", "updated_at"],
    )
    audit_record(
        action=AuditAction.CHANGE,
        user=by,
        obj=referral,
        person_id=referral.person_id,
        detail="assigned",
        request=request,
    )
    return referral


def referrals_allocate(*, referral_ids: list[int], queryset, assignee, by, request=None) -> int:
    """Allocate several referrals to one practitioner, all or none.

    `queryset` holds the referrals the user may allocate (the caller scopes it through the
    policy); an id outside it refuses the whole lot with Referral.DoesNotExist. Each goes
    through referral_assign (its history is the audit entry). Returns how many.
    """
    ids = sorted(set(referral_ids))
    with transaction.atomic():
        referrals = list(queryset.select_for_update().filter(pk__in=ids).order_by("pk"))
        if len(referrals) != len(ids):
            raise Referral.DoesNotExist("A selected referral is outside your team")
        for referral in referrals:
            referral_assign(referral=referral, assignee=assignee, by=by, request=request)
    return len(referrals)
