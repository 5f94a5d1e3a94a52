"""People with contact details, orders, appointments and messages to them, for the delivery
tests. The rows are written directly: writing them is helper "messages"' side."""

import datetime
import uuid

from django.utils import timezone

from accounts.enums import Role, TeamKind
from notifications.enums import PersonMessageKind, PersonMessageState
from notifications.models import PersonMessage
from referrals.enums import ContactChannel, ContactConsent, ContactLanguage
from referrals.models import PersonContact
from tests.factories import ReferralFactory, TeamFactory, UserFactory
from treatment_requirements.models import Appointment

from .order_records import make_order

MOBILE = "07700 900123"  # Ofcom's drama range: never a real person's
EMAIL = "alex.private@example.org"
PERSON_TEMPLATES = {
    "GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID": str(uuid.uuid4()),
    "GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID_CY": str(uuid.uuid4()),
    "GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID": str(uuid.uuid4()),
    "GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID_CY": str(uuid.uuid4()),
}


def probation_officer(team=None, **fields):
    team = team or TeamFactory(name="Probation unit", kind=TeamKind.PROBATION)
    return UserFactory(role=Role.PROBATION_OFFICER, team=team, **fields)


def contact_for(person, *, channel=ContactChannel.SMS, language=ContactLanguage.ENGLISH, **kw):
    values = {
        "mobile": MOBILE,
        "email": EMAIL,
        "address": "1 Example Street, Peterborough",
        "postcode": "PE1 1AA",
        "language": language,
        "reminders": ContactConsent.AGREED,
        "channel": channel,
        **kw,
    }
    return PersonContact.objects.create(person=person, **values)


def appointment_on(order, *, days=3, **fields):
    return Appointment.objects.create(
        order=order,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        purpose="Key work session",
        location="Bridge Street office",
        created_by=order.responsible_officer,
        **fields,
    )


def person_order(*, officer=None, channel=ContactChannel.SMS, contact=True, **contact_fields):
    """An active order supervised by `officer`, its person with contact details by `channel`."""
    referral = ReferralFactory()
    order, _requirement = make_order(officer=officer or probation_officer(), referral=referral)
    if contact:
        contact_for(order.person, channel=channel, **contact_fields)
    return order


def message_for(
    order=None, *, appointment=None, kind=PersonMessageKind.CONFIRMATION, channel=None, **fields
):
    """A pending message about `appointment` (a new one on `order` if not given)."""
    appointment = appointment or appointment_on(order)
    order = appointment.order
    contact = PersonContact.objects.filter(person=order.person).first()
    values = {
        "channel": channel or (contact.channel if contact else ContactChannel.SMS),
        "language": contact.language if contact else ContactLanguage.ENGLISH,
        "body": "Hello Alex, your appointment is on Thursday at 10:00 at Bridge Street office.",
        "state": PersonMessageState.PENDING,
        **fields,
    }
    return PersonMessage.objects.create(
        person=order.person, appointment=appointment, kind=kind, **values
    )
