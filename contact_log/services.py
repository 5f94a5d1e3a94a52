"""Writes to the contact log. A contact's text is never changed once saved.

Each function validates, writes the contact's history (ContactEvent) and an audit entry with
ids only (never note text), inside one transaction. Steps on an existing contact take the
version the user started from (`expected_version`) and refuse a stale one
(core.concurrency.save_if_current), so two people acting on one contact cannot both win.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_person_record
from accounts.enums import AuditAction
from core.concurrency import save_if_current
from referrals.models import Person

from . import selectors
from .enums import ContactEventKind, RestrictionDecision
from .models import Contact, ContactAddendum, ContactEvent

IN_ERROR_MESSAGE = "This contact was recorded in error: record a new contact instead."
NOT_WITHHELD_MESSAGE = "This note is not restricted awaiting review."
OWN_REVIEW_MESSAGE = "Someone other than the person who restricted the note must review it."


def _event(contact: Contact, kind: str, by, at: datetime.datetime):
    ContactEvent.objects.create(contact=contact, kind=kind, by=by, at=at)


def _linked(by, person: Person, link: tuple[str, int] | None) -> dict:
    """The link field for `link` (kind, pk): a record of this person that `by` may see."""
    if not link:
        return {}
    kind, pk = link
    if kind not in selectors.LINK_KINDS:
        raise ValidationError({"link": "Select a record of this person, or none"})
    record = selectors.linkable(by, person, kind, pk)
    if record is None:
        raise ValidationError({"link": "Select a record of this person, or none"})
    return {kind: record}


@transaction.atomic
def contact_create(
    *,
    person: Person,
    by,
    contact_type: str,
    contact_at: datetime.datetime,
    outcome: str,
    note: str,
    with_whom: str = "",
    link: tuple[str, int] | None = None,
    restriction_reason: str = "",
    request=None,
) -> Contact:
    """Record a contact by `by` (the practitioner) for their team; optionally linked to one
    of the person's records and restricted. Writes a CREATED (and RESTRICTED) event."""
    now = timezone.now()
    contact = Contact(
        person=person,
        contact_type=contact_type,
        contact_at=contact_at,
        outcome=outcome,
        note=note,
        with_whom=with_whom,
        practitioner=by,
        author_team_id=by.team_id,
        **_linked(by, person, link),
    )
    if restriction_reason:
        contact.restricted = True
        contact.restriction_reason = restriction_reason
        contact.restricted_by = by
        contact.restricted_at = now
    contact.full_clean()
    contact.save()
    _event(contact, ContactEventKind.CREATED, by, now)
    if contact.restricted:
        _event(contact, ContactEventKind.RESTRICTED, by, now)
    audit_person_record(
        contact, action=AuditAction.CREATE, by=by, detail="contact", request=request
    )
    return contact


def _lock(contact: Contact, expected_version: int, by, kind: str, now) -> None:
    """Bump the contact's version (refusing a stale one) and write the history row."""
    contact.updated_at = now
    save_if_current(contact, expected_version=expected_version, update_fields=_CHANGED[kind])
    _event(contact, kind, by, now)


_RESTRICT_FIELDS = [
    "restricted",
    "restriction_reason",
    "restricted_by",
    "restricted_at",
    "restriction_decision",
    "restriction_reviewed_by",
    "restriction_reviewed_at",
]
_CHANGED = {
    ContactEventKind.ADDENDUM: ["updated_at"],
    ContactEventKind.IN_ERROR: ["updated_at", "in_error_at", "in_error_by", "in_error_reason"],
    ContactEventKind.RESTRICTED: ["updated_at", *_RESTRICT_FIELDS],
    ContactEventKind.KEPT_RESTRICTED: ["updated_at", *_RESTRICT_FIELDS],
    ContactEventKind.RELEASED: ["updated_at", *_RESTRICT_FIELDS],
}


@transaction.atomic
def contact_addendum_add(
    *, contact: Contact, expected_version: int, text: str, reason: str, by, request=None
) -> ContactAddendum:
    """Add a correction or addition with its reason; the contact's note is unchanged."""
    if contact.is_in_error:
        raise ValidationError(IN_ERROR_MESSAGE)
    missing = {}
    if not text.strip():
        missing["text"] = "Enter the addendum"
    if not reason.strip():
        missing["reason"] = "Enter the reason for the addendum"
    if missing:
        raise ValidationError(missing)
    now = timezone.now()
    addendum = ContactAddendum(contact=contact, text=text, reason=reason, added_by=by, added_at=now)
    addendum.full_clean()
    _lock(contact, expected_version, by, ContactEventKind.ADDENDUM, now)
    addendum.save()
    audit_person_record(
        contact,
        action=AuditAction.CREATE,
        by=by,
        detail=f"addendum {addendum.pk}",
        request=request,
    )
    return addendum


@transaction.atomic
def contact_mark_in_error(
    *, contact: Contact, expected_version: int, reason: str, by, request=None
) -> Contact:
    """Mark the contact as recorded in error: kept, shown struck through, with the reason."""
    if contact.is_in_error:
        raise ValidationError(IN_ERROR_MESSAGE)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the contact was recorded in error"})
    now = timezone.now()
    contact.in_error_at, contact.in_error_by, contact.in_error_reason = now, by, reason
    contact.full_clean(exclude=["contact_at"])  # its date was checked when it was recorded
    _lock(contact, expected_version, by, ContactEventKind.IN_ERROR, now)
    audit_person_record(
        contact,
        action=AuditAction.CHANGE,
        by=by,
        detail="marked in error",
        request=request,
    )
    return contact


@transaction.atomic
def contact_restrict(
    *, contact: Contact, expected_version: int, reason: str, by, request=None
) -> Contact:
    """Restrict the note (again, after a release): withheld from export until reviewed."""
    if contact.is_withheld:
        raise ValidationError("This note is already restricted.")
    now = timezone.now()
    contact.restricted, contact.restriction_reason = True, reason
    contact.restricted_by, contact.restricted_at = by, now
    contact.restriction_decision = ""
    contact.restriction_reviewed_by = contact.restriction_reviewed_at = None
    contact.full_clean(exclude=["contact_at"])
    _lock(contact, expected_version, by, ContactEventKind.RESTRICTED, now)
    audit_person_record(
        contact,
        action=AuditAction.CHANGE,
        by=by,
        detail=f"restricted: {reason}",
        request=request,
    )
    return contact


@transaction.atomic
def contact_restriction_review(
    *, contact: Contact, expected_version: int, decision: str, by, request=None
) -> Contact:
    """Review a restricted note: keep it restricted, or release it (into subject access
    export). The reviewer is not the person who restricted it."""
    if not contact.is_withheld:
        raise ValidationError(NOT_WITHHELD_MESSAGE)
    if contact.restricted_by_id == by.pk:
        raise ValidationError(OWN_REVIEW_MESSAGE)
    if decision not in RestrictionDecision.values:
        raise ValidationError({"decision": "Select whether to keep the note restricted"})
    now = timezone.now()
    contact.restriction_decision = decision
    contact.restriction_reviewed_by, contact.restriction_reviewed_at = by, now
    kind = (
        ContactEventKind.RELEASED
        if decision == RestrictionDecision.RELEASE
        else ContactEventKind.KEPT_RESTRICTED
    )
    _lock(contact, expected_version, by, kind, now)
    audit_person_record(
        contact,
        action=AuditAction.CHANGE,
        by=by,
        detail=f"restriction review: {decision}",
        request=request,
    )
    return contact
