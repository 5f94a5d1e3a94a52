"""Calendar invites to the officer who owns an appointment: what they say, when they go.

Appointments are booked, rescheduled and withdrawn through treatment_requirements'
services, as an officer does; the invites go on commit (eager Celery) to the in-memory
mailbox, and each .ics is parsed back with icalendar.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from accounts.enums import Role, TeamKind
from notifications import calendar_invites
from notifications.enums import EmailState
from notifications.models import CalendarInvite, NotificationPreference
from referrals.enums import RecordAccessKind
from referrals.models import RecordAccess
from tests.factories import TeamFactory, UserFactory
from treatment_requirements.enums import AppointmentOutcome, TerminationReason
from treatment_requirements.models import Appointment
from treatment_requirements.services import allocation, follow_up
from treatment_requirements.services import appointments as booking

from .order_records import make_order

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def london(day, hour=10, minute=0):
    return datetime.datetime(2026, 10, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _eager(monkeypatch):
    """Delivery runs in this process, as on a laptop, even where REDIS_URL points the queue
    at a broker no worker reads in this run (test_calendar_worker.py uses a real worker)."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def team():
    return TeamFactory(name="Probation unit", kind=TeamKind.PROBATION)


@pytest.fixture
def officer(team):
    return UserFactory(role=Role.PROBATION_OFFICER, team=team)


@pytest.fixture
def order(officer):
    order, _ = make_order(officer=officer, made_on=datetime.date(2026, 9, 1))
    return order


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Run a booking service and the delivery it queues on commit."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def book(act, order, when, *, location="Probation office, Room 2", count=1, recurrence="none"):
    return act(
        booking.appointment_schedule,
        order=order,
        starts_at=when,
        purpose="DRR test and counselling",
        location=location,
        recurrence=recurrence,
        count=count,
        accept_warnings=True,  # 24 and 25 October 2026 are a weekend
        by=order.responsible_officer,
    )


def reschedule(act, appointment, when):
    appointment.refresh_from_db()
    return act(
        booking.appointment_reschedule,
        appointment=appointment,
        starts_at=when,
        reason="Officer on leave",
        expected_version=appointment.version,
        accept_warnings=True,
        by=appointment.order.responsible_officer,
    )


def withdraw(act, appointment):
    appointment.refresh_from_db()
    return act(
        booking.appointment_record_outcome,
        appointment=appointment,
        outcome=AppointmentOutcome.WITHDRAWN,
        expected_version=appointment.version,
        by=appointment.order.responsible_officer,
    )


def calendar_parts(message):
    """The text/calendar alternative and the .ics attachment, each parsed."""
    alternatives = [
        (content, mimetype)
        for content, mimetype in message.alternatives
        if mimetype.startswith("text/calendar")
    ]
    attachments = [a for a in message.attachments if a[0] == "appointment.ics"]
    assert len(alternatives) == 1 and len(attachments) == 1
    return alternatives[0][1], Calendar.from_ical(alternatives[0][0]), attachments[0]


def the_event(message):
    _mimetype, cal, _attachment = calendar_parts(message)
    (event,) = cal.walk("VEVENT")
    return cal, event


# Content --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "offset_hours", "label"),
    [(24, 1, "BST (Saturday)"), (25, 0, "clocks changed at 02:00"), (26, 0, "GMT (Monday)")],
)
def test_invite_times_are_london_wall_clock_either_side_of_the_clocks_change(
    act, order, day, offset_hours, label
):
    book(act, order, london(day))

    cal, event = the_event(mail.outbox[0])
    starts, ends = event.decoded("dtstart"), event.decoded("dtend")
    assert event["DTSTART"].params["TZID"] == "Europe/London", label
    assert (starts.hour, starts.minute, starts.day) == (10, 0, day), label
    assert starts.utcoffset() == datetime.timedelta(hours=offset_hours), label
    assert ends - starts == datetime.timedelta(minutes=60)
    assert f"DTSTART;TZID=Europe/London:202610{day}T100000" in cal.to_ical().decode()
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/London"


def test_invite_duration_follows_the_setting(act, order, settings):
    settings.LD_APPOINTMENT_MINUTES = 90

    book(act, order, london(26, 9, 30))

    _cal, event = the_event(mail.outbox[0])
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(minutes=90)


def test_invite_names_the_order_place_and_link_and_never_the_person(act, order, settings):
    settings.SITE_URL = "https://ld.example.nhs.uk"
    book(act, order, london(26))
    person = order.person

    message = mail.outbox[0]
    mimetype, cal, attachment = calendar_parts(message)
    (event,) = cal.walk("VEVENT")
    link = f"https://ld.example.nhs.uk/orders/{order.pk}/"
    assert mimetype == "text/calendar; method=REQUEST"
    assert 'Content-Type: text/calendar; method="REQUEST"' in message.message().as_string()
    assert attachment[2] == "application/ics"
    assert cal["METHOD"] == "REQUEST"
    assert str(event["SUMMARY"]) == f"Appointment (order CO{order.pk:06d})"
    assert str(event["LOCATION"]) == "Probation office, Room 2"
    assert str(event["URL"]) == link
    assert link in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == f"mailto:{settings.DEFAULT_FROM_EMAIL}"
    assert message.to == [order.responsible_officer.email]
    everything = "\n".join(
        [message.subject, message.body, cal.to_ical().decode(), attachment[1].decode()]
    )
    for secret in (person.given_name, person.family_name, person.nhs_number, "DRR", "counselling"):
        assert secret not in everything


def test_a_person_with_a_pnc_number_is_not_named_by_it(act, order):
    from referrals.models import Person

    Person.objects.filter(pk=order.person_id).update(pnc_id="2001/0123456A")

    book(act, order, london(26))

    assert "0123456" not in mail.outbox[0].attachments[0][1].decode()
    assert "0123456" not in mail.outbox[0].subject + mail.outbox[0].body


# Reschedule and cancellation -------------------------------------------------------------


def test_a_reschedule_moves_the_same_event_with_a_higher_sequence(act, order):
    (first,) = book(act, order, london(24))
    second = reschedule(act, first, london(26))
    third = reschedule(act, second, london(27, 14))

    events = [the_event(message)[1] for message in mail.outbox]
    assert [str(e["UID"]) for e in events] == [str(events[0]["UID"])] * 3
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert [e.decoded("dtstart") for e in events] == [london(24), london(26), london(27, 14)]
    assert str(events[0]["UID"]).startswith(f"appointment-{first.pk}@")
    assert Appointment.objects.get(pk=third.pk).rescheduled_to is None


def test_withdrawing_an_appointment_cancels_the_event_one_sequence_up(act, order):
    (first,) = book(act, order, london(24))
    moved = reschedule(act, first, london(26))

    withdraw(act, moved)

    cancel = mail.outbox[-1]
    mimetype, cal, _attachment = calendar_parts(cancel)
    (event,) = cal.walk("VEVENT")
    assert (mimetype, cal["METHOD"], str(event["STATUS"])) == (
        "text/calendar; method=CANCEL",
        "CANCEL",
        "CANCELLED",
    )
    assert str(event["UID"]) == str(the_event(mail.outbox[0])[1]["UID"])
    assert int(event["SEQUENCE"]) == 2
    assert cancel.subject.startswith("Cancelled: ")


def test_a_handed_over_order_moves_the_event_to_the_new_officer_and_cancels_the_old(
    act, order, team
):
    (first,) = book(act, order, london(24))
    newcomer = UserFactory(role=Role.PROBATION_OFFICER, team=team)
    old_officer = order.responsible_officer
    order.responsible_officer = newcomer
    order.save(update_fields=["responsible_officer"])

    reschedule(act, first, london(26))

    sent = {(m.to[0], the_event(m)[0]["METHOD"]) for m in mail.outbox[1:]}
    assert sent == {(newcomer.email, "REQUEST"), (old_officer.email, "CANCEL")}


# Who gets one ----------------------------------------------------------------------------


def test_a_weekly_series_makes_one_invite_per_appointment(act, order):
    booked = book(act, order, london(5), count=4, recurrence="weekly")

    uids = {str(the_event(m)[1]["UID"]) for m in mail.outbox}
    assert len(mail.outbox) == 4
    assert uids == {f"appointment-{a.pk}@127.0.0.1" for a in booked}


def test_no_invite_to_an_officer_who_turned_invites_off(act, order):
    NotificationPreference.objects.create(user=order.responsible_officer, calendar_invites=False)

    book(act, order, london(26))

    assert (mail.outbox, CalendarInvite.objects.count()) == ([], 0)


def test_no_invite_to_an_officer_without_an_email_address(act, order):
    type(order.responsible_officer).objects.filter(pk=order.responsible_officer_id).update(email="")

    book(act, order, london(26))

    assert (mail.outbox, CalendarInvite.objects.count()) == ([], 0)


def test_no_invite_to_an_officer_kept_from_the_person_by_a_restriction(act, order):
    RecordAccess.objects.create(
        person=order.person,
        user=order.responsible_officer,
        kind=RecordAccessKind.EXCLUDED,
        reason="Knows the person",
        added_by=UserFactory(),
    )

    book(act, order, london(26))

    assert mail.outbox == []


def test_turning_invites_off_after_booking_cancels_the_event_at_the_next_reschedule(act, order):
    (first,) = book(act, order, london(24))
    NotificationPreference.objects.create(user=order.responsible_officer, calendar_invites=False)

    reschedule(act, first, london(26))

    assert [the_event(m)[0]["METHOD"] for m in mail.outbox] == ["REQUEST", "CANCEL"]


# Exactly once ---------------------------------------------------------------------------


def test_a_second_delivery_of_the_same_invite_sends_nothing(act, order):
    book(act, order, london(26))
    invite = CalendarInvite.objects.get()

    again = calendar_invites.deliver_invite(invite_id=invite.pk)
    swept = calendar_invites.sweep()

    invite.refresh_from_db()
    assert (again, swept, len(mail.outbox)) == (None, 0, 1)
    assert (invite.state, invite.attempts) == (EmailState.SENT, 1)


def test_rows_written_while_the_broker_is_down_go_at_the_next_sweep(order):
    # No on-commit callbacks run here: as if the nudge was lost with the broker.
    book(lambda service, **kw: service(**kw), order, london(26))
    assert mail.outbox == []

    queued = calendar_invites.sweep()

    assert (queued, len(mail.outbox)) == (1, 1)
    assert CalendarInvite.objects.get().state == EmailState.SENT


def test_a_mail_server_error_is_retried_later_and_not_sent_twice(act, order, monkeypatch):
    import smtplib

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    book(act, order, london(26))
    invite = CalendarInvite.objects.get()
    assert (invite.state, invite.attempts) == (EmailState.PENDING, 1)
    assert invite.next_attempt_at > invite.created_at


def test_an_officer_turns_invites_off_on_the_preferences_form(act, order, client):
    client.force_login(order.responsible_officer)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Send calendar invites for my appointments" in page

    client.post(reverse("notifications:preference"), {"email_enabled": "on"})
    book(act, order, london(26))

    assert NotificationPreference.objects.get().calendar_invites is False
    assert mail.outbox == []


def test_the_invite_choice_is_not_offered_to_staff_who_hold_no_orders(client):
    client.force_login(UserFactory(role=Role.PRACTITIONER))

    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Send calendar invites" not in page


# The order handed over, or ended ----------------------------------------------------------


def _invites_sent():
    """The calendar emails sent (a hand-over also emails the new officer a reminder)."""
    return [
        m
        for m in mail.outbox
        if any(mimetype.startswith("text/calendar") for _c, mimetype in m.alternatives)
    ]


def _hand_over(act, order, officer):
    order.refresh_from_db()
    return act(
        allocation.order_reallocate,
        order=order,
        officer=officer,
        reason="Caseload balance",
        expected_version=order.version,
        by=order.responsible_officer,
    )


def test_handing_over_the_order_moves_its_events_to_come_at_once(act, order, team):
    """Hand-over through the service: each appointment still to come leaves the old
    officer's calendar (CANCEL) and enters the new one's (REQUEST, the same event); one
    that has happened stays where it was."""
    old_officer = order.responsible_officer
    newcomer = UserFactory(role=Role.PROBATION_OFFICER, team=team)
    with time_machine.travel(london(1, 9), tick=False):
        booked = book(act, order, london(5), count=3, recurrence="weekly")
    mail.outbox.clear()

    with time_machine.travel(london(10, 9), tick=False):  # the 5th has happened
        _hand_over(act, order, newcomer)

    sent = sorted(
        (m.to[0], str(the_event(m)[0]["METHOD"]), str(the_event(m)[1]["UID"]))
        for m in _invites_sent()
    )
    moved = [f"appointment-{a.pk}@127.0.0.1" for a in booked[1:]]  # the 12th and the 19th
    assert sent == sorted(
        [(newcomer.email, "REQUEST", uid) for uid in moved]
        + [(old_officer.email, "CANCEL", uid) for uid in moved]
    )


def test_a_second_hand_over_back_does_not_invite_an_officer_twice(act, order, team):
    first_officer = order.responsible_officer
    newcomer = UserFactory(role=Role.PROBATION_OFFICER, team=team)
    with time_machine.travel(london(1, 9), tick=False):
        book(act, order, london(5))
        _hand_over(act, order, newcomer)
        mail.outbox.clear()
        _hand_over(act, order, first_officer)

    sent = sorted(
        (m.to[0], str(the_event(m)[0]["METHOD"]), int(the_event(m)[1]["SEQUENCE"]))
        for m in _invites_sent()
    )
    # Booked (0), handed over (1), handed back (2): each version one sequence up.
    assert sent == sorted([(first_officer.email, "REQUEST", 2), (newcomer.email, "CANCEL", 2)])


def test_ending_the_order_cancels_the_events_after_its_end(act, order):
    """Appointments after the order's end are withdrawn by the ending: their events go."""
    with time_machine.travel(london(1, 9), tick=False):
        booked = book(act, order, london(5), count=3, recurrence="weekly")
    mail.outbox.clear()

    with time_machine.travel(london(13, 9), tick=False):
        order.refresh_from_db()
        act(
            follow_up.order_terminate,
            order=order,
            reason=TerminationReason.REVOKED_GOOD_PROGRESS,
            terminated_on=datetime.date(2026, 10, 13),
            expected_version=order.version,
            by=order.responsible_officer,
        )

    # Only the appointment after the end (the 19th) is withdrawn; the 12th, before it,
    # awaits its outcome.
    [cancelled] = _invites_sent()
    assert str(the_event(cancelled)[0]["METHOD"]) == "CANCEL"
    assert str(the_event(cancelled)[1]["UID"]) == f"appointment-{booked[2].pk}@127.0.0.1"


def test_housekeeping_deletes_invites_about_appointments_long_past_only(act, order):
    """90 days after the appointment's start the invite goes; a day short of it, it stays; an
    invite a worker is sending this moment stays; a chain moved to the future keeps its
    sequence (its latest appointment's rows carry it)."""
    march = datetime.datetime(2027, 3, 1, 10, tzinfo=LONDON)
    with time_machine.travel(london(1, 8), tick=False):
        book(act, order, london(1, 9))
        book(act, order, london(2, 9))
        (moving,) = book(act, order, london(1, 11))
        reschedule(act, moving, march)
        (held,) = book(act, order, london(1, 14))
    CalendarInvite.objects.filter(appointment=held).update(state=EmailState.SENDING)

    with time_machine.travel(london(1, 11) + datetime.timedelta(days=90, minutes=1), tick=False):
        pruned = calendar_invites.prune()
        left = set(CalendarInvite.objects.values_list("appointment__starts_at", flat=True))
        (moved,) = Appointment.objects.filter(starts_at=march)
        reschedule(act, moved, march + datetime.timedelta(days=7))

    assert pruned == 2  # the first appointment's, and the moved one's first time
    assert left == {london(2, 9), london(1, 14), march}
    latest = CalendarInvite.objects.filter(appointment__starts_at__year=2027).order_by("sequence")
    assert [invite.sequence for invite in latest] == [1, 2]
