"""seed_demo's contact details: every person with an order has an answer about reminders,
every kind of answer and channel occurs, and no number or address can reach a real person."""

import re

import pytest
from django.core.management import call_command

from demo.contacts import seed_demo_step
from referrals.enums import ContactChannel, ContactConsent
from referrals.models import Person, PersonContact
from treatment_requirements.models import Order

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_people_with_orders_contact_details_of_every_kind():
    call_command("seed_demo", referrals=300, seed=7, verbosity=0)

    with_orders = set(Order.objects.values_list("person_id", flat=True))
    contacts = PersonContact.objects.all()
    assert with_orders and set(contacts.values_list("person_id", flat=True)) == with_orders
    assert Person.objects.exclude(pk__in=with_orders).filter(contact__isnull=False).count() == 0
    answers = set(contacts.values_list("reminders", "channel"))
    assert {
        (ContactConsent.AGREED, ContactChannel.SMS),
        (ContactConsent.AGREED, ContactChannel.EMAIL),
        (ContactConsent.DECLINED, ""),
        (ContactConsent.NOT_ASKED, ""),
    } <= answers
    for contact in contacts:
        # Ofcom's drama range and example.org only: a demo never texts a real phone.
        assert contact.mobile == "" or re.fullmatch(r"07700900\d{3}", contact.mobile)
        assert contact.email == "" or contact.email.endswith("@example.org")
        # The rule a real form enforces: an agreed channel has its detail.
        if contact.reminders == ContactConsent.AGREED:
            detail = {"sms": contact.mobile, "email": contact.email, "letter": contact.postcode}
            assert detail[contact.channel]
        assert (contact.consent_recorded_by_id is None) == (
            contact.reminders == ContactConsent.NOT_ASKED
        )


def test_seeding_again_adds_no_second_contact():
    call_command("seed_demo", referrals=120, seed=7, verbosity=0)
    before = PersonContact.objects.count()

    seed_demo_step(referrals=120, seed=8, password=None)

    assert PersonContact.objects.count() == before
