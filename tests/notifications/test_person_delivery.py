"""Sending a message to the person by GOV.UK Notify: the real Notify client against the HTTP
stub (tests/notifications/notify_stub.py). What the person gets, once; what stops it; what
each of Notify's errors leaves behind; the officer's view of a refused number."""

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import outbox, person_delivery
from notifications.enums import PersonMessageKind, ReminderKind
from notifications.enums import PersonMessageState as State
from notifications.models import Reminder
from notifications.person_messages import subject_for
from referrals.enums import ContactChannel, ContactConsent, ContactLanguage
from treatment_requirements.enums import AppointmentOutcome, OrderStatus

from .person_records import EMAIL, MOBILE, PERSON_TEMPLATES, message_for, person_order

pytestmark = pytest.mark.django_db


def deliver(message):
    outcome = person_delivery.deliver_person_message(message.pk)
    message.refresh_from_db()
    return outcome


def later(seconds=31):
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds))


# What the person gets ---------------------------------------------------------------------


def test_a_text_message_goes_once_with_the_previewed_text(person_notify):
    message = message_for(person_order())

    first = deliver(message)
    second = deliver(message)

    assert (first.state, second) == (State.SENT, None)
    [sent] = person_notify.requests
    assert sent["path"] == "/v2/notifications/sms"
    assert sent["json"] == {
        "phone_number": MOBILE,
        "template_id": PERSON_TEMPLATES["GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID"],
        "personalisation": {"body": message.body},
        "reference": f"person-message-{message.pk}",
    }
    assert (message.state, message.notify_id, message.attempts) == (
        State.SENT,
        person_notify.held[0]["id"],
        1,
    )
    assert message.sent_at is not None


def test_an_email_goes_with_its_subject_and_body(person_notify):
    message = message_for(person_order(channel=ContactChannel.EMAIL))

    deliver(message)

    [sent] = person_notify.requests
    assert sent["path"] == "/v2/notifications/email"
    assert sent["json"]["email_address"] == EMAIL
    assert sent["json"]["personalisation"]["body"] == message.body
    subject = sent["json"]["personalisation"]["subject"]
    assert subject == subject_for(message)
    assert subject.startswith("Your appointment on ")
    assert message.state == State.SENT


@pytest.mark.parametrize(
    ("channel", "language", "setting"),
    [
        ("sms", "en", "GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID"),
        ("sms", "cy", "GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID_CY"),
        ("email", "en", "GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID"),
        ("email", "cy", "GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID_CY"),
    ],
)
def test_the_template_is_the_one_for_the_channel_and_language(
    person_notify, channel, language, setting
):
    message = message_for(person_order(channel=channel, language=language))

    deliver(message)

    assert person_notify.requests[0]["json"]["template_id"] == PERSON_TEMPLATES[setting]


@pytest.mark.parametrize(("seconds_after", "sends"), [(-1, 0), (0, 1), (1, 1)])
def test_a_message_goes_only_once_its_time_has_come(person_notify, seconds_after, sends):
    now = timezone.now()
    message = message_for(person_order(), send_after=now, next_attempt_at=now)

    with time_machine.travel(now + datetime.timedelta(seconds=seconds_after), tick=False):
        deliver(message)

    assert len(person_notify.requests) == sends
    assert message.state == (State.SENT if sends else State.PENDING)


@pytest.mark.parametrize(
    "state", [State.SENT, State.WITHDRAWN, State.NOT_SENT_OFFICER, State.TO_PRINT, State.SENDING]
)
def test_only_a_pending_message_is_sent(person_notify, state):
    message = message_for(person_order(), state=state)

    assert deliver(message) is None
    assert (message.state, person_notify.requests) == (state, [])


# Checked again before sending -------------------------------------------------------------


def test_an_appointment_cancelled_after_the_message_was_written_withdraws_it(person_notify):
    message = message_for(person_order())
    message.appointment.outcome = AppointmentOutcome.WITHDRAWN
    message.appointment.save()

    assert deliver(message).state == State.WITHDRAWN
    assert person_notify.requests == []


def test_an_appointment_moved_after_the_message_was_written_withdraws_it(person_notify):
    message = message_for(person_order())
    message.appointment.outcome = AppointmentOutcome.RESCHEDULED
    message.appointment.save()

    assert deliver(message).state == State.WITHDRAWN


def test_a_message_about_an_appointment_already_past_is_withdrawn(person_notify):
    message = message_for(person_order())

    with later(seconds=4 * 24 * 3600):
        deliver(message)

    assert (message.state, person_notify.requests) == (State.WITHDRAWN, [])


def test_a_message_about_an_ended_order_is_withdrawn(person_notify):
    order = person_order()
    message = message_for(order)
    order.status, order.termination_reason = OrderStatus.TERMINATED, "completed"
    order.terminated_on = timezone.localdate()
    order.save()

    assert deliver(message).state == State.WITHDRAWN


def test_a_cancellation_goes_for_the_withdrawn_appointment_but_not_once_it_is_rebooked(
    person_notify,
):
    order = person_order()
    cancelled = message_for(order, kind=PersonMessageKind.CANCELLED)
    cancelled.appointment.outcome = AppointmentOutcome.WITHDRAWN
    cancelled.appointment.save()
    never_cancelled = message_for(order, kind=PersonMessageKind.CANCELLED)

    assert deliver(cancelled).state == State.SENT
    assert deliver(never_cancelled).state == State.WITHDRAWN


@pytest.mark.parametrize(
    ("change", "state"),
    [
        ({"reminders": ContactConsent.DECLINED, "channel": ""}, State.NOT_SENT_DECLINED),
        ({"reminders": ContactConsent.NOT_ASKED, "channel": ""}, State.NOT_SENT_DECLINED),
        ({"channel": ContactChannel.EMAIL}, State.NOT_SENT_DECLINED),
        ({"mobile": ""}, State.NOT_SENT_NO_DETAILS),
    ],
)
def test_a_contact_changed_after_the_message_was_written_stops_it(person_notify, change, state):
    order = person_order()
    message = message_for(order)
    contact = order.person.contact
    for name, value in change.items():
        setattr(contact, name, value)
    contact.save()

    assert deliver(message).state == state
    assert person_notify.requests == []


def test_a_person_without_contact_details_gets_nothing(person_notify):
    message = message_for(person_order(contact=False))

    assert deliver(message).state == State.NOT_SENT_DECLINED


def test_a_letter_is_never_sent_but_left_to_print(person_notify):
    message = message_for(person_order(channel=ContactChannel.LETTER))

    assert deliver(message).state == State.TO_PRINT
    assert person_notify.requests == []


# No channel configured ----------------------------------------------------------------------


def test_without_notify_nothing_fails_and_a_developer_sees_the_text(settings):
    settings.LD_EMAIL_CHANNEL = "django"
    message = message_for(person_order())

    assert deliver(message).state == State.NOT_SENT_NO_CHANNEL
    [shown] = mail.outbox
    assert shown.to == [settings.DEFAULT_FROM_EMAIL]
    assert shown.subject.startswith("[not sent] Text message: ")
    assert shown.body == message.body


def test_without_a_welsh_template_the_welsh_message_is_not_sent_the_english_one_is(
    person_notify, settings
):
    settings.GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID_CY = ""
    welsh = message_for(person_order(language=ContactLanguage.WELSH))
    english = message_for(person_order())

    deliver(welsh)
    deliver(english)

    assert (welsh.state, english.state) == (State.NOT_SENT_NO_CHANNEL, State.SENT)
    assert [r["json"]["reference"] for r in person_notify.requests] == [
        f"person-message-{english.pk}"
    ]


def test_with_a_real_mail_server_the_unsent_text_goes_nowhere(settings, monkeypatch):
    settings.LD_EMAIL_CHANNEL = "django"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    sent = []
    monkeypatch.setattr(person_delivery, "send_mail", lambda *a, **k: sent.append(a))
    message = message_for(person_order())

    assert deliver(message).state == State.NOT_SENT_NO_CHANNEL
    assert sent == []


def test_the_unsent_text_is_never_logged(settings, caplog):
    settings.LD_EMAIL_CHANNEL = "django"
    message = message_for(person_order())

    with caplog.at_level(logging.DEBUG):
        deliver(message)

    assert message.body not in caplog.text
    assert MOBILE not in caplog.text


# Notify's errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_retryable_error_puts_the_message_back_for_later(person_notify, status):
    person_notify.status = status
    message = message_for(person_order())
    now = timezone.now()

    with time_machine.travel(now, tick=False):
        outcome = deliver(message)

    assert (outcome.state, outcome.retry_in) == (State.PENDING, 30)
    assert (message.state, message.last_error) == (State.PENDING, f"GOV.UK Notify {status}")
    assert message.next_attempt_at == now + datetime.timedelta(seconds=30)


def test_a_retry_is_not_taken_before_its_backoff(person_notify):
    person_notify.status = 503
    message = message_for(person_order())
    deliver(message)
    person_notify.status = 201

    assert deliver(message) is None
    with later():
        assert deliver(message).state == State.SENT
    assert message.attempts == 2
    assert person_notify.lookups == [f"person-message-{message.pk}"]


def test_a_retry_after_notify_accepted_but_answered_500_is_not_sent_again(person_notify):
    person_notify.accepted_status = 500
    message = message_for(person_order())

    deliver(message)
    with later():
        retry = deliver(message)

    assert (retry.state, len(person_notify.requests)) == (State.SENT, 1)
    assert message.notify_id == person_notify.held[0]["id"]


def test_too_many_attempts_fail_the_message(person_notify, settings):
    settings.LD_REMINDER_MAX_ATTEMPTS = 3
    person_notify.status = 500
    message = message_for(person_order(), attempts=2)

    assert deliver(message).state == State.FAILED
    assert (message.attempts, message.last_error) == (3, "GOV.UK Notify 500")


@pytest.mark.parametrize(
    ("channel", "refusal"),
    [
        ("sms", "phone_number Not a UK mobile number"),
        ("email", "email_address Not a valid email address"),
    ],
)
def test_a_refused_number_or_address_fails_for_good_and_tells_the_officer(
    person_notify, channel, refusal, caplog
):
    person_notify.status, person_notify.error_message = 400, refusal
    order = person_order(channel=channel)
    message = message_for(order)

    with caplog.at_level(logging.INFO):
        outcome = deliver(message)

    assert (outcome.state, message.state) == (State.PERMANENT_FAILURE, State.PERMANENT_FAILURE)
    assert message.last_error == "GOV.UK Notify 400: recipient refused"
    assert message.status_at is not None
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.recipient) == (
        ReminderKind.MESSAGE_UNDELIVERED,
        order.responsible_officer,
    )
    for private in (MOBILE, EMAIL, message.body):
        assert private not in caplog.text


@pytest.mark.parametrize(
    ("status", "refusal"),
    [(400, "template_id is not a valid UUID"), (403, "Invalid token"), (400, "stub")],
)
def test_other_permanent_errors_fail_without_blaming_the_number(person_notify, status, refusal):
    person_notify.status, person_notify.error_message = status, refusal
    message = message_for(person_order())

    assert deliver(message).state == State.FAILED
    assert message.last_error == f"GOV.UK Notify {status}"
    assert Reminder.objects.count() == 0


# The sweep ---------------------------------------------------------------------------------


def test_the_sweep_queues_only_pending_messages_whose_time_has_come(monkeypatch):
    queued = []
    monkeypatch.setattr(outbox, "enqueue", lambda name, **kw: queued.append((name, kw)) or True)
    now = timezone.now()
    order = person_order()
    due = message_for(order, send_after=now, next_attempt_at=now)
    tomorrow = message_for(
        order, send_after=now + datetime.timedelta(seconds=1), next_attempt_at=now
    )
    backing_off = message_for(
        order, send_after=now, next_attempt_at=now + datetime.timedelta(seconds=1)
    )
    message_for(order, state=State.SENT)

    with time_machine.travel(now, tick=False):
        person_delivery.person_messages_sweep()

    assert queued == [("notifications.person_message_deliver", {"message_id": due.pk})]
    assert {tomorrow.pk, backing_off.pk}.isdisjoint(kw["message_id"] for _name, kw in queued)


def stale(order, **fields):
    claimed = timezone.now() - datetime.timedelta(seconds=601)
    return message_for(order, state=State.SENDING, claimed_at=claimed, attempts=1, **fields)


def sweep_then_deliver(*messages):
    released = person_delivery.release_stale_claims()
    for message in messages:
        deliver(message)
    return released


@pytest.mark.parametrize(
    ("held", "state", "sends"),
    [
        (None, State.SENT, 1),
        ("created", State.SENT, 0),
        ("sending", State.SENT, 0),
        ("delivered", State.DELIVERED, 0),
        ("permanent-failure", State.PERMANENT_FAILURE, 0),
        ("technical-failure", State.SENT, 1),
        ("temporary-failure", State.SENT, 1),
    ],
)
def test_a_message_left_sending_by_a_lost_worker_is_settled_by_asking_notify(
    person_notify, held, state, sends
):
    message = stale(person_order())
    if held:
        person_notify.hold(f"person-message-{message.pk}", status=held)

    sweep_then_deliver(message)
    sweep_then_deliver(message)  # the next sweep: nothing stale, nothing asked

    assert (message.state, len(person_notify.requests)) == (state, sends)
    assert person_notify.lookups == [f"person-message-{message.pk}"]
    assert Reminder.objects.count() == (1 if held == "permanent-failure" else 0)


def test_while_notify_cannot_be_asked_a_lost_message_stays_unsent(person_notify):
    order = person_order()
    first, second = stale(order), stale(order)
    person_notify.lookup_status = 503

    sweep_then_deliver(first, second)

    assert (first.state, second.state) == (State.SENDING, State.SENDING)
    assert (len(person_notify.lookups), person_notify.requests) == (1, [])


def test_without_notify_a_lost_claim_is_simply_redone(settings):
    settings.LD_EMAIL_CHANNEL = "django"
    message = stale(person_order())

    assert sweep_then_deliver(message) == 1
    assert message.state == State.NOT_SENT_NO_CHANNEL


def test_the_sweep_runs_every_minute():
    from celery.schedules import crontab

    import config.celery

    entry = config.celery.app.conf.beat_schedule["person-messages-sweep"]

    assert (entry["task"], entry["schedule"]) == ("notifications.person_messages_sweep", crontab())
