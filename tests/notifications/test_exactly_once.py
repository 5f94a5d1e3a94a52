"""A reminder left "sending" by a lost worker: by GOV.UK Notify, the sweep asks before sending.

The real Notify client against the HTTP stub (tests/notifications/notify_stub.py). A worker
that died after Notify accepted the email leaves the row "sending"; the sweep must find the
email at Notify by the reminder's reference and mark it sent, not send it again.
"""

import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import delivery
from notifications.enums import EmailState

from .factories import ReminderFactory

pytestmark = pytest.mark.django_db

TIMEOUT = 600


@pytest.fixture(autouse=True)
def _timeout(settings):
    settings.LD_REMINDER_SENDING_TIMEOUT_SECONDS = TIMEOUT


def stale(**kwargs):
    """A reminder whose worker claimed it 11 minutes ago and was never heard of again."""
    claimed = timezone.now() - datetime.timedelta(seconds=TIMEOUT + 60)
    return ReminderFactory(email_state=EmailState.SENDING, claimed_at=claimed, attempts=1, **kwargs)


def sweep_then_deliver(*reminders):
    """The sweep, then the delivery task each released reminder is queued for."""
    released = delivery.release_stale_claims()
    for reminder in reminders:
        delivery.deliver_one(reminder_id=reminder.pk)
        reminder.refresh_from_db()
    return released


def test_a_reminder_notify_already_holds_is_marked_sent_and_not_sent_again(notify_stub):
    lost = stale()
    notify_id = notify_stub.hold(f"reminder-{lost.pk}", status="delivered")

    released = sweep_then_deliver(lost)

    assert (released, lost.email_state, lost.notify_id) == (0, EmailState.SENT, notify_id)
    assert lost.sent_at is not None
    assert notify_stub.lookups == [f"reminder-{lost.pk}"]
    assert notify_stub.requests == []


def test_a_reminder_notify_does_not_hold_is_sent_once(notify_stub):
    lost = stale()

    released = sweep_then_deliver(lost)
    sweep_then_deliver(lost)  # the next sweep: nothing stale, nothing asked

    assert (released, lost.email_state, lost.attempts) == (1, EmailState.SENT, 2)
    assert [r["json"]["reference"] for r in notify_stub.requests] == [f"reminder-{lost.pk}"]
    assert lost.notify_id == notify_stub.held[0]["id"]
    assert notify_stub.lookups == [f"reminder-{lost.pk}"]


@pytest.mark.parametrize("status", [500, 503, 429, 403])
def test_when_notify_cannot_be_asked_nothing_is_sent_until_it_answers(notify_stub, status, caplog):
    lost = stale(recipient__email="someone.private@example.org")
    notify_stub.lookup_status = status

    with caplog.at_level(logging.INFO):
        released = sweep_then_deliver(lost)

    assert (released, lost.email_state, notify_stub.requests) == (0, EmailState.SENDING, [])
    assert f"Reminder {lost.pk} left sending" in caplog.text
    assert "someone.private" not in caplog.text

    notify_stub.lookup_status = 200  # Notify is back: the next sweep asks again
    sweep_then_deliver(lost)

    assert (lost.email_state, len(notify_stub.requests)) == (EmailState.SENT, 1)


def test_when_notify_is_unreachable_nothing_is_sent(notify_stub, settings):
    lost = stale()
    settings.GOVUK_NOTIFY_BASE_URL = "http://127.0.0.1:1"  # nothing listens on port 1

    released = sweep_then_deliver(lost)

    assert (released, lost.email_state, mail.outbox) == (0, EmailState.SENDING, [])


def test_of_several_lost_reminders_only_those_notify_lacks_are_sent(notify_stub):
    found, missing = stale(), stale()
    other_user_found = stale()
    busy = ReminderFactory(email_state=EmailState.SENDING, claimed_at=timezone.now())
    ids = {r.pk: notify_stub.hold(f"reminder-{r.pk}") for r in (found, other_user_found)}

    released = sweep_then_deliver(found, missing, other_user_found, busy)

    assert released == 1
    assert [r.email_state for r in (found, missing, other_user_found, busy)] == [
        EmailState.SENT,
        EmailState.SENT,
        EmailState.SENT,
        EmailState.SENDING,
    ]
    assert (found.notify_id, other_user_found.notify_id) == (
        ids[found.pk],
        ids[other_user_found.pk],
    )
    assert [r["json"]["reference"] for r in notify_stub.requests] == [f"reminder-{missing.pk}"]
    assert sorted(notify_stub.lookups) == sorted(
        f"reminder-{r.pk}" for r in (found, missing, other_user_found)
    )


def test_one_failed_look_up_leaves_the_rest_for_the_next_sweep(notify_stub):
    first, second = stale(), stale()
    notify_stub.lookup_status = 503

    sweep_then_deliver(first, second)

    assert [first.email_state, second.email_state] == [EmailState.SENDING, EmailState.SENDING]
    assert len(notify_stub.lookups) == 1  # Notify is down: not asked once per reminder
    assert notify_stub.requests == []


@pytest.mark.parametrize(
    ("notify_status", "state", "sends"),
    [
        ("created", EmailState.SENT, 0),
        ("sending", EmailState.SENT, 0),
        ("delivered", EmailState.SENT, 0),
        # No such address: sending again would fail the same way.
        ("permanent-failure", EmailState.FAILED, 0),
        # Nothing reached the recipient: sending again is not a duplicate.
        ("technical-failure", EmailState.SENT, 1),
        ("temporary-failure", EmailState.SENT, 1),
    ],
)
def test_what_notify_holds_decides_whether_the_email_goes_again(
    notify_stub, notify_status, state, sends
):
    lost = stale()
    notify_stub.hold(f"reminder-{lost.pk}", status=notify_status)

    sweep_then_deliver(lost)

    assert (lost.email_state, len(notify_stub.requests)) == (state, sends)


def test_a_failed_attempt_and_a_delivered_one_under_one_reference_count_as_sent(notify_stub):
    lost = stale()
    notify_stub.hold(f"reminder-{lost.pk}", status="technical-failure")
    delivered = notify_stub.hold(f"reminder-{lost.pk}", status="delivered")

    sweep_then_deliver(lost)

    assert (lost.email_state, lost.notify_id, notify_stub.requests) == (
        EmailState.SENT,
        delivered,
        [],
    )


@pytest.mark.parametrize(("claimed_seconds_ago", "asked"), [(599, 0), (600, 0), (601, 1)])
def test_notify_is_asked_only_once_the_claim_is_past_the_timeout(
    notify_stub, claimed_seconds_ago, asked
):
    now = timezone.now()
    lost = ReminderFactory(
        email_state=EmailState.SENDING,
        claimed_at=now - datetime.timedelta(seconds=claimed_seconds_ago),
    )

    with time_machine.travel(now, tick=False):
        delivery.release_stale_claims()

    lost.refresh_from_db()
    assert (len(notify_stub.lookups), notify_stub.requests) == (asked, [])
    assert lost.email_state == (EmailState.SENDING if not asked else EmailState.PENDING)


def test_by_smtp_a_lost_reminder_goes_again_without_asking_anyone(notify_stub, settings):
    # SMTP keeps no record to ask: the documented window (docs/security.md).
    settings.LD_EMAIL_CHANNEL = "django"
    lost = stale()

    sweep_then_deliver(lost)

    assert (lost.email_state, len(mail.outbox), notify_stub.lookups) == (EmailState.SENT, 1, [])


# A retry after an error: the first attempt may have reached Notify all the same ----------


def later(seconds=31):
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds))


def test_a_retry_after_notify_accepted_but_answered_500_is_not_sent_again(notify_stub):
    notify_stub.accepted_status = 500  # Notify held the email; its answer was an error
    reminder = ReminderFactory()

    first = delivery.deliver_one(reminder_id=reminder.pk)
    with later():
        retry = delivery.deliver_one(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert (first.state, retry.state, reminder.email_state) == (
        EmailState.PENDING,
        EmailState.SENT,
        EmailState.SENT,
    )
    assert (len(notify_stub.requests), reminder.notify_id) == (1, notify_stub.held[0]["id"])


def test_a_retry_after_notify_refused_with_500_is_sent_once(notify_stub):
    notify_stub.status = 500  # refused: nothing held
    reminder = ReminderFactory()

    delivery.deliver_one(reminder_id=reminder.pk)
    notify_stub.status = 201
    with later():
        retry = delivery.deliver_one(reminder_id=reminder.pk)

    assert (retry.state, len(notify_stub.requests), len(notify_stub.held)) == (
        EmailState.SENT,
        2,
        1,
    )
    assert notify_stub.lookups == [f"reminder-{reminder.pk}"]


def test_a_retry_when_notify_cannot_be_asked_sends_nothing_and_waits(notify_stub):
    notify_stub.accepted_status = 500
    reminder = ReminderFactory()

    delivery.deliver_one(reminder_id=reminder.pk)
    notify_stub.lookup_status = 503
    with later():
        retry = delivery.deliver_one(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert (retry.state, retry.retry_in, len(notify_stub.requests)) == (EmailState.PENDING, 60, 1)
    assert reminder.last_error == "GOV.UK Notify look-up 503"


def test_a_first_attempt_does_not_ask_notify(notify_stub):
    reminder = ReminderFactory()

    delivery.deliver_one(reminder_id=reminder.pk)

    assert (len(notify_stub.requests), notify_stub.lookups) == (1, [])
