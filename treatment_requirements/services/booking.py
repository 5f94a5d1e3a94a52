"""The checks of booking and moving appointments that read the database; the rules
themselves, in words, are in `booking_checks`."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q

from referrals.models import Person

from .. import booking_checks
from ..booking_checks import BookingWarning, BookingWarnings
from ..enums import AppointmentOutcome
from ..models import Appointment, Order

# Appointments that no longer take place: they clash with nothing.
NOT_TAKING_PLACE = (AppointmentOutcome.RESCHEDULED, AppointmentOutcome.WITHDRAWN)


def appointment_length() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LD_APPOINTMENT_MINUTES)


def _standing_near(times, length, moving: Appointment | None):
    """Appointments still taking place that start less than `length` from any of `times`
    (without `moving`, the appointment being rescheduled)."""
    near = Q()
    for when in times:
        near |= Q(starts_at__gt=when - length, starts_at__lt=when + length)
    standing = Appointment.objects.filter(near).exclude(outcome__in=NOT_TAKING_PLACE)
    return standing.exclude(pk=moving.pk) if moving is not None else standing


def _diary_warnings(order: Order, times, by, standing, length) -> list[BookingWarning]:
    """Overlaps with other people's appointments in the booking officer's diary and in the
    order's responsible officer's (the orders each is responsible for)."""
    whose = {by.pk: "your"}
    officer = order.responsible_officer
    if officer is not None and officer.pk != by.pk:
        whose[officer.pk] = f"{officer.display_name}'s"
    others = (
        standing.filter(order__responsible_officer_id__in=whose)
        .exclude(order__person_id=order.person_id)
        .values_list("starts_at", "order__responsible_officer_id")
        .order_by("starts_at")
    )
    return [
        booking_checks.diary_warning(when, other, whose[officer_id])
        for when in times
        for other, officer_id in others
        if booking_checks.overlaps(when, other, length)
    ]


def booking_check(
    *, order: Order, times, by, accept_warnings: bool | str, moving: Appointment | None = None
) -> None:
    """Check appointments of `order` at `times` (inside the booking's transaction).

    Refuses (ValidationError on "starts_at", one message per other appointment) when the
    person has another appointment overlapping any of them, on any of their orders; then,
    unless `accept_warnings` confirms them (`booking_checks.confirmed`), stops with
    BookingWarnings for weekends, bank holidays of the probation team's nation and overlaps
    in the officer's diary. Locks the person's row so that two bookings for the same person
    at once are checked one after the other.
    """
    length = appointment_length()
    list(Person.objects.select_for_update().filter(pk=order.person_id).values_list("pk"))
    standing = _standing_near(times, length, moving)
    theirs = standing.filter(order__person_id=order.person_id).values_list("starts_at", flat=True)
    clashing = booking_checks.clashes(times, list(theirs), length)
    if clashing:
        others = sorted({other for _, other in clashing})
        raise ValidationError(
            {"starts_at": [booking_checks.person_clash_message(other) for other in others]}
        )
    warnings = booking_checks.day_warnings(times, order.probation_team.bank_holidays)
    warnings += _diary_warnings(order, times, by, standing, length)
    if not booking_checks.confirmed(accept_warnings, warnings):
        raise BookingWarnings(warnings)
