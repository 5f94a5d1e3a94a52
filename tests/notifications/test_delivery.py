"""Email delivery: pending -> sending -> sent, once, with retries and stale-claim sweeps."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import channels, delivery, outbox
from notifications.enums import EmailState
from notifications.models import Reminder

from .factories import ReminderFactory

pytestmark = pytest.mark.django_db


def test_deliver_one_sends_one_email_and_marks_sent():
    reminder = ReminderFactory()

    outcome = delivery.deliver_one(reminder_id=reminder.pk)
    again = delivery.deliver_one(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert (outcome.state, again) == (EmailState.SENT, None)
    assert (reminder.email_state, reminder.attempts) == (EmailState.SENT, 1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reminder.recipient.email]
    assert mail.outbox[0].subject == f"Reminder: {reminder.title}"


def test_deliver_one_email_has_no_personal_data(db):
    from tests.factories import ReferralFactory

    referral = ReferralFactory()
    reminder = ReminderFactory(
        subject_id=referral.pk, title=f"Referral {referral.reference} is overdue", link="/x/"
    )

    delivery.deliver_one(reminder_id=reminder.pk)

    body = mail.outbox[0].body + mail.outbox[0].subject
    person = referral.person
    for secret in [person.given_name, person.family_name, person.nhs_number]:
        assert secret not in body
    assert referral.reference in body


def _failing(retryable, times=1):
    calls = {"n": 0}
    real = channels.send_email

    def send(**kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise channels.DeliveryError("mail server error", retryable=retryable)
        return real(**kwargs)

    return send


def test_deliver_one_retryable_failure_waits_and_then_sends_once(monkeypatch):
    monkeypatch.setattr(delivery, "send_email", _failing(retryable=True))
    reminder = ReminderFactory()

    outcome = delivery.deliver_one(reminder_id=reminder.pk)
    too_early = delivery.deliver_one(reminder_id=reminder.pk)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        later = delivery.deliver_one(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert (outcome.state, outcome.retry_in, too_early) == (EmailState.PENDING, 30, None)
    assert (later.state, reminder.attempts, len(mail.outbox)) == (EmailState.SENT, 2, 1)


def test_deliver_one_permanent_failure_is_not_retried(monkeypatch):
    monkeypatch.setattr(delivery, "send_email", _failing(retryable=False))
    reminder = ReminderFactory()

    outcome = delivery.deliver_one(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert (outcome.state, reminder.email_state) == (EmailState.FAILED, EmailState.FAILED)
    assert reminder.last_error == "mail server error"


def test_deliver_one_gives_up_after_max_attempts(monkeypatch, settings):
    settings.LD_REMINDER_MAX_ATTEMPTS = 2
    monkeypatch.setattr(delivery, "send_email", _failing(retryable=True, times=5))
    reminder = ReminderFactory()

    delivery.deliver_one(reminder_id=reminder.pk)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        outcome = delivery.deliver_one(reminder_id=reminder.pk)

    assert outcome.state == EmailState.FAILED


def test_deliver_one_to_a_user_without_email_sends_nothing():
    reminder = ReminderFactory(recipient__email="")

    outcome = delivery.deliver_one(reminder_id=reminder.pk)

    assert outcome.state == EmailState.NOT_SENT
    assert mail.outbox == []


def test_backoff_grows_and_is_capped():
    assert [outbox.backoff_seconds(n) for n in (1, 2, 3, 10)] == [30, 60, 120, 3600]


def test_sweep_releases_a_claim_left_by_a_dead_worker_and_sends_once(settings):
    settings.LD_REMINDER_SENDING_TIMEOUT_SECONDS = 600
    claimed = timezone.now() - datetime.timedelta(minutes=11)
    lost = ReminderFactory(email_state=EmailState.SENDING, claimed_at=claimed, attempts=1)
    busy = ReminderFactory(email_state=EmailState.SENDING, claimed_at=timezone.now())

    released = delivery.release_stale_claims()
    delivery.deliver_one(reminder_id=lost.pk)
    delivery.deliver_one(reminder_id=busy.pk)

    lost.refresh_from_db()
    busy.refresh_from_db()
    assert released == 1
    assert (lost.email_state, lost.attempts) == (EmailState.SENT, 2)
    assert busy.email_state == EmailState.SENDING
    assert len(mail.outbox) == 1


def test_send_digests_sends_one_email_per_user(db):
    first = ReminderFactory(email_state=EmailState.DIGEST, by_digest=True)
    ReminderFactory(email_state=EmailState.DIGEST, by_digest=True, recipient=first.recipient)
    other = ReminderFactory(email_state=EmailState.DIGEST, by_digest=True)

    assert delivery.send_digests() == (2, 0)
    assert delivery.send_digests() == (0, 0)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [first.recipient.email, other.recipient.email]
    )
    assert {m.subject for m in mail.outbox} == {
        "Your reminders: 2 waiting",
        "Your reminders: 1 waiting",
    }
    assert set(Reminder.objects.values_list("email_state", flat=True)) == {EmailState.SENT}


def test_send_digests_failure_keeps_rows_for_the_next_try(monkeypatch):
    monkeypatch.setattr(delivery, "send_email", _failing(retryable=True))
    ReminderFactory(email_state=EmailState.DIGEST, by_digest=True)

    assert delivery.send_digests() == (0, 1)
    assert delivery.send_digests() == (1, 0)
    assert len(mail.outbox) == 1


def test_stale_digest_claim_goes_back_to_the_digest(settings):
    settings.LD_REMINDER_SENDING_TIMEOUT_SECONDS = 60
    reminder = ReminderFactory(
        email_state=EmailState.SENDING,
        by_digest=True,
        claimed_at=timezone.now() - datetime.timedelta(minutes=5),
    )

    delivery.release_stale_claims()

    reminder.refresh_from_db()
    assert reminder.email_state == EmailState.DIGEST


# GOV.UK Notify: the real client against a stub of its HTTP API ------------------------


def test_notify_backend_posts_to_govuk_notify(notify_stub, settings):
    reminder = ReminderFactory()

    outcome = delivery.deliver_one(reminder_id=reminder.pk)

    assert outcome.state == EmailState.SENT
    assert mail.outbox == []
    [request] = notify_stub.requests
    assert request["path"] == "/v2/notifications/email"
    assert request["auth"].startswith("Bearer ")
    assert request["json"]["email_address"] == reminder.recipient.email
    assert request["json"]["template_id"] == settings.GOVUK_NOTIFY_EMAIL_TEMPLATE_ID
    assert request["json"]["reference"] == f"reminder-{reminder.pk}"
    assert request["json"]["personalisation"]["subject"] == f"Reminder: {reminder.title}"
    reminder.refresh_from_db()
    assert reminder.notify_id == notify_stub.held[0]["id"]


@pytest.mark.parametrize(
    ("status", "state"),
    [(500, EmailState.PENDING), (429, EmailState.PENDING), (400, EmailState.FAILED)],
)
def test_notify_backend_errors_retry_only_when_worth_it(notify_stub, status, state):
    notify_stub.status = status
    reminder = ReminderFactory()

    delivery.deliver_one(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert reminder.email_state == state
    assert reminder.last_error == f"GOV.UK Notify {status}"
