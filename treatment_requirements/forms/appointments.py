"""Forms for booking and moving appointments, and recording what happened."""

import datetime

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from core.forms import GovDateField, GovForm, GovTimeField, VersionForm, long_date

from ..enums import AppointmentOutcome, Recurrence
from ..services.appointments import ATTENDED_FAILED_NOTES_MESSAGE
from ._common import bound, require, without_asides

OUTCOME_HINTS = {
    AppointmentOutcome.ATTENDED_FAILED: (
        "For example, asked to leave because of their behaviour, or unfit to take part. "
        "Describe what happened in the notes: it opens enforcement action and is given in "
        "any warning letter"
    ),
    AppointmentOutcome.UNACCEPTABLE_ABSENCE: "Opens enforcement action",
}


def _within_order(form, order) -> None:
    """An appointment falls within the order (services.appointments checks it again)."""
    bound(
        form.fields["date"],
        earliest=order.start_date,
        latest=order.end_date,
        earliest_message="Date of the appointment must be on or after the start of the "
        f"order, {long_date(order.start_date)}",
        latest_message="Date of the appointment must be on or before the end of the order, "
        f"{long_date(order.end_date)}",
        error_name=f"the {form.fields['date'].label.lower()} of the appointment",
        error_label=f"{form.fields['date'].label} of the appointment",
    )
    form.fields["time"].error_name = f"the {form.fields['time'].label.lower()} of the appointment"


class _WarningsConfirmation(GovForm):
    """The officer's "Book anyway" on booking warnings (services.booking `booking_check`),
    drawn by treatment_requirements/_booking_warnings.html when there are warnings, not by
    the layout; `confirmation` is the fingerprint of the warnings shown."""

    book_anyway = forms.BooleanField(label="Book anyway", required=False)
    confirmation = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def accept_warnings(self) -> bool | str:
        """What the service is told: the confirmation of the warnings shown, when ticked."""
        ticked = self.cleaned_data.get("book_anyway")
        return (self.cleaned_data.get("confirmation") or False) if ticked else False


class AppointmentForm(_WarningsConfirmation):
    date = GovDateField(label="Date")
    time = GovTimeField(label="Time")
    purpose = forms.CharField(label="What the appointment is for", max_length=120)
    location = forms.CharField(label="Where (optional)", max_length=120, required=False)
    requirement = forms.ModelChoiceField(
        label="Requirement (optional)", queryset=None, required=False
    )
    recurrence = forms.ChoiceField(
        label="Repeat",
        choices=Recurrence.choices,
        initial=Recurrence.NONE,
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(
        label="How many appointments in the series",
        min_value=1,
        max_value=52,
        initial=1,
        required=False,
        help_text="Including the first one",
    )
    layout = (
        Field("date"),
        Field("time"),
        Field.text("purpose"),
        Field.text("location"),
        Field.select("requirement"),
        Field.radios("recurrence", legend_size=Size.SMALL),
        Field("count"),
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        _within_order(self, order)
        self.fields["recurrence"].error_name = "how often the appointment repeats"
        without_asides(self)
        self.fields["location"].error_label = "Location"
        self.name_fields()
        self.fields["requirement"].queryset = order.requirements.all()
        self.fields["requirement"].empty_label = "General supervision (not for one requirement)"
        self.fields["count"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields["count"].error_messages.update(
            {
                "min_value": "Book between 1 and 52 appointments",
                "max_value": "Book between 1 and 52 appointments",
            }
        )

    def starts_at(self):
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        )


class RescheduleForm(_WarningsConfirmation, VersionForm):
    date = GovDateField(label="New date")
    time = GovTimeField(label="New time")
    reason = forms.CharField(
        label="Why it is being moved", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    layout = (Field("version"), Field("date"), Field("time"), Field.textarea("reason"))

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        _within_order(self, order)
        self.name_fields()

    def starts_at(self):
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        )


class AppointmentOutcomeForm(VersionForm):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=[
            Choice(value, label, hint=OUTCOME_HINTS.get(value, ""))
            for value, label in AppointmentOutcome.choices
            if value != AppointmentOutcome.RESCHEDULED
        ],
        widget=forms.RadioSelect,
    )
    excuse = forms.CharField(
        label="The person's excuse (for an acceptable absence)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.CharField(
        label="Evidence supporting the excuse",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a fit note or hospital letter seen",
    )
    notes = forms.CharField(
        label="Notes (what happened, if the person failed to comply)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    layout = (
        Field("version"),
        Field.radios("outcome", legend_size=Size.MEDIUM),
        Field.textarea("excuse"),
        Field.textarea("evidence"),
        Field.textarea("notes"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_asides(self)
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == AppointmentOutcome.ACCEPTABLE_ABSENCE:
            require(self, "excuse", "Enter the person's excuse for the absence")
            require(self, "evidence", "Enter the evidence that supports the excuse")
        if cleaned.get("outcome") == AppointmentOutcome.ATTENDED_FAILED:
            require(self, "notes", ATTENDED_FAILED_NOTES_MESSAGE)
        return cleaned
