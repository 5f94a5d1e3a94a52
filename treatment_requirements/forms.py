"""Forms for recommendations, court outcomes and the order's follow-up.

Messages name the field, so the GOV.UK error summary reads well. Rules that need the
database (the enforcement rule, dates against the order) are checked again by the services.
"""

import datetime
import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.enums import Role, SiteKind, TeamKind
from accounts.models import Site, Team, User

from .enums import (
    AppointmentOutcome,
    BreachOutcome,
    DrugTestResult,
    EnforcementAction,
    HearingOutcome,
    MeasureStage,
    OrderType,
    Recurrence,
    ReoffendingKind,
    RequirementKind,
    TerminationReason,
)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_HINT = "For example, 27/3/2026"
BREACH_REQUIRED_MESSAGE = (
    "A warning cannot be given: the person already had a warning on this order in the 12 "
    "months before this failure, so you must refer for breach"
)
YES_NO_UNSURE = [("yes", "Met"), ("no", "Not met"), ("", "Not yet confirmed")]


def _lower_first(text) -> str:
    text = str(text)
    return text[:1].lower() + text[1:]


def date_field(label, *, required=True, hint=DATE_HINT):
    field = forms.DateField(label=label, required=required, help_text=hint)
    field.widget.attrs.update({"class": "govuk-input govuk-input--width-10", "autocomplete": "off"})
    field.error_messages["invalid"] = (
        f"Enter the {_lower_first(label)} as a real date, like 27/3/2026"
    )
    return field


def time_field(label):
    field = forms.TimeField(label=label, help_text="24-hour clock, for example 14:30")
    field.widget.attrs.update({"class": "govuk-input govuk-input--width-5"})
    field.error_messages["invalid"] = f"Enter the {_lower_first(label)} like 14:30"
    return field


def providers():
    return Team.objects.filter(kind=TeamKind.TREATMENT_PROVIDER, is_active=True).order_by("name")


class GdsForm(forms.Form):
    """Clear required/length messages, no control characters, a crispy helper with no tag."""

    layout: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = _lower_first(str(field.label or name).rstrip("?"))
            verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
            field.error_messages.setdefault("required", f"{verb} the {label}")
            field.error_messages["required"] = f"{verb} the {label}"
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = (
                    f"The {label} must be {field.max_length} characters or fewer"
                )
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if self.layout:
            self.helper.layout = Layout(*self.layout)

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str) and _CONTROL_CHARS.search(value):
                self.add_error(
                    name,
                    "Remove the hidden control characters (they can come from copying and pasting)",
                )
        return cleaned


def _not_future(value, label):
    if value and value > timezone.localdate():
        raise ValidationError(f"The {label} cannot be in the future")
    return value


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# Recommendation ----------------------------------------------------------------------------


class RecommendationCreateForm(GdsForm):
    kinds = forms.MultipleChoiceField(
        label="Which requirements do you propose?",
        choices=RequirementKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Combined orders (MHTR with DRR or ATR) are encouraged.",
    )
    notes = forms.CharField(
        label="Summary for the court (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    layout = (Field.checkboxes("kinds", legend_size=Size.MEDIUM), Field.textarea("notes"))

    def clean_kinds(self):
        kinds = self.cleaned_data["kinds"]
        if set(RequirementKind.mhtr()) <= set(kinds):
            raise ValidationError(
                "Propose either a primary-care or a secondary-care MHTR, not both"
            )
        return kinds


class ChecklistForm(GdsForm):
    """One proposed requirement: each criterion met or not with evidence, and consent."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    provider = forms.ModelChoiceField(
        label="Proposed treatment provider", queryset=Team.objects.none(), required=False
    )
    duration_months = forms.IntegerField(
        label="Proposed duration in months", min_value=1, max_value=36, required=False
    )
    consent_given = forms.BooleanField(
        label="The person has said they are willing to comply with this requirement",
        required=False,
    )

    def __init__(self, *args, checklist_row: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers()
        self.fields["duration_months"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields["duration_months"].error_messages.update(
            {
                "min_value": "The duration must be between 1 and 36 months",
                "max_value": "The duration must be between 1 and 36 months",
                "invalid": "Enter the duration as a whole number of months",
            }
        )
        self.criteria = []
        for entry in checklist_row["criteria"]:
            criterion, row = entry["criterion"], entry["row"]
            met_name, evidence_name = f"met_{criterion.code}", f"evidence_{criterion.code}"
            self.fields[met_name] = forms.ChoiceField(
                label=criterion.text,
                choices=YES_NO_UNSURE,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[evidence_name] = forms.CharField(
                label="Evidence",
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
            )
            if row is not None and not self.is_bound:
                self.initial[met_name] = {True: "yes", False: "no"}.get(row.met, "")
                self.initial[evidence_name] = row.evidence
            self.criteria.append(
                {
                    "criterion": criterion,
                    "met": self[met_name],
                    "evidence": self[evidence_name],
                    "suggestions": entry["suggestions"],
                }
            )

    def clean(self):
        cleaned = super().clean()
        for entry in self.criteria:
            code = entry["criterion"].code
            if (
                cleaned.get(f"met_{code}") == "yes"
                and not cleaned.get(f"evidence_{code}", "").strip()
            ):
                self.add_error(
                    f"evidence_{code}",
                    f"Give the evidence that this criterion is met: "
                    f"{_lower_first(entry['criterion'].text)}",
                )
        return cleaned

    def answers(self) -> dict:
        met = {"yes": True, "no": False}
        return {
            entry["criterion"].code: (
                met.get(self.cleaned_data.get(f"met_{entry['criterion'].code}")),
                self.cleaned_data.get(f"evidence_{entry['criterion'].code}", ""),
            )
            for entry in self.criteria
        }


# Court outcome ---------------------------------------------------------------------------


class CourtOutcomeForm(GdsForm):
    hearing_date = date_field("Hearing date")
    court = forms.ModelChoiceField(label="Court", queryset=Site.objects.none())
    outcome = forms.ChoiceField(
        label="What did the court decide?", choices=HearingOutcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Reason or details",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when no order was made or the court chose another disposal",
    )
    order_type = forms.ChoiceField(
        label="Type of order", choices=OrderType.choices, required=False, widget=forms.RadioSelect
    )
    start_date = date_field("Order start date", required=False)
    end_date = date_field(
        "Order end date", required=False, hint="No more than 3 years after the order is made"
    )
    responsible_officer = forms.ModelChoiceField(
        label="Responsible probation officer", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, proposed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = Site.objects.filter(
            kind__in=[SiteKind.MAGISTRATES_COURT, SiteKind.CROWN_COURT], is_active=True
        ).order_by("name")
        self.fields["responsible_officer"].queryset = User.objects.filter(
            role=Role.PROBATION_OFFICER, is_active=True, team__isnull=False
        ).select_related("team")
        self.fields["responsible_officer"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.team})"
        )
        self.requirement_rows = []
        for proposed_requirement in proposed:
            kind = proposed_requirement.kind
            self.fields[f"made_{kind}"] = forms.BooleanField(
                label=f"The court made the {_lower_first(proposed_requirement.get_kind_display())}",
                required=False,
            )
            self.fields[f"length_{kind}"] = forms.IntegerField(
                label=f"{proposed_requirement.short_label} length in months",
                min_value=1,
                max_value=36,
                required=False,
                initial=proposed_requirement.duration_months,
            )
            self.fields[f"length_{kind}"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
            self.fields[f"provider_{kind}"] = forms.ModelChoiceField(
                label=f"{proposed_requirement.short_label} treatment provider",
                queryset=providers(),
                required=False,
                initial=proposed_requirement.provider_id,
            )
            self.requirement_rows.append(
                {
                    "proposed": proposed_requirement,
                    "made": self[f"made_{kind}"],
                    "length": self[f"length_{kind}"],
                    "provider": self[f"provider_{kind}"],
                }
            )

    def clean_hearing_date(self):
        return _not_future(self.cleaned_data["hearing_date"], "hearing date")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") != HearingOutcome.ORDER_MADE:
            return cleaned
        for name, message in [
            ("order_type", "Select the type of order"),
            ("start_date", "Enter the order start date"),
            ("end_date", "Enter the order end date"),
            ("responsible_officer", "Select the responsible probation officer"),
        ]:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        made = [row for row in self.requirement_rows if cleaned.get(row["made"].name)]
        if not made and self.requirement_rows:
            self.add_error(
                self.requirement_rows[0]["made"].name,
                "Select at least one requirement the court made",
            )
        for row in made:
            kind = row["proposed"].kind
            if not cleaned.get(f"length_{kind}") and f"length_{kind}" not in self.errors:
                self.add_error(f"length_{kind}", f"Enter the {row['proposed'].short_label} length")
            if not cleaned.get(f"provider_{kind}"):
                self.add_error(
                    f"provider_{kind}", f"Select the {row['proposed'].short_label} provider"
                )
        return cleaned

    def order_data(self):
        data = self.cleaned_data
        return {
            "order_type": data["order_type"],
            "made_on": data["hearing_date"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "responsible_officer": data["responsible_officer"],
        }

    def requirements(self):
        return [
            {
                "kind": row["proposed"].kind,
                "length_months": self.cleaned_data[f"length_{row['proposed'].kind}"],
                "provider": self.cleaned_data[f"provider_{row['proposed'].kind}"],
            }
            for row in self.requirement_rows
            if self.cleaned_data.get(row["made"].name)
        ]


# Appointments ----------------------------------------------------------------------------


class AppointmentForm(GdsForm):
    date = date_field("Date")
    time = time_field("Time")
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


class RescheduleForm(GdsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    date = date_field("New date")
    time = time_field("New time")
    reason = forms.CharField(
        label="Why it is being moved", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    layout = (Field("version"), Field("date"), Field("time"), Field.textarea("reason"))

    def starts_at(self):
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        )


class AppointmentOutcomeForm(GdsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=[c for c in AppointmentOutcome.choices if c[0] != AppointmentOutcome.RESCHEDULED],
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
        label="Notes (optional)",
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == AppointmentOutcome.ACCEPTABLE_ABSENCE:
            if not cleaned.get("excuse", "").strip():
                self.add_error("excuse", "Enter the person's excuse for the absence")
            if not cleaned.get("evidence", "").strip():
                self.add_error("evidence", "Enter the evidence that supports the excuse")
        return cleaned


# Enforcement -----------------------------------------------------------------------------


class EnforcementForm(GdsForm):
    action = forms.ChoiceField(
        label="What action are you taking?",
        choices=EnforcementAction.choices,
        widget=forms.RadioSelect,
    )
    action_on = date_field("Date of the action")
    details = forms.CharField(
        label="Details for the breach report (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed
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


class BreachOutcomeForm(GdsForm):
    outcome = forms.ChoiceField(
        label="What did the court decide?",
        choices=[c for c in BreachOutcome.choices if c[0] != BreachOutcome.PENDING],
        widget=forms.RadioSelect,
    )
    outcome_on = date_field("Date of the decision")
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
        Field.textarea("notes"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
            ]:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return cleaned


# DRR, measures, completion ----------------------------------------------------------------


class DrugTestForm(GdsForm):
    requirement = forms.ModelChoiceField(label="Requirement", queryset=None)
    tested_on = date_field("Date of the test")
    substances = forms.CharField(
        label="Substances tested for",
        max_length=200,
        help_text="For example, opiates, cocaine, cannabis",
    )
    result = forms.ChoiceField(
        label="Result", choices=DrugTestResult.choices, widget=forms.RadioSelect
    )
    positive_for = forms.CharField(
        label="Positive for (if positive)", max_length=200, required=False
    )
    layout = (
        Field.select("requirement"),
        Field("tested_on"),
        Field.text("substances"),
        Field.radios("result", legend_size=Size.SMALL, inline=True),
        Field.text("positive_for"),
    )

    def __init__(self, *args, drr_requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = drr_requirements

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") == DrugTestResult.POSITIVE and not cleaned.get("positive_for"):
            self.add_error("positive_for", "Enter the substances the test was positive for")
        return cleaned


class ReviewForm(GdsForm):
    requirement = forms.ModelChoiceField(label="Requirement", queryset=None)
    review_date = date_field("Review hearing date")
    layout = (Field.select("requirement"), Field("review_date"))

    def __init__(self, *args, drr_requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = drr_requirements


class ProgressReportForm(GdsForm):
    progress_report = forms.CharField(
        label="Progress report for the court",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Test results since the last review and the treatment provider's view",
    )
    layout = (Field.textarea("progress_report"),)


class OutcomeMeasureForm(GdsForm):
    stage = forms.ChoiceField(
        label="Stage of the order", choices=MeasureStage.choices, widget=forms.RadioSelect
    )
    measured_on = date_field("Date completed")
    layout = (Field.radios("stage", legend_size=Size.SMALL, inline=True), Field("measured_on"))

    def clean_measured_on(self):
        return _not_future(self.cleaned_data["measured_on"], "date completed")


class TerminationForm(GdsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label="Why did the order end?", choices=TerminationReason.choices, widget=forms.RadioSelect
    )
    terminated_on = date_field("Date the order ended")
    notes = forms.CharField(
        label="Notes",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the reason is 'Other'",
    )
    layout = (
        Field("version"),
        Field.radios("reason", legend_size=Size.MEDIUM),
        Field("terminated_on"),
        Field.textarea("notes"),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == TerminationReason.OTHER
            and not cleaned.get("notes", "").strip()
        ):
            self.add_error("notes", "Describe why the order ended")
        return cleaned


class ReoffendingForm(GdsForm):
    kind = forms.ChoiceField(
        label="What happened?", choices=ReoffendingKind.choices, widget=forms.RadioSelect
    )
    occurred_on = date_field("Date")
    notes = forms.CharField(
        label="Notes (optional)",
        max_length=255,
        required=False,
        help_text="No names: for example, the offence group",
    )
    layout = (
        Field.radios("kind", legend_size=Size.SMALL, inline=True),
        Field("occurred_on"),
        Field.text("notes"),
    )

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data["occurred_on"], "date")


class ReoffendingCheckForm(GdsForm):
    checked_on = date_field("Date checked")
    layout = (Field("checked_on"),)

    def clean_checked_on(self):
        return _not_future(self.cleaned_data["checked_on"], "date checked")
