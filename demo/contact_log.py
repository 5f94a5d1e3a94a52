"""Synthetic contacts for demos: a handful per person (for the first people by id, so a
million-referral seed stays quick), written by a practitioner of the referral's team, with
an addendum on some, a restricted safeguarding note on every third person, and a contact by
the supervising probation officer where an order was made."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contact_log.enums import ContactEventKind, ContactOutcome, ContactType, RestrictionReason
from contact_log.models import Contact, ContactAddendum, ContactEvent
from referrals.models import Referral
from treatment_requirements.models import Order

MAX_PEOPLE = 400
NOTES = {
    ContactType.PHONE: "Phoned to remind them of the appointment. Said they would attend.",
    ContactType.FACE_TO_FACE: "Met at the office. Talked through sleep, mood and money worries.",
    ContactType.GP: "Spoke to the practice nurse: a medication review is booked.",
    ContactType.HOUSING: "Housing officer confirmed a hostel place from Monday.",
    ContactType.COURT: "Told the court duty solicitor that the assessment is under way.",
    ContactType.MENTAL_HEALTH: "Community mental-health team will screen at their next meeting.",
}
RESTRICTED_NOTE = "Safeguarding: a family member described threats at home. Not shared."


def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    """A handful of contacts per person, with addenda and the odd restricted note."""
    rng = random.Random(seed + 14)  # noqa: S311 - seeded, repeatable demo data, not a secret  # nosec B311
    rows = (
        Referral.objects.order_by("person_id", "pk")
        .distinct("person_id")
        .values_list("person_id", "team_id", "created_by_id", "received_at")
        if _postgres()
        else _first_referral_per_person()
    )
    people = list(rows[:MAX_PEOPLE])
    officers = dict(
        Order.objects.filter(person_id__in=[p[0] for p in people]).values_list(
            "person_id", "responsible_officer_id"
        )
    )
    with transaction.atomic():
        counts = _seed(rng, people, officers)
    return (
        f"Contact log: {counts['contacts']} contacts for {len(people)} people, "
        f"{counts['addenda']} addenda, {counts['restricted']} restricted"
    )


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _first_referral_per_person():
    seen, rows = set(), []
    for row in (
        Referral.objects.order_by("person_id", "pk")
        .values_list("person_id", "team_id", "created_by_id", "received_at")
        .iterator()
    ):
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(row)
            if len(rows) >= MAX_PEOPLE:
                break
    return rows


def _seed(rng, people, officers) -> dict:
    now = timezone.now()
    Contact.objects.bulk_create(_contacts(rng, people, officers, now), batch_size=1000)
    saved = list(Contact.objects.filter(person_id__in=[p[0] for p in people]).order_by("pk"))
    ContactEvent.objects.bulk_create(
        ContactEvent(
            contact=c, kind=ContactEventKind.CREATED, by_id=c.practitioner_id, at=c.created_at
        )
        for c in saved
    )
    addenda = [
        ContactAddendum(
            contact=c,
            text="The appointment is on Tuesday, not Monday.",
            reason="Wrong day recorded",
            added_by_id=c.practitioner_id,
            added_at=c.contact_at + datetime.timedelta(hours=2),
        )
        for c in saved
        if not c.restricted
        and rng.random() < 0.2
        and c.contact_at < now - datetime.timedelta(hours=2)
    ]
    ContactAddendum.objects.bulk_create(addenda, batch_size=1000)
    return {
        "contacts": len(saved),
        "addenda": len(addenda),
        "restricted": sum(c.restricted for c in saved),
    }


def _contacts(rng, people, officers, now) -> list[Contact]:
    """A handful of contacts per person (unsaved), a restricted one for every third person,
    and one by the supervising officer where there is one."""
    teams = dict(User.objects.filter(pk__in=set(officers.values())).values_list("pk", "team_id"))
    contacts = []
    for index, (person_id, team_id, author_id, received_at) in enumerate(people):
        start = max(received_at, now - datetime.timedelta(days=300))
        for _ in range(rng.randint(3, 5)):
            kind = rng.choice(list(NOTES))
            contacts.append(
                _contact(person_id, team_id, author_id, kind, _between(rng, start, now))
            )
        if index % 3 == 0:
            contacts.append(_restricted(person_id, team_id, author_id, _between(rng, start, now)))
        if person_id in officers:
            officer = officers[person_id]
            contacts.append(
                _contact(
                    person_id,
                    teams[officer],
                    officer,
                    ContactType.FACE_TO_FACE,
                    _between(rng, start, now),
                )
            )
    return contacts


def _restricted(person_id, team_id, author_id, when) -> Contact:
    """A safeguarding note restricted by its author when written."""
    restricted = _contact(person_id, team_id, author_id, ContactType.PHONE, when)
    restricted.note = RESTRICTED_NOTE
    restricted.restricted = True
    restricted.restriction_reason = RestrictionReason.SAFEGUARDING
    restricted.restricted_by_id = author_id
    restricted.restricted_at = restricted.contact_at
    return restricted


def _between(rng, start, end):
    span = max((end - start).total_seconds(), 60)
    return end - datetime.timedelta(seconds=rng.uniform(60, span))


def _contact(person_id, team_id, author_id, kind, when) -> Contact:
    return Contact(
        person_id=person_id,
        author_team_id=team_id,
        practitioner_id=author_id,
        contact_type=kind,
        contact_at=when,
        outcome=ContactOutcome.MADE,
        note=NOTES.get(kind, "Spoke by phone."),
    )
