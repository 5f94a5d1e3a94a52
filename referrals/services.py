"""Writes and workflows for people and referrals. Each one audits what it changed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.enums import AuditAction, Role, TeamKind
from core.concurrency import StaleEditError, save_if_current
from core.queueing import enqueue_on_commit

from .enums import AllocationKind, ClosureReason, ReferralStatus
from .models import (
    MyWorkLook,
    Person,
    PersonContact,
    Referral,
    ReferralAllocation,
    ReferralStatusChange,
)
from .pathway import move_refusal
from .work_order import WORK_ORDER_FIELDS, refresh_work_order_of

TRANSFER_REASON_MAX_LENGTH = 500
# The new holder's inbox reminder (notifications.rules.referral_allocated) is written by
# the allocation rules, run hourly; this task (named, as the beat schedule names it: the
# notifications app sits to the right of this one) runs them as soon as an allocation
# commits, so it reaches the inbox within seconds.
ALLOCATION_REMINDERS_TASK = "notifications.run_allocation_rules"


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
def person_contact_update(
    *, person: Person, values: dict, expected_version: int, by, request=None
) -> PersonContact:
    """Save the person's contact details and reminder preferences (`values`: PersonContact's
    fields) unless someone else saved first (StaleEditError).

    A changed reminders answer records when (today, Europe/London) and by whom. Side
    effects: the contact row (made on the first save), an audit entry (ids only).
    """
    contact, _ = PersonContact.objects.select_for_update().get_or_create(person=person)
    if contact.version != expected_version:
        raise StaleEditError()
    consent_changed = values["reminders"] != contact.reminders
    for name, value in values.items():
        setattr(contact, name, value)
    if consent_changed:
        contact.consent_recorded_on, contact.consent_recorded_by = timezone.localdate(), by
    contact.full_clean()
    save_if_current(contact, expected_version=expected_version)
    audit_record(
        action=AuditAction.CHANGE,
        user=by,
        obj=contact,
        person_id=person.pk,
        request=request,
        detail="contact details and reminders",
    )
    return contact


@transaction.atomic
def referral_create(
    *, person: Person, data: dict, vulnerabilities=(), by, request=None
) -> Referral:
    """Record a new referral for `person` in the user's team.

    Side effects: the first status-history row, an allocation row when it is given to a
    practitioner at once, and an audit entry.
    """
    referral = Referral(**data, person=person, team=by.team, created_by=by)
    referral.full_clean()
    referral.save()
    _refresh_work_order(referral)
    referral.vulnerabilities.set(vulnerabilities)
    ReferralStatusChange.objects.create(
        referral=referral,
        from_status="",
        to_status=referral.status,
        changed_by=by,
        reason="Referral received",
    )
    if referral.assigned_to_id is not None:
        _allocation_record(referral, by=by)
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
    """Save edits to a referral unless someone else saved first (StaleEditError).

    Side effects: an allocation row if the edit changed who it is assigned to; audit entry.
    """
    referral.full_clean()
    referral.refresh_reoffending_due()
    held_by = Referral.objects.values_list("assigned_to_id", flat=True).get(pk=referral.pk)
    save_if_current(referral, expected_version=expected_version)
    _refresh_work_order(referral)
    if vulnerabilities is not None:
        referral.vulnerabilities.set(vulnerabilities)
    if referral.assigned_to_id != held_by:
        _allocation_record(referral, by=by)
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
    from_status = locked.status
    _check_move(
        locked, to_status, by_record=by_record, reason=reason, closure_reason=closure_reason
    )
    now = timezone.now()
    _apply_move(locked, to_status, closure_reason=closure_reason, now=now)
    _refresh_work_order(locked)
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


def _check_move(locked: Referral, to_status: str, *, by_record, reason: str, closure_reason: str):
    """Refuse a move the pathway does not allow, or a close or reopen without its reason."""
    # A record of another referral must never move this one (a programming error, not a user's).
    if by_record is not None and getattr(by_record, "referral_id", None) != locked.pk:
        raise ValueError("A referral moves only on a record of its own")
    refusal = move_refusal(
        locked.status,
        to_status,
        by_record=by_record is not None,
        screened_at=locked.screened_at,
        assessed_at=locked.assessed_at,
    )
    if refusal:
        raise ValidationError({"to_status": refusal})
    if to_status == ReferralStatus.CLOSED and not closure_reason:
        raise ValidationError({"closure_reason": "Select why the referral is being closed"})
    if locked.status == ReferralStatus.CLOSED and not reason.strip():
        raise ValidationError({"reason": "Enter why the referral is being reopened"})


def _apply_move(locked: Referral, to_status: str, *, closure_reason: str, now) -> None:
    """Set the status and its timestamps and save. Screened and assessed are stamped the
    first time only (a reopened referral keeps when it was first screened or assessed);
    leaving "closed" clears the closure."""
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


def _refresh_work_order(referral: Referral) -> None:
    """Store the keys of "most urgent first" (work_order) after a write that can move them,
    and on the instance the caller goes on with."""
    refresh_work_order_of(pk=referral.pk)
    keys = Referral.objects.filter(pk=referral.pk).values(*WORK_ORDER_FIELDS).get()
    for name, value in keys.items():
        setattr(referral, name, value)


@transaction.atomic
def referral_assign(
    *, referral: Referral, assignee, by, expected_version: int | None = None, request=None
) -> Referral:
    """Allocate a referral to a practitioner of its team (or unassign with None).

    Side effects: an allocation row when the holder changes (the referral's allocation
    history, "New to me" and the new holder's inbox reminder, nudged on commit), an audit
    entry.
    """
    _assign(referral, assignee, by=by, expected_version=expected_version, request=request)
    _remind_on_commit()
    return referral


def _assign(referral: Referral, assignee, *, by, expected_version, request) -> None:
    if assignee is not None and assignee.team_id != referral.team_id:
        raise ValidationError({"assigned_to": "Choose a practitioner from this referral's team"})
    changed = (assignee.pk if assignee else None) != referral.assigned_to_id
    referral.assigned_to = assignee
    save_if_current(
        referral,
        expected_version=referral.version if expected_version is None else expected_version,
        update_fields=["assigned_to", "updated_at"],
    )
    if changed:
        _allocation_record(referral, by=by)
    audit_record(
        action=AuditAction.CHANGE,
        user=by,
        obj=referral,
        person_id=referral.person_id,
        detail="assigned",
        request=request,
    )


def _allocation_record(
    referral: Referral, *, by, kind=AllocationKind.ALLOCATION, reason=""
) -> ReferralAllocation:
    return ReferralAllocation.objects.create(
        referral=referral,
        assigned_to_id=referral.assigned_to_id,
        team_id=referral.team_id,
        kind=kind,
        reason=reason,
        allocated_by=by,
    )


def _remind_on_commit():
    enqueue_on_commit(ALLOCATION_REMINDERS_TASK, once=True)


def referrals_allocate(*, referral_ids: list[int], queryset, assignee, by, request=None) -> int:
    """Allocate several referrals to one practitioner, all or none.

    `queryset` holds the referrals the user may allocate (the caller scopes it through the
    policy); an id outside it refuses the whole lot with Referral.DoesNotExist. Each is
    allocated as referral_assign does (allocation row, audit entry); the reminders are
    nudged once for the lot. Returns how many.
    """
    ids = sorted(set(referral_ids))
    with transaction.atomic():
        referrals = list(queryset.select_for_update().filter(pk__in=ids).order_by("pk"))
        if len(referrals) != len(ids):
            raise Referral.DoesNotExist("A selected referral is outside your team")
        for referral in referrals:
            _assign(referral, assignee, by=by, expected_version=None, request=request)
        _remind_on_commit()
    return len(referrals)


def referral_transfer(
    *, referral: Referral, team, assignee=None, reason: str, expected_version: int, by, request=None
) -> ReferralAllocation:
    """Move an open referral to another active L&D team, for `reason`, optionally straight
    to an active practitioner (or team lead) of that team; otherwise it waits there
    unassigned. Who may is the policy's Action.TRANSFER on the referral (the caller loads
    it through the policy). Refuses the same team, a closed referral and a stale edit.

    Side effects: a transfer row in the allocation history (with the reason: the referral
    page, the person's timeline, "New to me" and the inbox reminder of the practitioner, or
    of the receiving team's leads, nudged on commit), an audit entry with ids only.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the referral is moving to another team"})
    if len(reason) > TRANSFER_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"The reason must be {TRANSFER_REASON_MAX_LENGTH} characters or fewer"}
        )
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.version != expected_version:
            raise StaleEditError()
        _check_transfer(locked, team, assignee)
        locked.team, locked.assigned_to = team, assignee
        save_if_current(
            locked,
            expected_version=expected_version,
            update_fields=["team", "assigned_to", "updated_at"],
        )
        allocation = _allocation_record(locked, by=by, kind=AllocationKind.TRANSFER, reason=reason)
        audit_record(
            action=AuditAction.CHANGE,
            user=by,
            obj=locked,
            person_id=locked.person_id,
            detail=f"transferred to team {team.pk}",
            request=request,
        )
        _remind_on_commit()
    referral.team, referral.assigned_to, referral.version = team, assignee, locked.version
    return allocation


def _check_transfer(referral: Referral, team, assignee) -> None:
    if not referral.is_open:
        raise ValidationError("This referral is closed: reopen it before transferring it")
    if team is None or team.kind != TeamKind.LIAISON_DIVERSION or not team.is_active:
        raise ValidationError({"team": "Choose an active Liaison & Diversion team"})
    if team.pk == referral.team_id:
        raise ValidationError({"team": "The referral is already with this team: choose another"})
    if assignee is not None and (
        assignee.team_id != team.pk
        or not assignee.is_active
        or assignee.role not in (Role.PRACTITIONER, Role.TEAM_LEAD)
    ):
        raise ValidationError(
            {"assignee": "Choose an active practitioner of the team it is moving to"}
        )


def my_work_look_record(*, user, looked_at) -> None:
    """Remember that `user` saw what was new to them on My work up to `looked_at` ("New to
    me" lists the referrals allocated or transferred after it). One upsert, first look or
    not (as treatment_requirements.services.caseload_look_record)."""
    MyWorkLook.objects.bulk_create(
        [MyWorkLook(user=user, looked_at=looked_at)],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["looked_at"],
    )
