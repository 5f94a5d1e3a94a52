"""Messages to the person written as appointments are booked, moved and cancelled (issue 18,
item 2): one confirmation per booking (a weekly series: one message), a reminder the day
before at LD_PERSON_REMINDER_TIME (Europe/London), none once that time has passed, the old
time's reminder withdrawn on a move, nothing about the past, and every row that will not go
saying why (declined, not asked, no detail, the officer's choice). Delivery is queued by
task name on commit for rows due now; the sweep takes the reminders later."""

import pytest
import time_machine

from notifications.models import PersonMessage
from notifications.person_messages import subject_for
from tests.treatment_requirements.factories import ProbationOfficerFactory
from treatment_requirements.enums import TerminationReason
from treatment_requirements.services.allocation import order_reallocate
from treatment_requirements.services.follow_up import order_terminate

from .person_message_world import (
    DELIVER,
    NOW,
    PURPOSE,
    at,
    book,
    cancel,
    make_world,
    reschedule,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock):
    return make_world()


@pytest.fixture
def queued(monkeypatch):
    """The person-message tasks queued on commit, by name and arguments (the broker is the
    outside world; calendar invites to the officer are queued too, and tested elsewhere)."""
    calls = []

    def enqueue(name, **kwargs):
        if name.startswith("notifications.person_message"):
            calls.append((name, kwargs))

    monkeypatch.setattr("core.queueing.enqueue", enqueue)
    return calls


def _rows(order):
    return {
        (m.appointment.starts_at, m.kind): m
        for m in PersonMessage.objects.filter(appointment__order=order).select_related(
            "appointment"
        )
    }


def test_agreed_sms_gets_a_confirmation_now_and_a_reminder_the_day_before(
    world, queued, django_capture_on_commit_callbacks
):
    officer, orders = world
    with django_capture_on_commit_callbacks(execute=True):
        (appointment,) = book(orders["sms"], officer, at(26, 10, 30))

    confirmation = PersonMessage.objects.get(appointment=appointment, kind="confirmation")
    reminder = PersonMessage.objects.get(appointment=appointment, kind="reminder")
    assert (confirmation.state, confirmation.channel, confirmation.language) == (
        "pending",
        "sms",
        "en",
    )
    assert confirmation.body == (
        "Hello Alex, you have an appointment with Priya Shah on Monday 26 October at "
        "10:30am. Where: Mill Road office. Ask for Priya Shah."
    )
    assert confirmation.send_after == NOW
    assert confirmation.created_by == officer
    # The day before (Sunday 25 October, the clocks went back at 02:00) at 10:00 GMT.
    assert reminder.state == "pending"
    assert reminder.send_after == at(25, 10)
    assert reminder.body.startswith("Hello Alex, this is a reminder of your appointment")
    # Only the message due now is queued; the sweep takes the reminder on the day.
    assert queued == [(DELIVER, {"message_id": confirmation.pk})]


def test_welsh_is_chosen_when_preferred(world, queued):
    officer, orders = world
    (appointment,) = book(orders["welsh"], officer, at(26, 14))

    confirmation = PersonMessage.objects.get(appointment=appointment, kind="confirmation")
    assert confirmation.language == "cy"
    assert confirmation.body == (
        "Helo Rhiannon, mae gennych apwyntiad gyda Priya Shah ar Dydd Llun 26 Hydref am 2yh. "
        "Ble: Mill Road office. Gofynnwch am Priya Shah."
    )


def test_email_goes_by_email_with_a_subject_naming_only_the_day(world, queued):
    officer, orders = world
    (appointment,) = book(orders["email"], officer, at(27, 9, 15))

    confirmation = PersonMessage.objects.get(appointment=appointment, kind="confirmation")
    assert (confirmation.channel, confirmation.state) == ("email", "pending")
    assert subject_for(confirmation) == "Your appointment on Tuesday 27 October"
    assert confirmation.body.startswith("Hello Sam,\n\nYou have an appointment with Priya Shah")


def test_letter_is_written_to_print_and_no_reminder_letter(world, queued):
    officer, orders = world
    (appointment,) = book(orders["letter"], officer, at(28, 11))

    rows = PersonMessage.objects.filter(appointment=appointment)
    assert [(m.kind, m.state, m.channel) for m in rows] == [("confirmation", "to_print", "letter")]
    assert rows[0].body.startswith("Dear Jo,\n\n")
    assert rows[0].body.endswith("Yours sincerely,\nPriya Shah")
    assert queued == []


@pytest.mark.parametrize(
    ("person", "state", "channel"),
    [
        ("declined", "not_sent_declined", ""),
        # Never asked counts as no consent.
        ("not_asked", "not_sent_declined", ""),
        ("no_mobile", "not_sent_no_details", "sms"),
    ],
)
def test_rows_that_will_not_go_say_why_and_nothing_is_queued(
    world, queued, django_capture_on_commit_callbacks, person, state, channel
):
    officer, orders = world
    with django_capture_on_commit_callbacks(execute=True):
        (appointment,) = book(orders[person], officer, at(26, 10))

    rows = PersonMessage.objects.filter(appointment=appointment).order_by("kind")
    assert [(m.kind, m.state, m.channel) for m in rows] == [
        ("confirmation", state, channel),
        ("reminder", state, channel),
    ]
    assert queued == []


def test_officer_says_no_and_the_record_shows_it(world, queued, django_capture_on_commit_callbacks):
    officer, orders = world
    with django_capture_on_commit_callbacks(execute=True):
        (appointment,) = book(orders["sms"], officer, at(26, 10), send=False)

    states = set(PersonMessage.objects.filter(appointment=appointment).values_list("state"))
    assert states == {("not_sent_officer",)}
    assert queued == []


def test_weekly_series_is_one_confirmation_and_a_reminder_each(world, queued):
    officer, orders = world
    series = book(orders["sms"], officer, at(22, 10), recurrence="weekly", count=4)

    confirmations = PersonMessage.objects.filter(kind="confirmation", person=orders["sms"].person)
    assert [m.appointment_id for m in confirmations] == [series[0].pk]
    # 10:00 BST, then 10:00 GMT after the clocks go back on 25 October: the same London
    # time every week, as the booking keeps it.
    assert confirmations[0].body == (
        "Hello Alex, you have an appointment with Priya Shah on Thursday 22 October at 10am. "
        "Then every week at the same time until Thursday 12 November. Where: Mill Road "
        "office. Ask for Priya Shah."
    )
    reminders = PersonMessage.objects.filter(kind="reminder", person=orders["sms"].person)
    assert sorted(m.appointment_id for m in reminders) == sorted(a.pk for a in series)


def test_weekly_series_at_the_same_london_time_says_every_week(world, queued):
    officer, orders = world
    series = book(orders["sms"], officer, at(2, 10, month=11), recurrence="weekly", count=3)

    body = PersonMessage.objects.get(appointment=series[0], kind="confirmation").body
    assert (
        "on Monday 2 November at 10am. Then every week at the same time until Monday 16 "
        "November." in body
    )


def test_booking_for_tomorrow_after_the_reminder_time_writes_no_reminder(world, clock, queued):
    officer, orders = world
    clock.move_to(at(19, 10, 1))  # after 10:00 on the day before
    (tomorrow,) = book(orders["sms"], officer, at(20, 9, 30))
    clock.move_to(at(19, 9, 59))
    (later,) = book(orders["sms"], officer, at(20, 15))

    assert set(PersonMessage.objects.filter(appointment=tomorrow).values_list("kind")) == {
        ("confirmation",)
    }
    assert set(PersonMessage.objects.filter(appointment=later).values_list("kind")) == {
        ("confirmation",),
        ("reminder",),
    }


@pytest.mark.parametrize(
    ("starts_at", "send_after"),
    [
        # Day before at 10:00 BST.
        (at(24, 0, 30), at(23, 10)),
        # The day of the change: the day before is still BST.
        (at(25, 18), at(24, 10)),
        # The day after the change: the day before is the change's day, 10:00 GMT.
        (at(26, 8), at(25, 10)),
        # Around midnight: 23:59 on the 27th is reminded on the 26th, 00:00 on the 28th on the 27th.
        (at(27, 23, 59), at(26, 10)),
        (at(28, 0, 0), at(27, 10)),
    ],
)
def test_reminder_is_due_the_london_day_before_across_the_clocks_change(
    world, queued, starts_at, send_after
):
    officer, orders = world
    (appointment,) = book(orders["sms"], officer, starts_at)

    reminder = PersonMessage.objects.get(appointment=appointment, kind="reminder")
    assert reminder.send_after == send_after
    assert reminder.next_attempt_at == send_after


def test_reminder_time_is_a_setting(world, queued, settings):
    settings.LD_PERSON_REMINDER_TIME = "18:30"
    officer, orders = world
    (appointment,) = book(orders["sms"], officer, at(30, 9))

    reminder = PersonMessage.objects.get(appointment=appointment, kind="reminder")
    assert reminder.send_after == at(29, 18, 30)


def test_reschedule_withdraws_the_old_reminder_and_writes_a_new_time_and_reminder(
    world, queued, django_capture_on_commit_callbacks
):
    officer, orders = world
    (old,) = book(orders["sms"], officer, at(26, 10))
    old_reminder = PersonMessage.objects.get(appointment=old, kind="reminder")
    PersonMessage.objects.filter(appointment=old, kind="confirmation").update(state="sent")

    with django_capture_on_commit_callbacks(execute=True):
        new = reschedule(old, officer, at(29, 15, 45))

    old_reminder.refresh_from_db()
    assert old_reminder.state == "withdrawn"
    # What already went stays as it was.
    assert PersonMessage.objects.get(appointment=old, kind="confirmation").state == "sent"
    moved = PersonMessage.objects.get(appointment=new, kind="rescheduled")
    assert moved.body.startswith(
        "Hello Alex, your appointment with Priya Shah has moved. It is now on Thursday 29 "
        "October at 3:45pm."
    )
    assert PersonMessage.objects.get(appointment=new, kind="reminder").send_after == at(28, 10)
    assert queued == [(DELIVER, {"message_id": moved.pk})]


def test_reschedule_with_the_officer_saying_no(world, queued):
    officer, orders = world
    (old,) = book(orders["email"], officer, at(26, 10))

    new = reschedule(old, officer, at(29, 10), send=False)

    states = set(PersonMessage.objects.filter(appointment=new).values_list("kind", "state"))
    assert states == {("rescheduled", "not_sent_officer"), ("reminder", "not_sent_officer")}


def test_cancel_sends_a_cancellation_and_withdraws_the_reminder(world, queued):
    officer, orders = world
    (appointment,) = book(orders["welsh"], officer, at(26, 10))

    cancel(appointment, officer)

    rows = {m.kind: m for m in PersonMessage.objects.filter(appointment=appointment)}
    assert rows["reminder"].state == "withdrawn"
    assert rows["cancelled"].state == "pending"
    assert rows["cancelled"].body.startswith(
        "Helo Rhiannon, mae eich apwyntiad gyda Priya Shah ar Dydd Llun 26 Hydref am 10yb "
        "wedi'i ganslo."
    )


def test_cancelling_a_letter_not_yet_printed_withdraws_it(world, queued):
    officer, orders = world
    (appointment,) = book(orders["letter"], officer, at(26, 10))

    cancel(appointment, officer)

    rows = {m.kind: m.state for m in PersonMessage.objects.filter(appointment=appointment)}
    assert rows == {"confirmation": "withdrawn", "cancelled": "to_print"}


def test_no_message_about_an_appointment_already_past(world, clock, queued):
    officer, orders = world
    (past,) = book(orders["sms"], officer, at(19, 8, 30))
    (upcoming,) = book(orders["sms"], officer, at(21, 8, 30))

    clock.move_to(at(21, 12))
    cancel(upcoming, officer)

    assert not PersonMessage.objects.filter(appointment=past).exists()
    assert not PersonMessage.objects.filter(appointment=upcoming, kind="cancelled").exists()


def test_a_series_starting_in_the_past_confirms_from_its_first_future_appointment(world, queued):
    officer, orders = world
    series = book(orders["sms"], officer, at(12, 10), recurrence="weekly", count=3)

    confirmation = PersonMessage.objects.get(person=orders["sms"].person, kind="confirmation")
    assert confirmation.appointment_id == series[1].pk
    assert "on Monday 19 October at 10am." in confirmation.body
    assert "Monday 12 October" not in confirmation.body


def test_the_purpose_never_reaches_a_message(world, queued):
    officer, orders = world
    for order in orders.values():
        book(order, officer, at(26, 10), recurrence="weekly", count=2)
        (appointment,) = book(order, officer, at(27, 10))
        reschedule(appointment, officer, at(28, 10))

    bodies = list(PersonMessage.objects.values_list("body", flat=True))
    assert len(bodies) > 20
    for body in bodies:
        assert PURPOSE not in body
        assert "DRR" not in body and "treatment" not in body.lower()


def _hand_over(order, *, to, by):
    order.refresh_from_db()
    order_reallocate(
        order=order, officer=to, reason="Caseload balance", expected_version=order.version, by=by
    )


def test_hand_over_renames_the_officer_in_everything_not_yet_sent(world, queued):
    """The person is told to ask for whoever holds the order: reminders waiting, a series'
    confirmation not yet sent (its dates kept) and a letter not yet printed (its signature
    too) name the new officer; messages about other people's orders keep theirs."""
    officer, orders = world
    order, letter, other = orders["sms"], orders["letter"], orders["welsh"]
    book(order, officer, at(21, 10), recurrence="weekly", count=2)
    book(letter, officer, at(28, 11), recurrence="weekly", count=3)
    book(other, officer, at(21, 11))
    newcomer = ProbationOfficerFactory(team=officer.team, first_name="Sam", last_name="Okoro")

    _hand_over(order, to=newcomer, by=officer)
    _hand_over(letter, to=newcomer, by=officer)

    rows = _rows(order)
    unsent = [rows[(at(21, 10), "reminder")], rows[(at(28, 10), "reminder")]]
    unsent += [rows[(at(21, 10), "confirmation")], _rows(letter)[(at(28, 11), "confirmation")]]
    assert all("Sam Okoro" in r.body and "Priya" not in r.body for r in unsent)
    assert [r.state for r in unsent] == ["pending", "pending", "pending", "to_print"]
    assert "every week at the same time until Wednesday 28 October" in unsent[2].body
    assert "every week at the same time until Wednesday 11 November" in unsent[3].body
    assert unsent[-1].body.endswith("Yours sincerely,\nSam Okoro")
    untouched = PersonMessage.objects.filter(appointment__order=other)
    assert untouched.count() == 2
    assert all("Priya Shah" in m.body and "Sam" not in m.body for m in untouched)


def test_hand_over_leaves_the_words_of_a_message_already_sent_or_tried(world, queued):
    """What went (or may be held by Notify after a failed try) stays as the record of it."""
    officer, orders = world
    order = orders["sms"]
    book(order, officer, at(21, 10), recurrence="weekly", count=2)
    rows = _rows(order)
    sent, tried = rows[(at(21, 10), "confirmation")], rows[(at(21, 10), "reminder")]
    PersonMessage.objects.filter(pk=sent.pk).update(state="sent", attempts=1)
    PersonMessage.objects.filter(pk=tried.pk).update(attempts=1, last_error="Notify 500")
    newcomer = ProbationOfficerFactory(team=officer.team, first_name="Sam", last_name="Okoro")

    _hand_over(order, to=newcomer, by=officer)

    rows = _rows(order)
    assert "Priya Shah" in rows[(at(21, 10), "confirmation")].body
    assert "Priya Shah" in rows[(at(21, 10), "reminder")].body
    assert "Sam Okoro" in rows[(at(28, 10), "reminder")].body


def test_ending_the_order_withdraws_what_was_not_sent_and_texts_nothing(world, queued):
    officer, orders = world
    order = orders["sms"]
    book(order, officer, at(21, 10), recurrence="weekly", count=2)
    queued.clear()
    order.refresh_from_db()

    order_terminate(
        order=order,
        reason=TerminationReason.REVOKED_GOOD_PROGRESS,
        terminated_on=NOW.date(),
        expected_version=order.version,
        by=officer,
    )

    states = {(m.kind, m.appointment.starts_at): m.state for m in _rows(order).values()}
    assert states == {
        ("confirmation", at(21, 10)): "withdrawn",  # not sent yet: it will not go now
        ("reminder", at(21, 10)): "withdrawn",
        ("reminder", at(28, 10)): "withdrawn",
    }
    assert queued == []
