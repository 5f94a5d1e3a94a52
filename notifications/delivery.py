"""Email delivery of reminders: a small state machine on the row, so nothing goes twice.

    pending --claim--> sending --sent--> sent
       ^                 |  \\--retryable error--> pending (later, with backoff)
       |                 |   \\--permanent error or too many attempts--> failed
       +--stale sweep----+  (a worker that died holding the claim)

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

from .channels import DeliveryError, send_email
from .enums import EmailState
from .models import Reminder
from .queueing import enqueue

logger = logging.getLogger(__name__)
SWEEP_BATCH = 2000


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: int | None = None


def backoff_seconds(attempts: int) -> int:
    """30 s, 60 s, 120 s ... capped at an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


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
    try:
        send_email(
            to=reminder.recipient.email,
            subject=f"Reminder: {reminder.title}",
            body=_body([reminder]),
            reference=f"reminder-{reminder.pk}",
        )
    except DeliveryError as exc:
        return _record_failure(reminder, claimed_at=now, error=exc)
    Reminder.objects.filter(pk=reminder.pk, email_state=EmailState.SENDING, claimed_at=now).update(
        email_state=EmailState.SENT, sent_at=timezone.now(), last_error=""
    )
    return Outcome(EmailState.SENT)


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
    released += stale.filter(by_digest=False).update(
        email_state=EmailState.PENDING, next_attempt_at=now
    )
    if released:
        logger.warning("Released %s reminder(s) left sending by a lost worker", released)
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
