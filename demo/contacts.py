"""Synthetic contact details and reminder answers for people with an order, so an officer
trying the demo sees message previews of every kind: most agreed to texts, some to email or
letters, a few prefer Welsh, some declined or were never asked. Mobile numbers are in
Ofcom's range reserved for drama (07700 900000 to 900999), emails at example.org: nothing
here can reach a real person."""

import random

from django.db import transaction
from django.utils import timezone

from demo.bulk import PlainRow, insert_plain_rows, plain_row_class
from demo.generate import weighted_picker
from referrals.enums import ContactChannel, ContactConsent, ContactLanguage
from referrals.models import PersonContact
from treatment_requirements.models import Order

BATCH = 2000
# (share, reminders answer, channel) for people with an order.
ANSWERS = [
    (55, ContactConsent.AGREED, ContactChannel.SMS),
    (10, ContactConsent.AGREED, ContactChannel.EMAIL),
    (5, ContactConsent.AGREED, ContactChannel.LETTER),
    (15, ContactConsent.DECLINED, ""),
    (15, ContactConsent.NOT_ASKED, ""),
]
ANSWER = weighted_picker(((answer, channel), share) for share, answer, channel in ANSWERS)
WELSH_SHARE = 0.05
CONTACT_ROW = plain_row_class(PersonContact)  # a row, not a model instance (demo.bulk)
STREETS = ["Mill Road", "Station Street", "Chapel Lane", "Victoria Terrace", "Park View"]


@transaction.atomic
def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    rng = random.Random(seed + 18)  # noqa: S311 - seeded, repeatable demo data, not a secret  # nosec B311
    rows = (
        Order.objects.filter(person__contact__isnull=True)
        .order_by("person_id", "responsible_officer_id")
        .values_list("person_id", "responsible_officer_id")
    )
    officer_of = {}
    for person_id, officer_id in rows.iterator(chunk_size=BATCH):
        officer_of.setdefault(person_id, officer_id)
    today = timezone.localdate()
    contacts = [
        _contact(rng, person_id, officer_id, today) for person_id, officer_id in officer_of.items()
    ]
    insert_plain_rows(PersonContact, contacts)
    agreed = sum(contact.reminders == ContactConsent.AGREED for contact in contacts)
    return f"Contact details: {len(contacts)} people with orders ({agreed} agreed to reminders)"


def _contact(rng, person_id, officer_id, today) -> PlainRow:
    answer, channel = ANSWER(rng)
    number = rng.randrange(1000)
    asked = answer != ContactConsent.NOT_ASKED
    return CONTACT_ROW(
        person_id=person_id,
        mobile=""
        if channel in (ContactChannel.EMAIL, ContactChannel.LETTER)
        else f"07700900{number:03d}",
        email=f"person{person_id}@example.org" if channel == ContactChannel.EMAIL else "",
        address=f"{rng.randrange(1, 120)} {rng.choice(STREETS)}\nCambridge",
        postcode=f"CB1 {rng.randrange(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
        language=ContactLanguage.WELSH if rng.random() < WELSH_SHARE else ContactLanguage.ENGLISH,
        reminders=answer,
        channel=channel,
        safe_to_leave_messages=rng.random() < 0.8 if asked else None,
        consent_recorded_on=today if asked else None,
        consent_recorded_by_id=officer_id if asked else None,
    )
