"""Booking and rescheduling: "Preview the message" (nothing booked), and a booking stopped
by warnings shown again with them and a "Book anyway"
(templates/treatment_requirements/_booking_warnings.html)."""

from core.view_helpers import Outcome, submit

from ..booking_checks import BookingWarnings


def submit_booking(
    request, form, call, *, choice=None, **kwargs
) -> tuple[Outcome, BookingWarnings | None]:
    """`core.view_helpers.submit`, and the warnings that stopped the booking (the page
    answers 200: nothing is wrong with the form, the officer is asked to confirm).

    A POST of "Preview the message" (`choice`, forms.message_choice.MessageChoice) only
    checks the form (400 when refused) and books nothing."""
    if choice is not None and choice.is_preview(request):
        return Outcome(False, status=200 if form.is_valid() else 400), None
    try:
        return submit(request, form, call, **kwargs), None
    except BookingWarnings as warnings:
        return Outcome(False), warnings
