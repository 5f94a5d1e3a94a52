"""Retention (reporting.housekeeping): a person past the period has their contact notes,
addenda, "with whom" and in-error reasons blanked; someone still held keeps theirs. The
contact log is classified (accounts.classification), so the rule reaches it unaided."""

import datetime

import pytest
from django.utils import timezone

from accounts.classification import DataClass, classification_of
from contact_log.models import Contact, ContactAddendum
from reporting.housekeeping import apply_retention, retention_dry_run
from tests.factories import PersonFactory, ReferralFactory
from tests.reporting.test_housekeeping import closed_referral

from .factories import ContactAddendumFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _old_contact(person):
    contact = ContactFactory(
        person=person,
        note="Told me about her brother Caspian's threats.",
        with_whom="Caspian's probation officer",
        in_error_at=timezone.now(),
        in_error_reason="Caspian is the wrong name",
        contact_at=timezone.now() - datetime.timedelta(days=3000),
    )
    ContactAddendumFactory(contact=contact, text="Caspian moved away.", reason="Caspian news")
    return contact


def test_note_text_is_classified_as_free_text():
    for field in ("note", "with_whom", "in_error_reason"):
        assert classification_of(Contact, field) == DataClass.FREE_TEXT
    assert classification_of(ContactAddendum, "text") == DataClass.FREE_TEXT


def test_retention_blanks_contact_text_of_people_past_the_period(settings):
    settings.LD_RETENTION_YEARS = 8
    gone = PersonFactory()
    closed_referral(gone, 9)
    old = _old_contact(gone)
    held = ReferralFactory().person  # an open referral: kept
    kept = _old_contact(held)

    assert retention_dry_run()["records"]["contact_log.Contact"] == 1
    assert apply_retention() == 1

    old.refresh_from_db()
    assert (old.note, old.with_whom, old.in_error_reason) == ("[anonymised]", "", "")
    assert old.contact_type == "phone"  # the coded facts stay for the figures
    assert list(old.addenda.values_list("text", "reason")) == [("[anonymised]", "[anonymised]")]
    kept.refresh_from_db()
    assert "Caspian" in kept.note
