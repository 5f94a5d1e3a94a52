"""Forms for the recommendation and its checklist."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Team
from core.forms import GovForm, VersionForm, lower_first

from ..enums import RequirementKind
from ._common import providers, require, without_asides

YES_NO_UNSURE = [("yes", "Met"), ("no", "Not met"), ("", "Not yet confirmed")]


class RecommendationCreateForm(GovForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].error_name = "the requirements you propose"
        without_asides(self)
        self.name_fields()

    def clean_kinds(self):
        kinds = self.cleaned_data["kinds"]
        if set(RequirementKind.mhtr()) <= set(kinds):
            raise ValidationError(
                "Propose either a primary-care or a secondary-care MHTR, not both"
            )
        return kinds


class ChecklistForm(VersionForm):
    """One proposed requirement: each criterion met or not with evidence, and consent."""

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
            }
        )
        self.criteria = []
        for number, entry in enumerate(checklist_row["criteria"], start=1):
            criterion, row = entry["criterion"], entry["row"]
            met_name, evidence_name = f"met_{criterion.code}", f"evidence_{criterion.code}"
            self.fields[met_name] = forms.ChoiceField(
                label=criterion.text,
                choices=YES_NO_UNSURE,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[met_name].error_name = f"whether criterion {number} is met"
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
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        for entry in self.criteria:
            code = entry["criterion"].code
            if cleaned.get(f"met_{code}") == "yes":
                require(
                    self,
                    f"evidence_{code}",
                    "Give the evidence that this criterion is met: "
                    f"{lower_first(entry['criterion'].text)}",
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
