"""People with their contact preferences, their orders and one probation officer, for the
tests of messages to the person (test_person_messages*.py).

"Now" is Monday 19 October 2026, 09:00 in London (BST); the clocks go back on Sunday 25
October 2026, so a weekly series from then crosses the change.
"""

import datetime
import zoneinfo

from referrals.models import PersonContact
from tests.treatment_requirements.factories import (
    OrderFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
)
from treatment_requirements.enums import AppointmentOutcome
from treatment_requirements.services.appointments import (
    appointment_record_outcome,
    appointment_reschedule,
    appointment_schedule,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 10, 19, 9, 0, tzinfo=LONDON)
# What the appointment is for: never in a message.
PURPOSE = "DRR drug treatment and mental health review"
DELIVER = "notifications.person_message_deliver"

PEOPLE = {
    # name: (given name, contact preferences or None for never asked)
    "sms": ("Alex", {"reminders": "agreed", "channel": "sms", "mobile": "07700900123"}),
    "welsh": (
        "Rhiannon",
        {"reminders": "agreed", "channel": "sms", "mobile": "07700900456", "language": "cy"},
    ),
    "email": ("Sam", {"reminders": "agreed", "channel": "email", "email": "sam@example.com"}),
    "letter": (
        "Jo",
        {
            "reminders": "agreed",
            "channel": "letter",
            "address": "1 Mill Road\nCambridge",
            "postcode": "CB1 2AB",
        },
    ),
    "declined": ("Chris", {"reminders": "declined", "mobile": "07700900789"}),
    "not_asked": ("Pat", None),
    "no_mobile": ("Lee", {"reminders": "agreed", "channel": "sms", "email": "lee@example.com"}),
}


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def make_world():
    """One officer (Priya Shah, of "Cambridge delivery unit") with an order for each of
    PEOPLE; returns (officer, {name: order})."""
    team = ProbationTeamFactory(name="Cambridge delivery unit")
    officer = ProbationOfficerFactory(team=team, first_name="Priya", last_name="Shah")
    orders = {}
    for key, (given, contact) in PEOPLE.items():
        order = OrderFactory(responsible_officer=officer)
        order.person.given_name = given
        order.person.save(update_fields=["given_name"])
        if contact is not None:
            PersonContact.objects.create(person=order.person, **contact)
        orders[key] = order
    return officer, orders


def book(order, officer, starts_at, *, location="Mill Road office", send=True, **series):
    return appointment_schedule(
        order=order,
        starts_at=starts_at,
        purpose=PURPOSE,
        location=location,
        send_to_person=send,
        accept_warnings=True,  # tests not about warnings book on any day
        by=officer,
        **series,
    )


def reschedule(appointment, officer, starts_at, *, send=True):
    appointment.refresh_from_db()
    return appointment_reschedule(
        appointment=appointment,
        starts_at=starts_at,
        reason="The officer is on leave",
        expected_version=appointment.version,
        send_to_person=send,
        accept_warnings=True,
        by=officer,
    )


def cancel(appointment, officer):
    appointment.refresh_from_db()
    return appointment_record_outcome(
        appointment=appointment,
        outcome=AppointmentOutcome.WITHDRAWN,
        expected_version=appointment.version,
        by=officer,
    )
