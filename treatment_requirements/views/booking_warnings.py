"""Booking and rescheduling stopped by warnings: the form shown again with them and a
"Book anyway" (templates/treatment_requirements/_booking_warnings.html)."""

from core.view_helpers import Outcome, submit

from ..booking_checks import BookingWarnings


def submit_booking(request, form, call, **kwargs) -> tuple[Outcome, BookingWarnings | None]:
    """`core.view_helpers.submit`, and the warnings that stopped the booking (the page
    answers 200: nothing is wrong with the form, the officer is asked to confirm)."""
    try:
        return submit(request, form, call, **kwargs), None
    except BookingWarnings as warnings:
        return Outcome(False), warnings
