"""A message Notify could not deliver: the officer is told in their inbox, and everyone who
may see the person's orders sees an alert until the contact details are changed."""

import datetime
import uuid

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, TeamKind
from notifications.callbacks import Receipt, receipt_record
from notifications.enums import PersonMessageState as State
from notifications.enums import ReminderKind
from notifications.models import Reminder
from notifications.rules_messages import person_undelivered_alert
from referrals.enums import ContactChannel
from tests.factories import ReferralFactory, TeamFactory, UserFactory

from .order_records import make_order
from .person_records import appointment_on, message_for, person_order, probation_officer

pytestmark = pytest.mark.django_db

SMS_ALERT = "A text message to this person could not be delivered: check their mobile number"
EMAIL_ALERT = "An email to this person could not be delivered: check their email address"


def fails(message, status="permanent-failure", at=None):
    """Notify's receipt for the message (as the callback records it)."""
    return receipt_record(
        Receipt(
            notify_id=message.notify_id,
            reference=f"person-message-{message.pk}",
            status=status,
            completed_at=at or timezone.now(),
            sent_at=None,
        )
    )


def sent(order, **fields):
    values = {"state": State.SENT, "notify_id": str(uuid.uuid4()), **fields}
    return message_for(order, **values)


def undelivered_reminders():
    return Reminder.objects.filter(kind=ReminderKind.MESSAGE_UNDELIVERED)


# The officer's reminder ------------------------------------------------------------------


def test_the_officer_of_the_appointments_order_is_told_by_reference_only():
    first = person_order()
    second_officer = probation_officer()
    second, _ = make_order(officer=second_officer, referral=ReferralFactory(person=first.person))
    message = sent(second)

    assert fails(message) == "recorded"

    [reminder] = undelivered_reminders()
    assert reminder.recipient == second_officer
    assert reminder.title == f"A text message about order {second.reference} was not delivered"
    assert reminder.link == reverse("treatment_requirements:order_detail", args=[second.pk])
    assert reminder.subject_type == "notifications.personmessage"
    assert first.person.given_name not in reminder.title


def test_failures_on_several_orders_each_go_to_their_own_officer():
    orders = [person_order(), person_order(channel=ContactChannel.EMAIL), person_order()]
    for order in orders[:2]:
        fails(sent(order))
    fails(sent(orders[2]), status="temporary-failure")

    rows = sorted(undelivered_reminders().values_list("recipient_id", "title"))

    sms, email = orders[0], orders[1]
    assert rows == sorted(
        [
            (
                sms.responsible_officer_id,
                f"A text message about order {sms.reference} was not delivered",
            ),
            (
                email.responsible_officer_id,
                f"An email about order {email.reference} was not delivered",
            ),
        ]
    )


def test_when_the_officer_has_left_the_team_leads_are_told():
    team = TeamFactory(name="Probation north", kind=TeamKind.PROBATION)
    leaver = probation_officer(team=team, is_active=False)
    leads = [UserFactory(role=Role.TEAM_LEAD, team=team) for _ in range(2)]
    UserFactory(role=Role.TEAM_LEAD, team=TeamFactory(name="Probation south"))
    UserFactory(role=Role.TEAM_LEAD, team=team, is_active=False)
    order = person_order(officer=leaver)

    fails(sent(order))

    assert sorted(undelivered_reminders().values_list("recipient_id", flat=True)) == sorted(
        lead.pk for lead in leads
    )


def test_when_the_officer_has_left_a_team_without_leads_its_officers_are_told():
    team = TeamFactory(name="Probation east", kind=TeamKind.PROBATION)
    leaver = probation_officer(team=team, is_active=False)
    colleague = probation_officer(team=team)
    probation_officer(team=TeamFactory(name="Probation west", kind=TeamKind.PROBATION))
    order = person_order(officer=leaver)

    fails(sent(order))

    assert list(undelivered_reminders().values_list("recipient_id", flat=True)) == [colleague.pk]


@pytest.mark.parametrize(
    "status", ["delivered", "temporary-failure", "technical-failure", "permanent-failure"]
)
def test_only_a_permanent_failure_tells_the_officer_and_only_once(status):
    message = sent(person_order())

    fails(message, status=status)
    fails(message, status=status)

    assert undelivered_reminders().count() == (1 if status == "permanent-failure" else 0)


# The alert on the person's pages -----------------------------------------------------------


def alert_for(user, person):
    request = RequestFactory().get("/")
    request.user = user
    alert = person_undelivered_alert(request, person)
    return alert and alert["context"]["lines"]


def test_the_officer_sees_the_alert_on_the_order_page(client):
    order = person_order()
    fails(sent(order))
    client.force_login(order.responsible_officer)

    response = client.get(reverse("treatment_requirements:order_detail", args=[order.pk]))

    assert SMS_ALERT in response.content.decode()


def test_only_those_who_may_see_the_persons_orders_see_the_alert(practitioner):
    order = person_order()
    fails(sent(order))
    colleague = probation_officer(team=order.probation_team)
    other_unit = probation_officer(
        team=TeamFactory(name="Probation elsewhere", kind=TeamKind.PROBATION)
    )
    ld_of_the_referral = UserFactory(role=Role.PRACTITIONER, team=order.referral.team)
    commissioner = UserFactory(role=Role.COMMISSIONER, team=order.referral.team)

    assert alert_for(order.responsible_officer, order.person) == [SMS_ALERT]
    assert alert_for(colleague, order.person) == [SMS_ALERT]
    assert alert_for(ld_of_the_referral, order.person) == [SMS_ALERT]
    assert alert_for(other_unit, order.person) is None
    assert alert_for(practitioner, order.person) is None  # another L&D team
    assert alert_for(commissioner, order.person) is None


def test_the_alert_clears_once_the_contact_details_are_changed():
    order = person_order()
    failed_at = timezone.now()
    fails(sent(order), at=failed_at)
    contact = order.person.contact
    officer = order.responsible_officer

    with time_machine.travel(failed_at - datetime.timedelta(seconds=1)):
        contact.save()  # changed before the failure: still wrong
    assert alert_for(officer, order.person) == [SMS_ALERT]

    with time_machine.travel(failed_at + datetime.timedelta(seconds=1)):
        contact.mobile = "07700 900456"
        contact.save()
    assert alert_for(officer, order.person) is None


def test_the_alert_clears_once_a_later_message_is_delivered_but_not_while_one_waits():
    order = person_order()
    fails(sent(order))
    later = sent(order, appointment=appointment_on(order, days=5))

    assert alert_for(order.responsible_officer, order.person) == [SMS_ALERT]
    fails(later, status="delivered")
    assert alert_for(order.responsible_officer, order.person) is None


def test_the_alert_names_each_channel_that_failed():
    order = person_order(channel=ContactChannel.EMAIL)
    fails(sent(order, channel=ContactChannel.SMS))
    fails(sent(order))

    assert alert_for(order.responsible_officer, order.person) == [SMS_ALERT, EMAIL_ALERT]


def test_no_alert_for_a_person_whose_messages_arrived(django_assert_num_queries):
    order = person_order()
    fails(sent(order), status="delivered")
    officer = order.responsible_officer

    with django_assert_num_queries(1):
        assert alert_for(officer, order.person) is None


def test_the_alert_costs_two_queries_whatever_the_number_of_messages(
    django_assert_num_queries,
):
    order = person_order()
    for days in (3, 4, 5):
        fails(sent(order, appointment=appointment_on(order, days=days)))
    officer = order.responsible_officer

    with django_assert_num_queries(2):
        assert alert_for(officer, order.person) == [SMS_ALERT]
