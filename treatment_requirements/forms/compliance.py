"""Forms for enforcement: the warning or breach the rule allows, and the breach outcome."""

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovDateField, GovForm, long_date, today

from ..enums import BreachOutcome, EnforcementAction, RequirementKind
from ..services.compliance import BREACH_REQUIRED_MESSAGE
from ._common import bound, providers, without_asides


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
