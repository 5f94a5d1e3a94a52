"""Forms for DRR tests and reviews, outcome measures, ending and reoffending."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from ..enums import (
    DrugTestResult,
    MeasureStage,
    ReoffendingKind,
    TerminationReason,
)
from ._common import (
    GdsForm,
    _not_future,
    date_field,
)


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
    excuse_accepted = forms.ChoiceField(
        label="If refused or tampered with: did the person have an acceptable reason?",
        choices=[
            ("no", "No: it is an unacceptable failure to comply"),
            ("yes", "Yes: they had a reasonable excuse, with evidence"),
        ],
        required=False,
        widget=forms.RadioSelect,
        help_text="An unacceptable refusal or tampering opens enforcement action",
    )
    excuse = forms.CharField(
        label="The person's excuse (if acceptable)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = forms.CharField(
        label="Evidence supporting the excuse",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    layout = (
        Field.select("requirement"),
        Field("tested_on"),
        Field.text("substances"),
        Field.radios("result", legend_size=Size.SMALL, inline=True),
        Field.text("positive_for"),
        Field.radios("excuse_accepted", legend_size=Size.SMALL),
        Field.textarea("excuse"),
        Field.textarea("evidence"),
    )

    def __init__(self, *args, drr_requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = drr_requirements

    def clean(self):
        cleaned = super().clean()
        result = cleaned.get("result")
        if result == DrugTestResult.POSITIVE and not cleaned.get("positive_for"):
            self.add_error("positive_for", "Enter the substances the test was positive for")
        judged = {"yes": True, "no": False}.get(cleaned.get("excuse_accepted"))
        cleaned["excuse_accepted"] = judged if result in DrugTestResult.failures() else None
        if result in DrugTestResult.failures():
            if judged is None:
                self.add_error(
                    "excuse_accepted", "Select whether the person had an acceptable reason"
                )
            elif judged and not cleaned.get("excuse", "").strip():
                self.add_error("excuse", "Enter the person's excuse")
            elif judged and not cleaned.get("evidence", "").strip():
                self.add_error("evidence", "Enter the evidence that supports the excuse")
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


class ReviewHeldForm(GdsForm):
    no_report_reason = forms.CharField(
        label="Why was there no progress report before the review?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed only when no written report went to the court on or before the "
        "review date",
    )
    layout = (Field.textarea("no_report_reason"),)


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


class TerminationConfirmForm(GdsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    layout = (Field("version"),)


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
