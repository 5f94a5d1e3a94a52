"""Email delivery of reminders, once: the state machine of notifications.outbox.

By GOV.UK Notify a retry or a stale claim first asks Notify for the reminder's reference and
marks it sent if Notify has it; by SMTP it cannot ask, and the email may go twice
(release_stale_claims, docs/security.md). Rows waiting for a daily digest (`digest`) are
claimed per recipient the same way.
"""

import logging

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .channels import NOTIFY_PERMANENT_FAILURE, DeliveryError, send_email
from .enums import EmailState
from .models import Reminder
from .outbox import Outbox, Outcome

logger = logging.getLogger(__name__)
REMINDERS = Outbox(
    model=Reminder,
    state_field="email_state",
    task="notifications.deliver_reminder",
    task_arg="reminder_id",
    label="Reminder",
)


def reminder_reference(reminder_id: int) -> str:
    """What the provider knows the reminder's email by (no personal data)."""
    return f"reminder-{reminder_id}"


def deliver_one(*, reminder_id: int) -> Outcome | None:
    """Send one pending reminder's email. None if it was not ours to send (idempotent)."""
    if (mine := REMINDERS.claim(reminder_id, timezone.now())) is None:
        return None
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    if not reminder.recipient.email or not reminder.recipient.is_active:
        mine.update(email_state=EmailState.NOT_SENT)
        return Outcome(EmailState.NOT_SENT)
    if settings.LD_EMAIL_CHANNEL == "govuk_notify":
        reference = reminder_reference(reminder.pk)
        earlier = REMINDERS.held_by_notify(reminder, mine, reference=reference, settle=_settle)
        if earlier is not None:
            return earlier
    try:
        notify_id = send_email(
            to=reminder.recipient.email,
            subject=f"Reminder: {reminder.title}",
            body=_body([reminder]),
            reference=reminder_reference(reminder.pk),
        )
    except DeliveryError as exc:
        return REMINDERS.record_failure(reminder, mine, exc)
    mine.update(
        email_state=EmailState.SENT,
        sent_at=timezone.now(),
        last_error="",
        notify_id=notify_id or "",
    )
    return Outcome(EmailState.SENT)


def _settle(reminder_id, mine, earlier, now) -> str:
    """Mark a claimed reminder as Notify holds its email: failed if no such address, else sent."""
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
    logger.info("Reminder %s found at GOV.UK Notify: not sent again", reminder_id)
    return EmailState.SENT


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
    stale = REMINDERS.stale(now)
    released = stale.filter(by_digest=True).update(email_state=EmailState.DIGEST)
    if settings.LD_EMAIL_CHANNEL == "govuk_notify":
        released += REMINDERS.settle_with_notify(
            stale.filter(by_digest=False), now=now, reference=reminder_reference, settle=_settle
        )
    else:
        # SMTP keeps no record to ask: if the worker died after the server accepted the
        # email and before the row was marked, the email goes again (docs/security.md,
        # "Reminders: exactly once where the channel allows it").
        released += REMINDERS.release(stale.filter(by_digest=False), now)
    if released:
        logger.warning("Released %s reminder(s) left sending by a lost worker", released)
    return released


def queue_due() -> int:
    """Queue a delivery task for each pending reminder whose time has come."""
    return REMINDERS.queue_due()


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
