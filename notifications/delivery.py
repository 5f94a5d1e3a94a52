"""Email delivery of reminders: a small state machine on the row, so nothing goes twice.

    pending --claim--> sending --sent--> sent
       ^                 |  \\--retryable error--> pending (later, with backoff)
       |                 |   \\--permanent error or too many attempts--> failed
       +--stale sweep----+  (a worker that died holding the claim)

A worker can die after the email went but before the row says so. By GOV.UK Notify the
sweep first asks Notify for the reminder's reference and marks it sent if Notify has it;
by SMTP it cannot ask, and the email may go twice (release_stale_claims, docs/security.md).

A claim is one conditional UPDATE (state still pending), so of two workers handed the same
id, one sends and the other finds nothing to do. Rows waiting for a daily digest
(`digest`) are claimed per recipient the same way. Each function takes the time from
`timezone.now()`, so tests move the clock with time-machine.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .channels import NOTIFY_PERMANENT_FAILURE, DeliveryError, notify_earlier, send_email
from .enums import EmailState
from .models import Reminder
from .queueing import enqueue

logger = logging.getLogger(__name__)
SWEEP_BATCH = 2000
# Stale claims are rare (a worker died); a sweep asks Notify about this many at most.
NOTIFY_LOOKUPS_PER_SWEEP = 100


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: int | None = None


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s ... capped at an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def reminder_reference(reminder_id: int) -> str:
    """What the provider knows the reminder's email by (no personal data)."""
    return f"reminder-{reminder_id}"


def deliver_one(*, reminder_id: int) -> Outcome | None:
    """Send one pending reminder's email. None if it was not ours to send (idempotent)."""
    now = timezone.now()
    claimed = Reminder.objects.filter(
        pk=reminder_id, email_state=EmailState.PENDING, next_attempt_at__lte=now
    ).update(email_state=EmailState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    if not reminder.recipient.email or not reminder.recipient.is_active:
        Reminder.objects.filter(pk=reminder.pk).update(email_state=EmailState.NOT_SENT)
        return Outcome(EmailState.NOT_SENT)
    if (earlier := _retry_held_by_notify(reminder, claimed_at=now)) is not None:
        return earlier
    try:
        notify_id = send_email(
            to=reminder.recipient.email,
            subject=f"Reminder: {reminder.title}",
            body=_body([reminder]),
            reference=reminder_reference(reminder.pk),
        )
    except DeliveryError as exc:
        return _record_failure(reminder, claimed_at=now, error=exc)
    Reminder.objects.filter(pk=reminder.pk, email_state=EmailState.SENDING, claimed_at=now).update(
        email_state=EmailState.SENT,
        sent_at=timezone.now(),
        last_error="",
        notify_id=notify_id or "",
    )
    return Outcome(EmailState.SENT)


def _retry_held_by_notify(reminder, *, claimed_at) -> Outcome | None:
    """On a retry by Notify, the outcome if Notify already holds the email, else None.

    A timeout or 5xx may come after Notify accepted the email, so a retry asks first. If
    Notify cannot be asked, this attempt fails (retryable) rather than risk a second email.
    """
    if settings.LD_EMAIL_CHANNEL != "govuk_notify" or not reminder.last_error:
        return None
    try:
        earlier = notify_earlier(reference=reminder_reference(reminder.pk))
    except DeliveryError as exc:
        return _record_failure(reminder, claimed_at=claimed_at, error=exc)
    if earlier is None:
        return None
    mine = Reminder.objects.filter(
        pk=reminder.pk, email_state=EmailState.SENDING, claimed_at=claimed_at
    )
    return Outcome(_settle(mine, earlier, now=claimed_at))


def _settle(mine, earlier, *, now) -> str:
    """Mark claimed rows as Notify holds their email: failed if no such address, else sent."""
    if earlier.status == NOTIFY_PERMANENT_FAILURE:
        mine.update(
            email_state=EmailState.FAILED,
            notify_id=earlier.notify_id,
            last_error=f"GOV.UK Notify {earlier.status}",
        )
        return EmailState.FAILED
    mine.update(
        email_state=EmailState.SENT, sent_at=now, notify_id=earlier.notify_id, last_error=""
    )
    logger.info("Reminder email found at GOV.UK Notify (%s): not sent again", earlier.notify_id)
    return EmailState.SENT


def _record_failure(reminder, *, claimed_at, error: DeliveryError) -> Outcome:
    logger.warning("Reminder %s email failed: %s", reminder.pk, error)
    mine = Reminder.objects.filter(
        pk=reminder.pk, email_state=EmailState.SENDING, claimed_at=claimed_at
    )
    if not error.retryable or reminder.attempts >= settings.LD_REMINDER_MAX_ATTEMPTS:
        mine.update(email_state=EmailState.FAILED, last_error=str(error)[:255])
        return Outcome(EmailState.FAILED)
    delay = backoff_seconds(reminder.attempts)
    mine.update(
        email_state=EmailState.PENDING,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=str(error)[:255],
    )
    return Outcome(EmailState.PENDING, retry_in=delay)


def _body(reminders) -> str:
    lines = []
    for r in reminders:
        lines.append(f"{r.title} (due {r.due_on:%d %B %Y})")
        if r.link:
            lines.append(f"{settings.SITE_URL}{r.link}")
        lines.append("")
    lines.append(f"Your inbox: {settings.SITE_URL}/inbox/")
    return "\n".join(lines)


def release_stale_claims() -> int:
    """Put back rows whose worker died while sending (claimed longer than the timeout)."""
    now = timezone.now()
    stale = Reminder.objects.filter(
        email_state=EmailState.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.LD_REMINDER_SENDING_TIMEOUT_SECONDS),
    )
    released = stale.filter(by_digest=True).update(email_state=EmailState.DIGEST)
    if settings.LD_EMAIL_CHANNEL == "govuk_notify":
        released += _settle_with_notify(stale.filter(by_digest=False), now=now)
    else:
        # SMTP keeps no record to ask: if the worker died after the server accepted the
        # email and before the row was marked, the email goes again (docs/security.md,
        # "Reminders: exactly once where the channel allows it").
        released += stale.filter(by_digest=False).update(
            email_state=EmailState.PENDING, next_attempt_at=now
        )
    if released:
        logger.warning("Released %s reminder(s) left sending by a lost worker", released)
    return released


def _settle_with_notify(stale, *, now) -> int:
    """Ask Notify about each stale claim: mark what it holds sent (or failed), release the rest."""
    released = 0
    claims = stale.order_by("claimed_at", "id").values_list("pk", "claimed_at")
    for reminder_id, claimed_at in claims[:NOTIFY_LOOKUPS_PER_SWEEP]:
        try:
            earlier = notify_earlier(reference=reminder_reference(reminder_id))
        except DeliveryError as exc:
            # Not knowing whether the first attempt reached Notify, sending now could be the
            # duplicate this check is for. The claim stays (stale), so the next sweep asks
            # again; the rest wait too, as Notify is unlikely to answer for them now.
            logger.warning("Reminder %s left sending: %s", reminder_id, exc)
            break
        mine = Reminder.objects.filter(
            pk=reminder_id, email_state=EmailState.SENDING, claimed_at=claimed_at
        )
        if earlier is None:
            released += mine.update(email_state=EmailState.PENDING, next_attempt_at=now)
        else:
            _settle(mine, earlier, now=now)
    return released


def queue_due(*, limit: int = SWEEP_BATCH) -> int:
    """Queue a delivery task for each pending reminder whose time has come."""
    ids = list(
        Reminder.objects.filter(email_state=EmailState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for reminder_id in ids:
        if not enqueue("notifications.deliver_reminder", reminder_id=reminder_id):
            break  # broker down: the next sweep tries again
    return len(ids)


def sweep() -> int:
    release_stale_claims()
    return queue_due()


def send_digests() -> tuple[int, int]:
    """One email per recipient listing their waiting reminders; returns (sent, failed)."""
    sent = failed = 0
    recipients = (
        Reminder.objects.filter(email_state=EmailState.DIGEST)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in list(recipients):
        if _send_digest(recipient_id=recipient_id):
            sent += 1
        else:
            failed += 1
    return sent, failed


def _send_digest(*, recipient_id) -> bool:
    now = timezone.now()
    Reminder.objects.filter(recipient_id=recipient_id, email_state=EmailState.DIGEST).update(
        email_state=EmailState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    mine = Reminder.objects.filter(
        recipient_id=recipient_id, email_state=EmailState.SENDING, claimed_at=now
    )
    reminders = list(mine.select_related("recipient").order_by("due_on", "id"))
    if not reminders:
        return True
    try:
        send_email(
            to=reminders[0].recipient.email,
            subject=f"Your reminders: {len(reminders)} waiting",
            body=_body(reminders),
            reference=f"digest-{recipient_id}-{now:%Y%m%d}",
        )
    except DeliveryError as exc:
        logger.warning("Digest for user %s failed: %s", recipient_id, exc)
        mine.update(email_state=EmailState.DIGEST, last_error=str(exc)[:255])
        return False
    mine.update(email_state=EmailState.SENT, sent_at=timezone.now(), last_error="")
    return True
