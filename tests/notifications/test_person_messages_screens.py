"""What the officer sees of messages to the person (issue 18, items 2 and 3): the preview and
the choice on the booking and rescheduling screens (the text previewed is the text
written), the order page's panel, the person's Messages page and the letter to print; who
may see them, and the audit trail."""

import pytest
import time_machine
from django.urls import reverse

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from notifications.models import PersonMessage
from tests.treatment_requirements.factories import OrderFactory, ProbationOfficerFactory
from tests.treatment_requirements.screens import post_booking

from .person_message_world import NOW, PURPOSE, at, book, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield make_world()


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr("core.queueing.enqueue", lambda name, **kwargs: True)


@pytest.fixture
def officer_client(client, world):
    client.force_login(world[0])
    return client


def _booking(order, **overrides):
    data = {
        "date": "26/10/2026",
        "time": "10:30",
        "purpose": PURPOSE,
        "location": "Mill Road office",
        "requirement": "",
        "recurrence": "none",
        "count": "",
    }
    return {**data, **overrides}


def _book_url(order):
    return reverse("treatment_requirements:appointment_new", args=[order.pk])


def test_booking_screen_says_where_the_message_goes_masked(officer_client, world):
    _officer, orders = world
    page = officer_client.get(_book_url(orders["sms"])).content.decode()

    assert "Message to Alex" in page
    assert "By text message to 07*** ***123." in page
    assert "07700900123" not in page
    assert 'value="yes" checked' in page


def test_preview_shows_the_exact_text_and_booking_writes_it(officer_client, world):
    _officer, orders = world
    order = orders["welsh"]
    preview = officer_client.post(_book_url(order), {**_booking(order), "preview_message": "1"})

    assert preview.status_code == 200
    assert not order.appointments.exists()
    previewed = preview.context["message_preview"]["body"]
    assert previewed.startswith("Helo Rhiannon, mae gennych apwyntiad gyda Priya Shah")
    assert PURPOSE not in preview.context["message_preview"]["body"]

    booked = post_booking(
        officer_client, _book_url(order), {**_booking(order), "send_to_person": "yes"}
    )

    assert booked.status_code == 302
    written = PersonMessage.objects.get(appointment__order=order, kind="confirmation")
    assert (written.body, written.state) == (previewed, "pending")


def test_preview_of_a_weekly_series_matches_its_one_confirmation(officer_client, world):
    _officer, orders = world
    order = orders["email"]
    series = _booking(order, date="2/11/2026", recurrence="weekly", count="3")
    preview = officer_client.post(_book_url(order), {**series, "preview_message": "1"})
    post_booking(officer_client, _book_url(order), series)

    written = PersonMessage.objects.get(appointment__order=order, kind="confirmation")
    assert written.body == preview.context["message_preview"]["body"]
    assert "Then every week at the same time until Monday 16 November." in written.body
    assert preview.context["message_preview"]["subject"] == "Your appointment on Monday 2 November"


def test_officer_chooses_not_to_send(officer_client, world):
    _officer, orders = world
    order = orders["sms"]
    post_booking(officer_client, _book_url(order), {**_booking(order), "send_to_person": "no"})

    states = set(PersonMessage.objects.filter(appointment__order=order).values_list("state"))
    assert states == {("not_sent_officer",)}


@pytest.mark.parametrize(
    ("person", "why"),
    [
        ("declined", "No message will be sent: Chris has not agreed to appointment reminders."),
        (
            "not_asked",
            "No message will be sent: Pat has not been asked about appointment reminders: "
            "not asked counts as no.",
        ),
        (
            "no_mobile",
            "No message will be sent: Lee agreed to reminders by text message, but there is "
            "no mobile phone number.",
        ),
    ],
)
def test_preview_says_why_nothing_will_be_sent(officer_client, world, person, why):
    _officer, orders = world
    page = officer_client.get(_book_url(orders[person])).content.decode()

    assert why in page
    assert 'name="send_to_person"' not in page


def test_reschedule_screen_previews_the_new_time_and_takes_the_choice(officer_client, world):
    officer, orders = world
    order = orders["sms"]
    with time_machine.travel(NOW, tick=False):
        (appointment,) = book(order, officer, at(26, 10))
    url = reverse("treatment_requirements:appointment_reschedule", args=[order.pk, appointment.pk])
    data = {"version": "1", "date": "29/10/2026", "time": "15:45", "reason": "Officer on leave"}

    preview = officer_client.post(url, {**data, "preview_message": "1"})
    post_booking(officer_client, url, {**data, "send_to_person": "no"})

    body = preview.context["message_preview"]["body"]
    assert "has moved. It is now on Thursday 29 October at 3:45pm." in body
    moved = PersonMessage.objects.get(appointment__order=order, kind="rescheduled")
    assert (moved.body, moved.state) == (body, "not_sent_officer")


def test_order_page_panel_lists_messages_with_their_state(officer_client, world):
    officer, orders = world
    book(orders["declined"], officer, at(26, 10))
    page = officer_client.get(orders["declined"].get_absolute_url()).content.decode()

    assert "Messages to the person" in page
    assert "Not sent: the person declined reminders" in page
    assert PURPOSE not in page.split("Messages to the person")[1]


def test_persons_messages_page_is_audited_and_kept_from_another_team(client, world):
    officer, orders = world
    person = orders["sms"].person
    book(orders["sms"], officer, at(26, 10))
    url = reverse("person_messages:person_messages", args=[person.pk])
    client.force_login(officer)

    page = client.get(url)

    assert page.status_code == 200
    assert "Appointment confirmation" in page.content.decode()
    assert AuditEvent.objects.filter(
        person_id=person.pk, action=AuditAction.VIEW, detail="messages to the person"
    ).exists()
    stranger = ProbationOfficerFactory()
    OrderFactory(responsible_officer=stranger)
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_persons_messages_page_reads_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    officer, orders = world
    person = orders["sms"].person
    client.force_login(officer)
    url = reverse("person_messages:person_messages", args=[person.pk])
    book(orders["sms"], officer, at(26, 10))
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    book(orders["sms"], officer, at(27, 10), recurrence="weekly", count=3)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_letter_to_print_and_mark_as_printed(client, world):
    officer, orders = world
    order = orders["letter"]
    book(order, officer, at(26, 10))
    letter = PersonMessage.objects.get(appointment__order=order)
    client.force_login(officer)

    page = client.get(reverse("person_messages:letter", args=[letter.pk])).content.decode()
    assert "1 Mill Road" in page and "CB1 2AB" in page
    assert "Dear Jo," in page
    assert "Mark as printed" in page

    client.post(reverse("person_messages:letter_printed", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.state == "printed"
    assert AuditEvent.objects.filter(
        person_id=order.person_id, action=AuditAction.CHANGE, detail="letter marked as printed"
    ).exists()

    stranger = ProbationOfficerFactory()
    OrderFactory(responsible_officer=stranger)
    client.force_login(stranger)
    assert client.get(reverse("person_messages:letter", args=[letter.pk])).status_code == 404
    assert (
        client.post(reverse("person_messages:letter_printed", args=[letter.pk])).status_code == 404
    )


def test_letter_link_is_offered_on_the_panel_while_waiting_to_print(officer_client, world):
    officer, orders = world
    book(orders["letter"], officer, at(26, 10))
    letter = PersonMessage.objects.get(appointment__order=orders["letter"])

    page = officer_client.get(orders["letter"].get_absolute_url()).content.decode()

    assert reverse("person_messages:letter", args=[letter.pk]) in page
    assert "Letter to print and post" in page


def test_subject_access_export_includes_the_messages(world):
    from referrals.subject_access import subject_access_export

    officer, orders = world
    book(orders["sms"], officer, at(26, 10))

    export = subject_access_export(person=orders["sms"].person)

    sections = {section["model"]: section for section in export["sections"]}
    kinds = sorted(row["kind"] for row in sections["notifications.PersonMessage"]["rows"])
    assert kinds == ["confirmation", "reminder"]


def test_a_preview_keeps_the_choice_ticked(officer_client, world):
    _officer, orders = world
    url = _book_url(orders["sms"])
    default = officer_client.post(url, {**_booking(orders["sms"]), "preview_message": "1"})
    chose_no = officer_client.post(
        url, {**_booking(orders["sms"]), "preview_message": "1", "send_to_person": "no"}
    )

    assert 'value="yes" checked' in default.content.decode()
    assert 'value="no" checked' in chose_no.content.decode()
