"""Sending messages to the person (PersonMessage) by GOV.UK Notify, once.

    pending --claim (due)--> sending --Notify accepted--> sent --receipt--> delivered
       ^                       |  |                                  \\--> *_failure
       |                       |  \\--retryable error (429, 5xx)--> pending (later, backoff)
       |                       |   \\--number or address refused--> permanent_failure
       |                       |    \\--other error, or too many attempts--> failed
       +--stale sweep----------+  (a worker that died holding the claim; Notify asked first)

    sending --re-check--> withdrawn | not_sent_declined | not_sent_no_details | to_print
                          | not_sent_no_channel

The rows are written by notifications.person_messages (helper "messages"), which queues
`notifications.person_message_deliver` on commit for rows due now; the sweep (every minute)
queues the rest once `send_after` has passed. Before sending, the message is checked again:
the appointment still stands, the person still agrees to this channel and has its detail.

The claim, retries and the sweep are notifications.outbox's, as for staff reminders: a
retry or a stale claim asks Notify by the reference `person-message-<id>` before sending
again. A permanent failure tells the officer (notifications.rules_messages). Nothing here
logs or stores the number, the address or the text: ids and Notify's status code only.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from referrals.enums import ContactChannel, ContactConsent, ContactLanguage
from referrals.models import PersonContact
from treatment_requirements.enums import AppointmentOutcome, OrderStatus

from .channels import NOTIFY_PERMANENT_FAILURE, DeliveryError, send_person_notification
from .enums import PersonMessageKind
from .enums import PersonMessageState as State
from .models import PersonMessage
from .outbox import Outbox, Outcome
from .person_messages import subject_for

logger = logging.getLogger(__name__)

REFERENCE_PREFIX = "person-message-"
MESSAGES = Outbox(
    model=PersonMessage,
    state_field="state",
    task="notifications.person_message_deliver",
    task_arg="message_id",
    label="Message to the person",
    due=lambda now: Q(send_after__lte=now),
)
# The template setting for each channel and language (docs/security.md, "Messages to the
# person"). Letters are printed by the officer, never sent from here.
TEMPLATE_SETTINGS = {
    (ContactChannel.SMS, ContactLanguage.ENGLISH): "GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID",
    (ContactChannel.SMS, ContactLanguage.WELSH): "GOVUK_NOTIFY_PERSON_SMS_TEMPLATE_ID_CY",
    (ContactChannel.EMAIL, ContactLanguage.ENGLISH): "GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID",
    (ContactChannel.EMAIL, ContactLanguage.WELSH): "GOVUK_NOTIFY_PERSON_EMAIL_TEMPLATE_ID_CY",
}
# Where a developer sees what would have gone (never real SMTP).
DEVELOPMENT_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    }
)
CONTACT_DETAIL = {
    ContactChannel.SMS: "mobile",
    ContactChannel.EMAIL: "email",
    ContactChannel.LETTER: "address",
}


def message_reference(message_id: int) -> str:
    """What Notify knows the message by (no personal data)."""
    return f"{REFERENCE_PREFIX}{message_id}"


def deliver_person_message(message_id: int) -> Outcome | None:
    """Send one pending message that is due. None if it was not ours to send (idempotent).

    Side effects: the row's state (see the module's diagram); on a refused number or
    address, an inbox reminder to the officer (notifications.rules_messages).
    """
    now = timezone.now()
    if (mine := MESSAGES.claim(message_id, now)) is None:
        return None
    message = PersonMessage.objects.select_related("appointment__order", "person").get(
        pk=message_id
    )
    contact = _contact(message)
    why_not = not_to_send(message, contact=contact, now=now) or _not_by_notify(message)
    if why_not is not None:
        mine.update(state=why_not)
        if why_not == State.NOT_SENT_NO_CHANNEL:
            _show_developer(message)
        return Outcome(why_not)
    reference = message_reference(message.pk)
    if earlier := MESSAGES.held_by_notify(message, mine, reference=reference, settle=_settle):
        return earlier
    try:
        notify_id = send_person_notification(
            channel=message.channel,
            to=getattr(contact, CONTACT_DETAIL[message.channel]),
            template_id=template_for(message),
            personalisation=personalisation(message),
            reference=reference,
        )
    except DeliveryError as exc:
        return _record_failure(message, mine, exc)
    mine.update(state=State.SENT, sent_at=timezone.now(), notify_id=notify_id, last_error="")
    return Outcome(State.SENT)


def _contact(message):
    return PersonContact.objects.filter(person_id=message.person_id).first()


def not_to_send(message, *, contact, now) -> str | None:
    """Why a claimed message must not go now (the state to keep it in), or None.

    The appointment must still stand (in the future, on an active order, with no outcome; a
    cancellation's appointment withdrawn), and the person still agree to reminders by this
    message's channel and have its detail (mobile, email or postal address)."""
    if not appointment_stands(message, now=now):
        return State.WITHDRAWN
    if contact is None or contact.reminders != ContactConsent.AGREED:
        return State.NOT_SENT_DECLINED
    if contact.channel != message.channel:
        return State.NOT_SENT_DECLINED  # they now ask for another channel: not this one
    if not getattr(contact, CONTACT_DETAIL.get(message.channel, ""), ""):
        return State.NOT_SENT_NO_DETAILS
    return None


def appointment_stands(message, *, now) -> bool:
    appointment = message.appointment
    if appointment.starts_at <= now or appointment.order.status != OrderStatus.ACTIVE:
        return False
    if message.kind == PersonMessageKind.CANCELLED:
        return appointment.outcome == AppointmentOutcome.WITHDRAWN
    return appointment.outcome == ""


def _not_by_notify(message) -> str | None:
    """A letter waits to be printed; without a Notify template, nothing can go."""
    if message.channel == ContactChannel.LETTER:
        return State.TO_PRINT
    if not template_for(message):
        return State.NOT_SENT_NO_CHANNEL
    return None


def template_for(message) -> str:
    """The Notify template for the message's channel and language; "" when not configured."""
    if settings.LD_EMAIL_CHANNEL != "govuk_notify":
        return ""
    name = TEMPLATE_SETTINGS.get((message.channel, message.language))
    return getattr(settings, name, "") if name else ""


def personalisation(message) -> dict:
    """The template's fields: ((body)), the text as previewed; an email's ((subject))."""
    if message.channel == ContactChannel.EMAIL:
        return {"body": message.body, "subject": subject_for(message)}
    return {"body": message.body}


def _show_developer(message) -> None:
    """No channel configured: in development the text goes to the console or in-memory email
    backend, to the service's own address, so a developer sees it. Never to real SMTP, never
    to the log."""
    if settings.EMAIL_BACKEND not in DEVELOPMENT_EMAIL_BACKENDS:
        return
    what = ContactChannel(message.channel).label if message.channel else "Message"
    send_mail(
        f"[not sent] {what}: {subject_for(message)}",
        message.body,
        settings.DEFAULT_FROM_EMAIL,
        [settings.DEFAULT_FROM_EMAIL],
        fail_silently=True,
    )


def _settle(message_id, mine, earlier, now) -> str:
    """Mark a claimed message as Notify holds it: delivered, permanently failed, else sent."""
    if earlier.status == NOTIFY_PERMANENT_FAILURE:
        if mine.update(
            state=State.PERMANENT_FAILURE,
            notify_id=earlier.notify_id,
            status_at=now,
            last_error=f"GOV.UK Notify {earlier.status}",
        ):
            _tell_officer(
                PersonMessage.objects.select_related("appointment__order").get(pk=message_id)
            )
        return State.PERMANENT_FAILURE
    state = State.DELIVERED if earlier.status == "delivered" else State.SENT
    mine.update(
        state=state,
        sent_at=now,
        status_at=now if state == State.DELIVERED else None,
        notify_id=earlier.notify_id,
        last_error="",
    )
    logger.info("Message %s found at GOV.UK Notify: not sent again", message_id)
    return state


def _record_failure(message, mine, error: DeliveryError) -> Outcome:
    """A number or address Notify refuses fails for good and tells the officer; any other
    error is the outbox's (retried with backoff, or failed)."""
    if not error.recipient_refused:
        return MESSAGES.record_failure(message, mine, error)
    # The error's text is Notify's status code only: no number, address or text.
    logger.warning("Message %s to the person refused: %s", message.pk, error)
    if mine.update(
        state=State.PERMANENT_FAILURE, status_at=timezone.now(), last_error=str(error)[:255]
    ):
        _tell_officer(message)
    return Outcome(State.PERMANENT_FAILURE)


def _tell_officer(message) -> None:
    from .rules_messages import message_undelivered

    message_undelivered(message)


# The sweep ---------------------------------------------------------------------------------


def release_stale_claims() -> int:
    """Settle messages whose worker died while sending (claimed longer than the timeout).

    By Notify, each is first looked up by its reference: what Notify holds is marked sent (or
    delivered, or failed), the rest go back to pending. If Notify cannot be asked, the
    claims stay for the next sweep: sending now could be the duplicate this check is for.
    """
    now = timezone.now()
    stale = MESSAGES.stale(now)
    if settings.LD_EMAIL_CHANNEL != "govuk_notify":
        # Nothing can have gone to the person without Notify: the claim is simply redone.
        released = MESSAGES.release(stale, now)
    else:
        released = MESSAGES.settle_with_notify(
            stale, now=now, reference=message_reference, settle=_settle
        )
    if released:
        logger.warning("Released %s message(s) to people left sending by a lost worker", released)
    return released


def queue_due() -> int:
    """Queue a delivery task for each pending message whose time has come."""
    return MESSAGES.queue_due()


def person_messages_sweep() -> int:
    """Every minute: settle claims of dead workers, then queue whatever is due."""
    release_stale_claims()
    return queue_due()
