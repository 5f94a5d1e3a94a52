"""Forms for the recommendation, its checklist and the court outcome."""

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError

from accounts.enums import Role, SiteKind
from accounts.models import Site, Team, User

from ..enums import (
    HearingOutcome,
    OrderType,
    RequirementKind,
)
from ._common import (
    GdsForm,
    _lower_first,
    _not_future,
    date_field,
    providers,
)

YES_NO_UNSURE = [("yes", "Met"), ("no", "Not met"), ("", "Not yet confirmed")]


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
