"""Forms for raising, reviewing and removing risk flags (GOV.UK patterns, no script).

The MAPPA and ROSH details are plain fields under the type; the service (risks.rules)
says which a type needs, and its errors land next to the field.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from referrals.forms import CleanTextMixin, GovDateField

from . import rules
from .enums import MappaCategory, MappaLevel, RiskType, RoshLevel

DATE_HINT = "For example, 27 3 2026"


class _RiskForm(CleanTextMixin, forms.Form):
    layout: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tidy_fields()
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self.layout)


class RiskFlagRaiseForm(_RiskForm):
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
    raised_on = GovDateField(label="Date raised", help_text=DATE_HINT)
    next_review_on = GovDateField(
        label="Next review date",
        required=False,
        help_text="Leave blank for the usual interval: "
        + "; ".join(
            f"{RiskType(code).label.lower()} {months} month{'s' if months > 1 else ''}"
            for code, months in rules.REVIEW_MONTHS.items()
        )
        + f"; any other type {rules.DEFAULT_REVIEW_MONTHS} months",
    )
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


class RiskFlagReviewForm(_RiskForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reviewed_on = GovDateField(label="Date of the review", help_text=DATE_HINT)
    next_review_on = GovDateField(label="Next review date", help_text=DATE_HINT)
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


class RiskFlagRemoveForm(_RiskForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the flag being removed?",
        max_length=rules.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The flag and its history stay on the register, marked removed",
    )
    layout = (Field.textarea("reason", max_characters=rules.REASON_MAX_LENGTH), "version")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the flag is being removed"
