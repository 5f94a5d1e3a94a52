"""Calendar invites to the officer who owns an appointment: written with the change, sent after.

`appointments_changed` (treatment_requirements.signals) is sent inside the booking,
rescheduling or cancelling transaction; the receiver writes `CalendarInvite` rows there, so
they exist exactly when the change does, and nudges delivery on commit. Who gets one: the
order's responsible officer, if active, with an email address, not kept from the person's
records by a restriction, and not having turned "Send calendar invites for my appointments"
off. A reschedule moves the event (same uid, higher sequence); whoever held the event and
no longer gets it (the order was handed over, or they turned invites off) gets a
cancellation, as does everyone who held it when the appointment is withdrawn.

Delivery is notifications.outbox's state machine, as for reminders: a conditional claim, so
of two workers one sends; retries with backoff; a sweep releases claims of dead workers and
queues what is due. By SMTP a worker that dies after the server took the email and before
the row is marked sends it again (docs/security.md).
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from referrals.restrictions import hidden_pairs
from treatment_requirements.models import Appointment, Order
from treatment_requirements.signals import (
    BOOKED,
    CANCELLED,
    HANDED_OVER,
    ORDER_ENDED,
    RESCHEDULED,
)

from .calendar import (
    MAX_CHAIN,
    AppointmentFacts,
    appointment_uid,
    event_title,
    invite_ics,
    order_url,
)
from .channels import DeliveryError
from .enums import EmailState
from .models import CalendarInvite, NotificationPreference
from .outbox import Outbox, Outcome
from .queueing import enqueue_on_commit

logger = logging.getLogger(__name__)
REQUEST, CANCEL = CalendarInvite.Method.REQUEST, CalendarInvite.Method.CANCEL
# Invites about appointments that started longer ago than this are deleted by the nightly
# housekeeping (`prune`): nothing moves or cancels a past event, and the row is only plumbing.
KEEP_DAYS = 90
INVITES = Outbox(
    model=CalendarInvite,
    state_field="state",
    task="notifications.deliver_calendar_invite",
    task_arg="invite_id",
    label="Calendar invite",
)


def invites_on_appointments_changed(sender, *, change, appointments, replaced=None, **kwargs):
    """Receiver of `appointments_changed`: the invite rows for the change (same transaction)."""
    if change == BOOKED:
        rows = _booked(appointments)
    elif change == RESCHEDULED:
        rows = [row for new in appointments for row in _moved(new)]
    elif change in (CANCELLED, ORDER_ENDED):
        rows = [row for gone in appointments for row in _withdrawn(gone)]
    elif change == HANDED_OVER:
        rows = _handed_over(appointments)
    else:
        return
    if rows:
        for invite in CalendarInvite.objects.bulk_create(rows):
            enqueue_on_commit(INVITES.task, invite_id=invite.pk)


def chain_start(appointment_id: int) -> tuple[int, int]:
    """(the first appointment of the reschedule chain ending at this one, reschedules since)."""
    first, moves = appointment_id, 0
    while moves < MAX_CHAIN:
        earlier = (
            Appointment.objects.filter(rescheduled_to_id=first).values_list("pk", flat=True).first()
        )
        if earlier is None:
            break
        first, moves = earlier, moves + 1
    return first, moves


def _officer(order_id: int) -> int | None:
    """The order's responsible officer, if invites may go to them; else None."""
    officer_id, person_id = Order.objects.values_list("responsible_officer_id", "person_id").get(
        pk=order_id
    )
    if officer_id is None or not _wants_invites(officer_id):
        return None
    if hidden_pairs({(officer_id, person_id)}):
        return None
    return officer_id


def _wants_invites(user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    pref = NotificationPreference.objects.filter(user_id=user_id).first()
    return pref is None or pref.calendar_invites


def _row(appointment, recipient_id, method, uid, sequence) -> CalendarInvite:
    return CalendarInvite(
        appointment=appointment,
        recipient_id=recipient_id,
        method=method,
        uid=uid,
        sequence=sequence,
    )


def _booked(appointments) -> list[CalendarInvite]:
    """One invite per appointment booked (a weekly series: one each), to the officer."""
    if not appointments:
        return []
    officer_id = _officer(appointments[0].order_id)
    if officer_id is None:
        return []
    return [_row(a, officer_id, REQUEST, appointment_uid(a.pk), 0) for a in appointments]


def _holders(uid: str) -> set[int]:
    """Who has the event in their calendar: their latest invite or cancellation for the uid
    (by sequence) is an invite that was sent, or is to be sent."""
    latest = {}
    invites = CalendarInvite.objects.filter(uid=uid).exclude(state=EmailState.NOT_SENT)
    for recipient_id, method in invites.order_by("sequence", "id").values_list(
        "recipient_id", "method"
    ):
        latest[recipient_id] = method
    return {recipient_id for recipient_id, method in latest.items() if method == REQUEST}


def _next_sequence(uid: str) -> int:
    """One above the highest SEQUENCE the event was sent with: a calendar applies an update
    only when its sequence is higher than the one it holds (RFC 5546)."""
    highest = CalendarInvite.objects.filter(uid=uid).aggregate(Max("sequence"))["sequence__max"]
    return 0 if highest is None else highest + 1


def _moved(new: Appointment) -> list[CalendarInvite]:
    """The event moves for the officer; whoever else held it gets a cancellation."""
    uid = appointment_uid(chain_start(new.pk)[0])
    sequence = _next_sequence(uid)
    officer_id = _officer(new.order_id)
    rows = [_row(new, officer_id, REQUEST, uid, sequence)] if officer_id else []
    rows += [_row(new, r, CANCEL, uid, sequence) for r in _holders(uid) - {officer_id}]
    return rows


def _handed_over(appointments) -> list[CalendarInvite]:
    """The order's appointments to come move to its new officer's calendar (an invite, as
    for a booking, to an officer who does not hold the event yet) and out of anyone
    else's (a cancellation)."""
    if not appointments:
        return []
    officer_id = _officer(appointments[0].order_id)
    rows = []
    for appointment in appointments:
        uid = appointment_uid(chain_start(appointment.pk)[0])
        holders, sequence = _holders(uid), _next_sequence(uid)
        if officer_id is not None and officer_id not in holders:
            rows.append(_row(appointment, officer_id, REQUEST, uid, sequence))
        others = sorted(holders - {officer_id})
        rows += [_row(appointment, r, CANCEL, uid, sequence) for r in others]
    return rows


def _withdrawn(appointment: Appointment) -> list[CalendarInvite]:
    """A cancellation to everyone who holds the event, one sequence up."""
    uid = appointment_uid(chain_start(appointment.pk)[0])
    sequence = _next_sequence(uid)
    return [_row(appointment, r, CANCEL, uid, sequence) for r in sorted(_holders(uid))]


def deliver_invite(*, invite_id: int) -> Outcome | None:
    """Email one pending invite. None if it was not ours to send (idempotent)."""
    if (mine := INVITES.claim(invite_id, timezone.now())) is None:
        return None
    invite = CalendarInvite.objects.select_related("recipient", "appointment").get(pk=invite_id)
    if not invite.recipient.email or not invite.recipient.is_active:
        mine.update(state=EmailState.NOT_SENT)
        return Outcome(EmailState.NOT_SENT)
    try:
        invite_email(invite).send()
    except smtplib.SMTPRecipientsRefused:
        error = DeliveryError("recipient refused by the mail server", retryable=False)
        return INVITES.record_failure(invite, mine, error)
    except (smtplib.SMTPException, OSError) as exc:
        error = DeliveryError(f"mail server error: {type(exc).__name__}", retryable=True)
        return INVITES.record_failure(invite, mine, error)
    mine.update(state=EmailState.SENT, sent_at=timezone.now(), last_error="")
    return Outcome(EmailState.SENT)


def invite_email(invite: CalendarInvite) -> EmailMultiAlternatives:
    """The email: a plain text part, the invite as text/calendar (what calendar clients act
    on) and the same as an .ics attachment."""
    appointment = invite.appointment
    facts = AppointmentFacts(
        uid=invite.uid,
        starts_at=appointment.starts_at,
        location=appointment.location,
        order_id=appointment.order_id,
        sequence=invite.sequence,
    )
    ics = invite_ics(facts, method=invite.method, attendee_email=invite.recipient.email)
    title = event_title(appointment.order_id)
    when = timezone.localtime(appointment.starts_at)
    cancelled = invite.method == CANCEL
    subject = f"{'Cancelled' if cancelled else 'Invitation'}: {title} {when:%d/%m/%Y %H:%M}"
    body = _body(facts, when, cancelled=cancelled)
    email = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [invite.recipient.email]
    )
    email.attach_alternative(ics.decode(), f"text/calendar; method={invite.method}")
    email.attach("appointment.ics", ics, "application/ics")
    return email


def _body(facts: AppointmentFacts, when, *, cancelled: bool) -> str:
    lines = [
        f"{'Cancelled' if cancelled else 'Appointment'}: {when:%A %d %B %Y at %H:%M}",
        f"Where: {facts.location}" if facts.location else "",
        f"The order: {order_url(facts.order_id)}",
    ]
    return "\n".join(line for line in lines if line) + "\n"


def release_stale_claims() -> int:
    """Put back invites whose worker died while sending (claimed longer than the timeout).

    SMTP keeps no record to ask: if the worker died after the server took the email, it goes
    again (a calendar client takes the second copy as the same event: same uid, sequence)."""
    now = timezone.now()
    released = INVITES.release(INVITES.stale(now), now)
    if released:
        logger.warning("Released %s calendar invite(s) left sending by a lost worker", released)
    return released


def sweep() -> int:
    release_stale_claims()
    return INVITES.queue_due()


def prune() -> int:
    """Delete the invites about appointments that started more than KEEP_DAYS ago (except
    one a worker holds this moment): how many. A chain of reschedules keeps its sequence,
    which its latest appointment's rows carry."""
    cutoff = timezone.now() - timedelta(days=KEEP_DAYS)
    old = CalendarInvite.objects.filter(appointment__starts_at__lt=cutoff)
    deleted, _by_model = old.exclude(state=EmailState.SENDING).delete()
    return deleted
