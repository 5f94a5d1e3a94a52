"""The contact log's rules: note length, when a contact may be dated, links to the same
person's records only, corrections by addendum or an in-error marking (never an edit),
restriction and its review, stale edits refused, history and audit with ids only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from contact_log import services
from contact_log.enums import (
    ContactEventKind,
    ContactOutcome,
    ContactType,
    RestrictionDecision,
    RestrictionReason,
)
from contact_log.models import NOTE_MAX, Contact, ContactAddendum
from core.concurrency import StaleEditError

from .factories import ContactFactory

pytestmark = pytest.mark.django_db

LONG_NOTE = "Phoned about housing. " * 545 + "x" * 10  # 12,000 characters


def _create(world, *, by=None, person=None, **kwargs):
    fields = {
        "person": person or world.shared,
        "by": by or world.users.a,
        "contact_type": ContactType.PHONE,
        "contact_at": timezone.now() - datetime.timedelta(minutes=30),
        "outcome": ContactOutcome.MADE,
        "note": "Called to check on the GP appointment.",
    }
    fields.update(kwargs)
    return services.contact_create(**fields)


def test_note_of_12000_characters_is_kept_whole(world):
    assert len(LONG_NOTE) == NOTE_MAX

    contact = _create(world, note=LONG_NOTE)

    contact.refresh_from_db()
    assert contact.note == LONG_NOTE


def test_note_of_12001_characters_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as caught:
        _create(world, note=LONG_NOTE + "y")

    assert "note" in caught.value.error_dict
    assert Contact.objects.count() == 0


def test_database_refuses_a_note_over_the_limit_written_past_the_service(world):
    contact = ContactFactory(person=world.shared, practitioner=world.users.a)

    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.filter(pk=contact.pk).update(note="z" * (NOTE_MAX + 1))


def test_contact_now_is_accepted_and_a_minute_ahead_is_refused(world):
    now = timezone.now()
    assert _create(world, contact_at=now).contact_at == now

    with pytest.raises(ValidationError) as caught:
        _create(world, contact_at=now + datetime.timedelta(minutes=1))
    assert caught.value.error_dict["contact_at"][0].messages == [
        "Time of the contact must be now or in the past"
    ]


def test_contact_a_year_back_is_accepted_and_older_is_refused(world):
    now = timezone.now()
    _create(world, contact_at=now - datetime.timedelta(days=365))

    with pytest.raises(ValidationError) as caught:
        _create(world, contact_at=now - datetime.timedelta(days=367))
    assert "contact_at" in caught.value.error_dict


def test_contact_links_to_the_same_persons_referral_assessment_or_order(world):
    for kind, record in (
        ("referral", world.shared_a),
        ("assessment", world.assessment),
        ("order", world.order),
    ):
        contact = _create(world, link=(kind, record.pk))
        assert contact.linked_record == record


def test_link_to_another_persons_referral_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        _create(world, link=("referral", world.a_only_referral.pk))

    assert "link" in caught.value.error_dict
    assert Contact.objects.count() == 0


def test_link_to_a_record_the_user_may_not_see_is_refused(world):
    # Team B's referral of the same person: team A's practitioner may not see it.
    with pytest.raises(ValidationError):
        _create(world, link=("referral", world.shared_b.pk))
    # Probation may link its own order, not team A's referral.
    with pytest.raises(ValidationError):
        _create(world, by=world.users.officer, link=("referral", world.shared_a.pk))
    assert (
        _create(world, by=world.users.officer, link=("order", world.order.pk)).order == world.order
    )


def test_database_refuses_two_links_on_one_contact(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(
            person=world.shared,
            practitioner=world.users.a,
            referral=world.shared_a,
            order=world.order,
        )


def test_contact_belongs_to_the_authors_team_and_writes_history_and_audit(world):
    contact = _create(world, restriction_reason=RestrictionReason.SAFEGUARDING)

    assert contact.author_team == world.team_a
    assert contact.practitioner == world.users.a
    assert [e.kind for e in contact.events.all()] == [
        ContactEventKind.CREATED,
        ContactEventKind.RESTRICTED,
    ]
    entry = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="contact_log.contact")
    assert (entry.object_id, entry.person_id) == (str(contact.pk), world.shared.pk)
    assert "GP" not in entry.detail


def test_addendum_needs_a_reason_and_leaves_the_note_unchanged(world):
    contact = _create(world)

    with pytest.raises(ValidationError) as caught:
        services.contact_addendum_add(
            contact=contact,
            expected_version=contact.version,
            text="More.",
            reason="  ",
            by=world.users.a,
        )
    assert caught.value.error_dict["reason"][0].messages == ["Enter the reason for the addendum"]
    assert ContactAddendum.objects.count() == 0

    services.contact_addendum_add(
        contact=contact,
        expected_version=contact.version,
        text="It was 11:00.",
        reason="Wrong time",
        by=world.users.a2,
    )
    contact.refresh_from_db()
    assert contact.note == "Called to check on the GP appointment."
    assert [(a.text, a.reason, a.added_by) for a in contact.addenda.all()] == [
        ("It was 11:00.", "Wrong time", world.users.a2)
    ]
    assert contact.version == 2


def test_marking_in_error_keeps_the_original_text_and_records_who_and_why(world):
    contact = _create(world)

    services.contact_mark_in_error(
        contact=contact,
        expected_version=1,
        reason="Recorded on the wrong person",
        by=world.users.lead_a,
    )

    contact.refresh_from_db()
    assert contact.note == "Called to check on the GP appointment."
    assert contact.is_in_error
    assert (contact.in_error_by, contact.in_error_reason) == (
        world.users.lead_a,
        "Recorded on the wrong person",
    )
    assert contact.events.last().kind == ContactEventKind.IN_ERROR


def test_in_error_needs_a_reason_and_happens_once(world):
    contact = _create(world)
    with pytest.raises(ValidationError):
        services.contact_mark_in_error(
            contact=contact, expected_version=1, reason="", by=world.users.a
        )
    services.contact_mark_in_error(
        contact=contact, expected_version=1, reason="Dup", by=world.users.a
    )

    with pytest.raises(ValidationError, match="recorded in error"):
        services.contact_mark_in_error(
            contact=contact, expected_version=2, reason="Again", by=world.users.a
        )
    with pytest.raises(ValidationError, match="recorded in error"):
        services.contact_addendum_add(
            contact=contact, expected_version=2, text="x", reason="y", by=world.users.a
        )


def test_two_people_acting_on_one_contact_the_second_is_refused(world):
    contact = _create(world)
    first = Contact.objects.get(pk=contact.pk)
    second = Contact.objects.get(pk=contact.pk)

    services.contact_addendum_add(
        contact=first, expected_version=1, text="First.", reason="Adding", by=world.users.a
    )
    with pytest.raises(StaleEditError):
        services.contact_mark_in_error(
            contact=second, expected_version=1, reason="Wrong person", by=world.users.a2
        )

    second.refresh_from_db()
    assert not second.is_in_error
    assert second.addenda.count() == 1


def test_restriction_is_reviewed_by_someone_else_then_kept_or_released(world):
    contact = _create(world, restriction_reason=RestrictionReason.THIRD_PARTY)

    with pytest.raises(ValidationError, match="Someone other"):
        services.contact_restriction_review(
            contact=contact,
            expected_version=1,
            decision=RestrictionDecision.RELEASE,
            by=world.users.a,
        )
    services.contact_restriction_review(
        contact=contact,
        expected_version=1,
        decision=RestrictionDecision.KEEP,
        by=world.users.lead_a,
    )
    contact.refresh_from_db()
    assert contact.is_withheld
    assert contact.restriction_reviewed_by == world.users.lead_a

    services.contact_restriction_review(
        contact=contact,
        expected_version=2,
        decision=RestrictionDecision.RELEASE,
        by=world.users.lead_a,
    )
    contact.refresh_from_db()
    assert not contact.is_withheld
    assert [e.kind for e in contact.events.all()][-2:] == [
        ContactEventKind.KEPT_RESTRICTED,
        ContactEventKind.RELEASED,
    ]
    with pytest.raises(ValidationError, match="not restricted"):
        services.contact_restriction_review(
            contact=contact,
            expected_version=3,
            decision=RestrictionDecision.KEEP,
            by=world.users.lead_a,
        )


def test_a_released_note_can_be_restricted_again_and_awaits_a_new_review(world):
    contact = _create(world, restriction_reason=RestrictionReason.OTHER)
    services.contact_restriction_review(
        contact=contact,
        expected_version=1,
        decision=RestrictionDecision.RELEASE,
        by=world.users.a2,
    )

    services.contact_restrict(
        contact=contact,
        expected_version=2,
        reason=RestrictionReason.SAFEGUARDING,
        by=world.users.lead_a,
    )

    contact.refresh_from_db()
    assert contact.is_withheld
    assert (contact.restriction_decision, contact.restriction_reviewed_by) == ("", None)
    assert contact.restricted_by == world.users.lead_a


def test_audit_entries_hold_ids_and_codes_never_text(world):
    contact = _create(world, note="Disclosed abuse by her uncle Bartholomew.")
    services.contact_addendum_add(
        contact=contact,
        expected_version=1,
        text="Bartholomew lives nearby.",
        reason="Bartholomew's address",
        by=world.users.a,
    )
    services.contact_restrict(
        contact=contact,
        expected_version=2,
        reason=RestrictionReason.SAFEGUARDING,
        by=world.users.a,
    )

    details = list(AuditEvent.objects.values_list("detail", flat=True))
    assert details and not any("Bartholomew" in detail for detail in details)
