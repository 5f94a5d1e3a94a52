"""The form for the court's decision, and the order and requirements it made."""

from django import forms

from accounts.enums import Role, SiteKind
from accounts.models import Site, User
from core.forms import GovDateField, GovForm, long_date, lower_first, today, years_ahead
from referrals.reoffending import received_on

from ..enums import HearingOutcome, OrderType, RequirementKind
from ._common import bound, providers

ORDER_DATES = ("start_date", "end_date", "operational_period_end")


def _order_dates_latest():
    """No order date this far ahead is meant (an order runs at most 3 years, with an
    extension of 6 months); nearer ones are left to Order.clean, which says the exact rule."""
    return years_ahead(5)


class CourtOutcomeForm(GovForm):
    hearing_date = GovDateField(label="Hearing date", latest=today)
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
    start_date = GovDateField(label="Order start date", required=False)
    end_date = GovDateField(
        label="Order end date",
        required=False,
        help_text="No more than 3 years after the order is made. For a suspended sentence "
        "order, the end of the supervision period",
    )
    operational_period_end = GovDateField(
        label="Operational period end date",
        required=False,
        help_text="Suspended sentence orders only: between 6 months and 2 years after the "
        "order is made",
    )
    responsible_officer = forms.ModelChoiceField(
        label="Responsible probation officer", queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, recommendation, proposed=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The hearing, and everything the court ordered, come after the referral that led
        # to the recommendation.
        self.referred_on = received_on(recommendation.referral.received_at)
        self.fields["outcome"].error_name = "what the court decided"
        self.fields["court"].queryset = Site.objects.filter(
            kind__in=[SiteKind.MAGISTRATES_COURT, SiteKind.CROWN_COURT], is_active=True
        ).order_by("name")
        self.fields["responsible_officer"].queryset = (
            User.objects.people()
            .filter(role=Role.PROBATION_OFFICER, is_active=True, team__isnull=False)
            .select_related("team")
        )
        self.fields["responsible_officer"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.team})"
        )
        self.requirement_rows = [self._row(p.kind, p) for p in proposed]
        proposed_kinds = {p.kind for p in proposed}
        # The court can make a requirement that was not recommended: the officer says why,
        # and records when the person said they were willing to comply.
        self.unproposed_rows = [
            self._row(kind, None) for kind in RequirementKind.values if kind not in proposed_kinds
        ]
        self._bound_dates()
        self.name_fields()

    def _row(self, kind, proposed_requirement):
        label = RequirementKind(kind).label
        short = RequirementKind.short_labels()[kind]
        recommended = proposed_requirement is not None
        self.fields[f"made_{kind}"] = forms.BooleanField(
            label=f"The court made the {lower_first(label)}"
            + ("" if recommended else " (not recommended)"),
            required=False,
        )
        self.fields[f"length_{kind}"] = forms.IntegerField(
            label=f"{short} length in months",
            min_value=1,
            max_value=36,
            required=False,
            initial=proposed_requirement.duration_months if recommended else None,
        )
        self.fields[f"length_{kind}"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields[f"length_{kind}"].error_messages.update(
            {
                "min_value": f"The {short} length must be between 1 and 36 months",
                "max_value": f"The {short} length must be between 1 and 36 months",
            }
        )
        self.fields[f"provider_{kind}"] = forms.ModelChoiceField(
            label=f"{short} treatment provider",
            queryset=providers(),
            required=False,
            initial=proposed_requirement.provider_id if recommended else None,
        )
        row = {
            "kind": kind,
            "short_label": short,
            "proposed": proposed_requirement,
            "made": self[f"made_{kind}"],
            "length": self[f"length_{kind}"],
            "provider": self[f"provider_{kind}"],
        }
        if not recommended:
            self.fields[f"not_proposed_reason_{kind}"] = forms.CharField(
                label=f"Why the court made the {short} although it was not recommended",
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"willing_on_{kind}"] = GovDateField(
                label=f"Date the person said they were willing to comply with the {short}",
                required=False,
            )
            row["reason"] = self[f"not_proposed_reason_{kind}"]
            row["willing_on"] = self[f"willing_on_{kind}"]
        return row

    def _bound_dates(self):
        """Every date on or after the referral; the hearing and the person's willingness
        by today, the order's own dates within the years an order may run."""
        for name, field in self.fields.items():
            if isinstance(field, GovDateField):
                bound(
                    field,
                    earliest=self.referred_on,
                    latest=_order_dates_latest if name in ORDER_DATES else today,
                    earliest_message=f"{field.label} must be on or after the referral, "
                    f"{long_date(self.referred_on)}",
                )

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
        if (
            cleaned.get("order_type") == OrderType.SUSPENDED_SENTENCE
            and not cleaned.get("operational_period_end")
            and "operational_period_end" not in self.errors
        ):
            self.add_error("operational_period_end", "Enter the operational period end date")
        rows = self.requirement_rows + self.unproposed_rows
        made = [row for row in rows if cleaned.get(row["made"].name)]
        if not made and rows:
            self.add_error(rows[0]["made"].name, "Select at least one requirement the court made")
        for row in made:
            self._clean_row(cleaned, row)
        return cleaned

    def _clean_row(self, cleaned, row):
        kind, short = row["kind"], row["short_label"]
        required = [
            (f"length_{kind}", f"Enter the {short} length"),
            (f"provider_{kind}", f"Select the {short} provider"),
        ]
        if row["proposed"] is None:
            required += [
                (
                    f"not_proposed_reason_{kind}",
                    f"Enter why the court made the {short}: it was not on the recommendation",
                ),
                (
                    f"willing_on_{kind}",
                    f"Enter the date the person said they were willing to comply with the {short}",
                ),
            ]
        for name, message in required:
            value = cleaned.get(name)
            if (not value or (isinstance(value, str) and not value.strip())) and (
                name not in self.errors
            ):
                self.add_error(name, message)

    def order_data(self):
        data = self.cleaned_data
        return {
            "order_type": data["order_type"],
            "made_on": data["hearing_date"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "operational_period_end": data["operational_period_end"],
            "responsible_officer": data["responsible_officer"],
        }

    def requirements(self):
        made = []
        for row in self.requirement_rows + self.unproposed_rows:
            kind = row["kind"]
            if not self.cleaned_data.get(row["made"].name):
                continue
            data = {
                "kind": kind,
                "length_months": self.cleaned_data[f"length_{kind}"],
                "provider": self.cleaned_data[f"provider_{kind}"],
            }
            if row["proposed"] is None:
                data["not_proposed_reason"] = self.cleaned_data[f"not_proposed_reason_{kind}"]
                data["willing_on"] = self.cleaned_data[f"willing_on_{kind}"]
            made.append(data)
        return made
