"""Forms for appointments and enforcement."""

import datetime

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import GovDateField, GovForm, GovTimeField, VersionForm, long_date, today

from ..enums import (
    AppointmentOutcome,
    BreachOutcome,
    EnforcementAction,
    Recurrence,
    RequirementKind,
)
from ..services.appointments import ATTENDED_FAILED_NOTES_MESSAGE
from ..services.compliance import BREACH_REQUIRED_MESSAGE
from ._common import bound, providers, require, without_asides

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


class AppointmentForm(GovForm):
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


class RescheduleForm(VersionForm):
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


class EnforcementForm(GovForm):
    action = forms.ChoiceField(
        label="What action are you taking?",
        choices=EnforcementAction.choices,
        widget=forms.RadioSelect,
    )
    action_on = GovDateField(label="Date of the action", latest=today)
    details = forms.CharField(
        label="Details for the breach report (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, allowed: list[str], failure, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        self.fields["action"].error_name = "the action you are taking"
        bound(
            self.fields["action_on"],
            earliest=failure.failure_date,
            latest=today,
            earliest_message="Date of the action must be on or after the failure to comply, "
            f"{long_date(failure.failure_date)}",
        )
        without_asides(self)
        self.name_fields()
        # Only the actions the rule allows are offered; a posted warning is refused clearly.
        self.fields["action"].choices = [c for c in EnforcementAction.choices if c[0] in allowed]
        self.fields["action"].error_messages["invalid_choice"] = BREACH_REQUIRED_MESSAGE
        self.helper.layout = Layout(
            Field.radios("action", legend_size=Size.MEDIUM),
            Field("action_on"),
            Field.textarea("details"),
        )

    def clean_action(self):
        action = self.cleaned_data["action"]
        if action not in self.allowed:
            raise ValidationError(BREACH_REQUIRED_MESSAGE)
        return action


class BreachOutcomeForm(GovForm):
    outcome = forms.ChoiceField(
        label="What did the court decide?",
        choices=[c for c in BreachOutcome.choices if c[0] != BreachOutcome.PENDING],
        widget=forms.RadioSelect,
    )
    outcome_on = GovDateField(label="Date of the decision", latest=today)
    extension_months = forms.IntegerField(
        label="Extension in months (if extended)",
        min_value=1,
        max_value=6,
        required=False,
        help_text="An order can be extended once, by up to 6 months",
    )
    kind = forms.ChoiceField(
        label="Requirement added (if requirements were added)",
        choices=[("", "None"), *RequirementKind.choices],
        required=False,
    )
    provider = forms.ModelChoiceField(
        label="Provider of the added requirement", queryset=None, required=False
    )
    length_months = forms.IntegerField(
        label="Length of the added requirement in months", min_value=1, max_value=36, required=False
    )
    willing_on = GovDateField(
        label="Date the person said they were willing to comply with the added requirement",
        required=False,
        latest=today,
    )
    notes = forms.CharField(
        label="Notes (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    layout = (
        Field.radios("outcome", legend_size=Size.MEDIUM),
        Field("outcome_on"),
        Field("extension_months"),
        Field.select("kind"),
        Field.select("provider"),
        Field("length_months"),
        Field("willing_on"),
        Field.textarea("notes"),
    )

    def __init__(self, *args, breach, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_name = "what the court decided"
        bound(
            self.fields["outcome_on"],
            earliest=breach.referred_on,
            latest=today,
            earliest_message="Date of the decision must be on or after the breach referral, "
            f"{long_date(breach.referred_on)}",
        )
        made_on = breach.order.made_on
        bound(
            self.fields["willing_on"],
            earliest=made_on,
            latest=today,
            earliest_message="Date the person said they were willing to comply must be on or "
            f"after the order was made, {long_date(made_on)}",
        )
        without_asides(self)
        self.name_fields()
        self.fields["provider"].queryset = providers()
        for name in ("extension_months", "length_months"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields["extension_months"].error_messages.update(
            {
                "min_value": "An extension is between 1 and 6 months",
                "max_value": "An extension is between 1 and 6 months",
            }
        )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        missing_extension = not cleaned.get("extension_months")
        if (
            outcome == BreachOutcome.EXTENDED
            and missing_extension
            and "extension_months" not in self.errors
        ):
            self.add_error("extension_months", "Enter how many months the order was extended by")
        if outcome == BreachOutcome.REQUIREMENTS_ADDED:
            for name, message in [
                ("kind", "Select the requirement the court added"),
                ("provider", "Select the provider of the added requirement"),
                ("length_months", "Enter the length of the added requirement"),
                (
                    "willing_on",
                    "Enter the date the person said they were willing to comply with the "
                    "added requirement",
                ),
            ]:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return cleaned
