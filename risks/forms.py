"""Forms for raising, reviewing and removing risk flags, on the one form base (core.forms).

The MAPPA and ROSH details are plain fields under the type; the service (risks.rules)
says which a type needs, and its errors land next to the field. The date boxes' bounds
are the rules' own, in the rules' words.
"""

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import GovDateField, GovForm, VersionForm

from . import rules
from .enums import MappaCategory, MappaLevel, RiskType, RoshLevel


def _next_review_field(**kwargs) -> GovDateField:
    return GovDateField(
        label="Next review date",
        earliest=rules.today,
        earliest_message=rules.NEXT_REVIEW_PAST,
        **kwargs,
    )


def _usual_intervals() -> str:
    return (
        "Leave blank for the usual interval: "
        + "; ".join(
            f"{RiskType(code).label.lower()} {months} month{'s' if months > 1 else ''}"
            for code, months in rules.REVIEW_MONTHS.items()
        )
        + f"; any other type {rules.DEFAULT_REVIEW_MONTHS} months"
    )


class RiskFlagRaiseForm(GovForm):
    risk_type = forms.ChoiceField(
        label="Type of risk", choices=RiskType.choices, widget=forms.RadioSelect
    )
    mappa_category = forms.TypedChoiceField(
        label="MAPPA category (MAPPA only)",
        choices=[("", "Not MAPPA"), *MappaCategory.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    mappa_level = forms.TypedChoiceField(
        label="MAPPA level (MAPPA only)",
        choices=[("", "Not MAPPA"), *MappaLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    rosh_level = forms.ChoiceField(
        label="ROSH level (ROSH only)",
        choices=[("", "Not ROSH"), *RoshLevel.choices],
        required=False,
    )
    raised_on = GovDateField(
        label="Date raised",
        earliest=rules.EARLIEST_DATE,
        latest=rules.today,
        earliest_message=rules.RAISED_ON_TOO_EARLY,
        latest_message=rules.RAISED_ON_FUTURE,
    )
    next_review_on = _next_review_field(required=False, help_text=_usual_intervals())
    note = forms.CharField(
        label="Note",
        max_length=rules.NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the risk is and what staff should do. Probation and treatment "
        "providers see the flag but not this note.",
    )
    layout = (
        Field.radios("risk_type", legend_size=Size.SMALL),
        Field.select("mappa_category"),
        Field.select("mappa_level"),
        Field.select("rosh_level"),
        Field("raised_on"),
        Field("next_review_on"),
        Field.textarea("note", max_characters=rules.NOTE_MAX_LENGTH),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in (
            ("mappa_category", "MAPPA category"),
            ("mappa_level", "MAPPA level"),
            ("rosh_level", "ROSH level"),
        ):
            self.fields[name].error_name = f"the {label}"
            self.fields[name].error_label = label
        self.name_fields()


class RiskFlagReviewForm(VersionForm):
    reviewed_on = GovDateField(
        label="Date of the review",
        earliest=rules.EARLIEST_DATE,
        latest=rules.today,
        earliest_message=rules.REVIEWED_ON_TOO_EARLY,
        latest_message=rules.REVIEWED_ON_FUTURE,
    )
    next_review_on = _next_review_field()
    note = forms.CharField(
        label="Review note",
        max_length=rules.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was checked and whether the flag still stands",
    )
    layout = (
        Field("reviewed_on"),
        Field("next_review_on"),
        Field.textarea("note", max_characters=rules.REASON_MAX_LENGTH),
        "version",
    )


class RiskFlagRemoveForm(VersionForm):
    reason = forms.CharField(
        label="Why is the flag being removed?",
        max_length=rules.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The flag and its history stay on the register, marked removed",
    )
    layout = (Field.textarea("reason", max_characters=rules.REASON_MAX_LENGTH), "version")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_name = "why the flag is being removed"
        self.fields["reason"].error_label = "The reason"
        self.name_fields()
