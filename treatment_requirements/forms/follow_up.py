"""Forms for DRR tests and reviews, outcome measures, ending and reoffending."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import GovDateField, GovForm, VersionForm, long_date, today

from ..enums import (
    DrugTestResult,
    MeasureStage,
    ReoffendingKind,
    TerminationReason,
)
from ._common import bound, require, without_asides


class DrugTestForm(GovForm):
    requirement = forms.ModelChoiceField(label="Requirement", queryset=None)
    tested_on = GovDateField(label="Date of the test", latest=today)
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

    def __init__(self, *args, order, drr_requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = drr_requirements
        self.fields["excuse_accepted"].error_name = "whether the person had an acceptable reason"
        _since_order_start(self.fields["tested_on"], order)
        without_asides(self)
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        result = cleaned.get("result")
        if result == DrugTestResult.POSITIVE:
            require(self, "positive_for", "Enter the substances the test was positive for")
        judged = {"yes": True, "no": False}.get(cleaned.get("excuse_accepted"))
        if result in DrugTestResult.failures():
            require(self, "excuse_accepted", "Select whether the person had an acceptable reason")
            if judged:
                require(self, "excuse", "Enter the person's excuse")
                require(self, "evidence", "Enter the evidence that supports the excuse")
        cleaned["excuse_accepted"] = judged if result in DrugTestResult.failures() else None
        return cleaned


class ReviewForm(GovForm):
    requirement = forms.ModelChoiceField(label="Requirement", queryset=None)
    review_date = GovDateField(label="Review hearing date")
    layout = (Field.select("requirement"), Field("review_date"))

    def __init__(self, *args, order, drr_requirements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = drr_requirements
        # A hearing is booked ahead, within the order (the service checks the requirement's
        # own dates and the month between reviews).
        bound(
            self.fields["review_date"],
            earliest=order.start_date,
            latest=order.end_date,
            earliest_message="Review hearing date must be on or after the start of the order, "
            f"{long_date(order.start_date)}",
            latest_message="Review hearing date must be on or before the end of the order, "
            f"{long_date(order.end_date)}",
        )
        self.name_fields()


class ProgressReportForm(GovForm):
    progress_report = forms.CharField(
        label="Progress report for the court",
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Test results since the last review and the treatment provider's view",
    )
    layout = (Field.textarea("progress_report"),)


class ReviewHeldForm(GovForm):
    no_report_reason = forms.CharField(
        label="Why was there no progress report before the review?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed only when no written report went to the court on or before the "
        "review date",
    )
    layout = (Field.textarea("no_report_reason"),)


class OutcomeMeasureForm(GovForm):
    stage = forms.ChoiceField(
        label="Stage of the order", choices=MeasureStage.choices, widget=forms.RadioSelect
    )
    measured_on = GovDateField(label="Date completed", latest=today)
    layout = (Field.radios("stage", legend_size=Size.SMALL, inline=True), Field("measured_on"))

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].error_name = "the stage of the order"
        _since_order_start(self.fields["measured_on"], order)
        self.name_fields()


class TerminationForm(VersionForm):
    reason = forms.ChoiceField(
        label="Why did the order end?", choices=TerminationReason.choices, widget=forms.RadioSelect
    )
    terminated_on = GovDateField(label="Date the order ended", latest=today)
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

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_name = "why the order ended"
        _since_order_start(self.fields["terminated_on"], order)
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == TerminationReason.OTHER:
            require(self, "notes", "Describe why the order ended")
        return cleaned


class TerminationConfirmForm(VersionForm):
    layout = (Field("version"),)


class ReoffendingForm(GovForm):
    kind = forms.ChoiceField(
        label="What happened?", choices=ReoffendingKind.choices, widget=forms.RadioSelect
    )
    occurred_on = GovDateField(label="Date", latest=today)
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

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        first, last = referral.reoffending_window
        within = (
            "Date of the re-arrest or reconviction must be within the 12 months beginning "
            f"with the referral, {long_date(first)} to {long_date(last)}"
        )
        bound(
            self.fields["occurred_on"],
            earliest=first,
            latest=last if last < today() else today,
            earliest_message=within,
            latest_message=within if last < today() else "",
            error_name="the date of the re-arrest or reconviction",
            error_label="Date of the re-arrest or reconviction",
        )
        without_asides(self)
        self.name_fields()


class ReoffendingCheckForm(GovForm):
    checked_on = GovDateField(label="Date checked", latest=today)
    layout = (Field("checked_on"),)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        due = referral.reoffending_check_due_on
        # referrals.reoffending: the check is done once the 12 months beginning with the
        # referral have ended, from the day after them.
        bound(
            self.fields["checked_on"],
            earliest=due,
            latest=today,
            earliest_message=f"Date checked must be on or after {long_date(due)}, when the 12 "
            "months beginning with the referral have ended",
        )
        self.name_fields()


def _since_order_start(field, order) -> None:
    """Something that happened under the order: from its start to today."""
    bound(
        field,
        earliest=order.start_date,
        latest=today,
        earliest_message=f"{field.label} must be on or after the start of the order, "
        f"{long_date(order.start_date)}",
    )
