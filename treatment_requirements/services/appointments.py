"""Appointments: booking, rescheduling and coded outcomes."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.concurrency import StaleEditError, save_if_current

from ..enums import (
    AppointmentOutcome,
    Recurrence,
)
from ..models import (
    Appointment,
    Failure,
    Order,
    OrderRequirement,
)
from ..signals import BOOKED, CANCELLED, RESCHEDULED, appointments_changed
from .booking import booking_check
from .compliance import failure_open
from .order_change import order_change

MAX_RECURRING_APPOINTMENTS = 52
ATTENDED_FAILED_NOTES_MESSAGE = (
    "Describe how the person failed to comply, for example the behaviour that ended the "
    "session: it is given in any warning letter"
)


def _check_within_order(order: Order, starts_at: datetime.datetime):
    day = timezone.localtime(starts_at).date()
    if not order.start_date <= day <= order.end_date:
        raise ValidationError(
            {
                "starts_at": (
                    f"Appointments must fall within the order, from {order.start_date:%d/%m/%Y} "
                    f"to {order.end_date:%d/%m/%Y}: {day:%d/%m/%Y} is outside it"
                )
            }
        )


def appointment_schedule(
    *,
    order: Order,
    starts_at: datetime.datetime,
    purpose: str,
    location: str = "",
    requirement: OrderRequirement | None = None,
    recurrence: str = Recurrence.NONE,
    count: int = 1,
    send_to_person: bool = True,
    accept_warnings: bool | str = False,
    by,
    request=None,
) -> list[Appointment]:
    """Book one appointment, or a weekly or fortnightly series of `count`.

    Every one must fall within the order's dates and clash with none of the person's other
    appointments, or none is booked; a weekend, a bank holiday or an overlap in the
    officer's diary stops the booking with BookingWarnings unless `accept_warnings`
    confirms them (services.booking `booking_check`). Side effects (as
    every order change, `order_change`): the order's version, history, audit entry;
    `appointments_changed` ("booked"), with the officer's `send_to_person` choice.
    """
    with order_change(order, by=by, request=request) as change:
        order = change.order
        if requirement is not None and requirement.order_id != order.pk:
            raise ValidationError({"requirement": "Choose a requirement of this order"})
        if recurrence == Recurrence.NONE:
            count = 1
        if not 1 <= count <= MAX_RECURRING_APPOINTMENTS:
            raise ValidationError(
                {"count": f"Book between 1 and {MAX_RECURRING_APPOINTMENTS} appointments at once"}
            )
        step = datetime.timedelta(weeks=2 if recurrence == Recurrence.FORTNIGHTLY else 1)
        times = [starts_at + step * i for i in range(count)]
        for when in times:
            _check_within_order(order, when)
        booking_check(order=order, times=times, by=by, accept_warnings=accept_warnings)
        booked = Appointment.objects.bulk_create(
            Appointment(
                order=order,
                requirement=requirement,
                starts_at=when,
                purpose=purpose,
                location=location,
                created_by=by,
            )
            for when in times
        )
        appointments_changed.send(
            sender=Appointment,
            change=BOOKED,
            appointments=booked,
            replaced=None,
            by=by,
            send_to_person=send_to_person,
        )
        first = timezone.localtime(times[0])
        change.describe(f"{count} appointment(s) booked from {first:%d/%m/%Y %H:%M}")
    return booked


def _appointment_locked(appointment: Appointment, order: Order, expected_version: int):
    """The appointment, locked; StaleEditError when someone saved it since the user saw
    `expected_version`."""
    current = Appointment.objects.select_for_update().get(pk=appointment.pk, order=order)
    if current.version != expected_version:
        raise StaleEditError()
    return current


def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: datetime.datetime,
    reason: str,
    expected_version: int,
    send_to_person: bool = True,
    accept_warnings: bool | str = False,
    by,
    request=None,
) -> Appointment:
    """Move an appointment: the old one is coded as rescheduled and linked to the new one.
    The new time is checked as a booking is (`booking_check`: a clash of the person's
    refused, warnings confirmed by `accept_warnings`). Side effects (`order_change`): the order's version, history, audit entry;
    `appointments_changed` ("rescheduled")."""
    with order_change(appointment.order, by=by, request=request) as change:
        order = change.order
        current = _appointment_locked(appointment, order, expected_version)
        if current.outcome:
            raise ValidationError("This appointment already has an outcome: it cannot be moved.")
        _check_within_order(order, starts_at)
        booking_check(
            order=order, times=[starts_at], by=by, accept_warnings=accept_warnings, moving=current
        )
        new = Appointment.objects.create(
            order=order,
            requirement=current.requirement,
            starts_at=starts_at,
            purpose=current.purpose,
            location=current.location,
            created_by=by,
        )
        current.outcome = AppointmentOutcome.RESCHEDULED
        current.outcome_notes = reason
        current.outcome_recorded_at, current.outcome_recorded_by = timezone.now(), by
        current.rescheduled_to = new
        save_if_current(current, expected_version=expected_version)
        appointments_changed.send(
            sender=Appointment,
            change=RESCHEDULED,
            appointments=[new],
            replaced=current,
            by=by,
            send_to_person=send_to_person,
        )
        when = timezone.localtime(starts_at)
        change.describe(f"Appointment rescheduled to {when:%d/%m/%Y %H:%M}", obj=current)
    return new


def appointment_record_outcome(
    *,
    appointment: Appointment,
    outcome: str,
    expected_version: int,
    excuse: str = "",
    evidence: str = "",
    notes: str = "",
    by,
    request=None,
) -> Failure | None:
    """Code what happened at an appointment that has taken place.

    An unacceptable failure (unacceptable absence, or attended but failed to comply, such as
    behaviour that ended the session, which must be described in the notes) opens a Failure
    with its enforcement deadline, which is returned. Like every change to an order
    (`order_change`), it is refused on an ended order, and the order is locked and its
    version bumped; a second person recording the same appointment is refused
    (StaleEditError). Side effects: history, audit entry.
    """
    with order_change(appointment.order, by=by, request=request) as change:
        current = _appointment_locked(appointment, change.order, expected_version)
        if current.outcome:
            raise StaleEditError()
        _check_outcome(current, outcome, excuse=excuse, evidence=evidence, notes=notes)
        current.outcome, current.excuse, current.evidence = outcome, excuse, evidence
        current.outcome_notes = notes
        current.outcome_recorded_at, current.outcome_recorded_by = timezone.now(), by
        save_if_current(current, expected_version=expected_version)
        failure = None
        if outcome in AppointmentOutcome.unacceptable_failures():
            failure = failure_open(
                order=change.order,
                appointment=current,
                failure_date=timezone.localtime(current.starts_at).date(),
                description=_failure_description(current, outcome, notes),
                by=by,
            )
        if outcome == AppointmentOutcome.WITHDRAWN:
            appointments_changed.send(
                sender=Appointment,
                change=CANCELLED,
                appointments=[current],
                replaced=None,
                by=by,
                send_to_person=True,
            )
        label = AppointmentOutcome(outcome).label
        change.describe(f"Appointment outcome: {label}", obj=current)
    return failure


def _check_outcome(appointment, outcome, *, excuse, evidence, notes):
    if outcome not in AppointmentOutcome.values:
        raise ValidationError({"outcome": "Select what happened"})
    if outcome == AppointmentOutcome.RESCHEDULED:
        raise ValidationError({"outcome": "Use 'Reschedule' to move an appointment"})
    if appointment.starts_at > timezone.now() and outcome != AppointmentOutcome.WITHDRAWN:
        raise ValidationError(
            {"outcome": "This appointment has not happened yet: record its outcome afterwards"}
        )
    if outcome == AppointmentOutcome.ACCEPTABLE_ABSENCE and not excuse.strip():
        raise ValidationError({"excuse": "Enter the person's excuse for the absence"})
    if outcome == AppointmentOutcome.ACCEPTABLE_ABSENCE and not evidence.strip():
        raise ValidationError({"evidence": "Enter the evidence that supports the excuse"})
    if outcome == AppointmentOutcome.ATTENDED_FAILED and not notes.strip():
        # The notes become the failure's description, which a warning letter must give.
        raise ValidationError({"notes": ATTENDED_FAILED_NOTES_MESSAGE})


def _failure_description(appointment, outcome, notes):
    when = timezone.localtime(appointment.starts_at)
    what = (
        "did not attend"
        if outcome == AppointmentOutcome.UNACCEPTABLE_ABSENCE
        else "attended but did not comply with the requirements of"
    )
    text = f"You {what} your {appointment.purpose} appointment on {when:%d/%m/%Y} at {when:%H:%M}"
    return f"{text}. {notes}".strip() if notes else f"{text}."
