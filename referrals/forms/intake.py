"""Intake: the person (with their identifiers), the referral, and the decision on a likely
match."""

import datetime
import re

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from core import forms as gov

from ..enums import ReferralSource
from ..identifiers import validate_cro_number, validate_nhs_number, validate_pnc_id
from ..models import Person, Referral, Vulnerability, postcode_district_validator
from .fields import (
    FIRST_REFERRAL_DAY,
    DateOfBirthField,
    SiteSelect,
    grouped_ethnicity_choices,
    team_practitioners,
    user_sites,
)


class PersonForm(gov.GovModelForm):
    date_of_birth = DateOfBirthField(label="Date of birth", help_text="For example, 27/3/1990")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "other_names",
            "date_of_birth",
            "gender",
            "ethnicity",
            "nhs_number",
            "pnc_id",
            "cro_number",
            "postcode_district",
            "local_authority",
            "is_veteran",
            "is_care_leaver",
            "is_no_fixed_abode",
            "has_dependent_children",
            "needs_interpreter",
        ]
        labels = {
            "given_name": "Given name",
            "family_name": "Family name",
            "nhs_number": "NHS number",
            "pnc_id": "PNC ID",
            "cro_number": "CRO number",
        }
        help_texts = {
            "nhs_number": "10 digits, like 943 476 5919",
            "pnc_id": "Like 2008/0056560Z or 08/56560Z",
            "cro_number": "Like 265416/21G or SF05/482703J",
        }
        widgets = {"gender": forms.RadioSelect}

    layout = (
        Fieldset(
            Field.text("given_name", field_width=Fluid.ONE_HALF),
            Field.text("family_name", field_width=Fluid.ONE_HALF),
            Field.text("other_names", field_width=Fluid.TWO_THIRDS),
            "date_of_birth",  # by name: Field.text would drop the widget's govuk-input class
            Field.radios("gender", small=True, inline=False),
            Field.select("ethnicity"),
            legend="Person",
            legend_size=Size.MEDIUM,
        ),
        Fieldset(
            Field.text("nhs_number", field_width=10),
            Field.text("pnc_id", field_width=10),
            Field.text("cro_number", field_width=10),
            Field.text("postcode_district", field_width=5),
            Field.text("local_authority", field_width=Fluid.ONE_HALF),
            legend="Identifiers and address",
            legend_size=Size.SMALL,
        ),
        Fieldset(
            Field.checkbox("is_veteran", small=True),
            Field.checkbox("is_care_leaver", small=True),
            Field.checkbox("is_no_fixed_abode", small=True),
            Field.checkbox("has_dependent_children", small=True),
            Field.checkbox("needs_interpreter", small=True),
            legend="Flags",
            legend_size=Size.SMALL,
        ),
        "version",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Set by clean(): people who already hold an identifier typed here.
        self.identifier_duplicates: list[tuple[str, Person]] = []
        self.fields["ethnicity"].choices = grouped_ethnicity_choices()
        self.fields["gender"].choices = [c for c in self.fields["gender"].choices if c[0]]
        for name in ("nhs_number", "pnc_id", "cro_number", "postcode_district"):
            # People type spaces and short forms: allow room, the clean_ methods normalise.
            field = self.fields[name]
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
            field.validators.append(MaxLengthValidator(20))
            field.max_length = 20
            field.widget.attrs["maxlength"] = "20"
            self.fields[name].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.fields["nhs_number"].widget.attrs["inputmode"] = "numeric"
        self.fields["postcode_district"].help_text = "The first half only, like CB1 or SW1A"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.name_fields()  # again, for the length rule set above

    def clean_nhs_number(self):
        value = self.cleaned_data.get("nhs_number")
        return validate_nhs_number(value) if value else None

    def clean_pnc_id(self):
        value = self.cleaned_data.get("pnc_id")
        return validate_pnc_id(value) if value else None

    def clean_cro_number(self):
        value = self.cleaned_data.get("cro_number")
        return validate_cro_number(value) if value else None

    def clean_postcode_district(self):
        value = re.sub(r"\s", "", self.cleaned_data.get("postcode_district") or "").upper()
        if value:
            postcode_district_validator(value)
        return value

    def clean(self):
        cleaned = super().clean()
        for field in ("nhs_number", "pnc_id", "cro_number"):
            value = cleaned.get(field)
            if not value:
                continue
            existing = Person.objects.filter(**{field: value}).exclude(pk=self.instance.pk).first()
            if existing is not None:
                label = self.fields[field].label
                self.add_error(field, f"A person with this {label} is already recorded")
                self.identifier_duplicates.append((field, existing))
        return cleaned

    def validate_unique(self):
        # Identifier clashes are reported by clean() with a link; skip Django's duplicate text.
        exclude = self._get_validation_exclusions()
        exclude.update({"nhs_number", "pnc_id", "cro_number"})
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as exc:
            self._update_errors(exc)

    @property
    def person_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ReferralForm(gov.GovModelForm):
    received_date = gov.GovDateField(
        label="Date received", earliest=FIRST_REFERRAL_DAY, latest=gov.today
    )
    received_time = gov.GovTimeField(label="Time received")
    vulnerabilities = forms.ModelMultipleChoiceField(
        queryset=Vulnerability.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Vulnerabilities flagged",
        help_text="Select all that the referrer mentioned",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Referral
        fields = [
            "source",
            "site",
            "referrer_name",
            "referrer_role",
            "referrer_organisation",
            "case_reference",
            "offence_category",
            "reason",
            "urgency",
            "assigned_to",
        ]
        labels = {
            "site": "Custody suite or court",
            "referrer_name": "Referrer's name",
            "referrer_role": "Referrer's role",
            "referrer_organisation": "Referrer's organisation",
            "assigned_to": "Assign to",
        }
        help_texts = {
            # Needed by the character count, which describes itself next to the hint.
            "reason": "What the referrer saw or was told, in their words where possible",
        }
        widgets = {
            "site": SiteSelect,
            "urgency": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 5}),
        }

    layout = (
        Fieldset(
            Field.select("source"),
            Field.select("site"),
            "received_date",  # by name, as date_of_birth above
            "received_time",
            Field.text("case_reference", field_width=Fluid.ONE_HALF),
            legend="Where and when",
            legend_size=Size.MEDIUM,
        ),
        Fieldset(
            Field.text("referrer_name", field_width=Fluid.ONE_HALF),
            Field.select("referrer_role"),
            Field.text("referrer_organisation", field_width=Fluid.ONE_HALF),
            legend="Who referred",
            legend_size=Size.MEDIUM,
        ),
        Fieldset(
            Field.select("offence_category"),
            Field.textarea("reason", max_characters=4000),
            Field.checkboxes("vulnerabilities", small=True, legend_size=Size.SMALL),
            Field.radios("urgency", small=True, legend_size=Size.SMALL),
            Field.select("assigned_to"),
            legend="The concern",
            legend_size=Size.MEDIUM,
        ),
        "version",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        team_id = self.instance.team_id if self.instance.pk else user.team_id
        # A referral transferred from another team keeps the site where it was received.
        self.fields["site"].queryset = user_sites(team_id, keep=self.instance.site_id)
        self.fields["site"].empty_label = "Select a custody suite or court"
        self.fields["assigned_to"].queryset = team_practitioners(team_id)
        self.fields["assigned_to"].required = False
        self.fields["assigned_to"].error_name = "who to assign it to"
        self.fields["assigned_to"].empty_label = "Not assigned yet"
        self.fields["offence_category"].empty_label = "Not known or not applicable"
        self.fields["urgency"].choices = [c for c in self.fields["urgency"].choices if c[0]]
        self.fields["source"].choices = [("", "Select a source"), *ReferralSource.choices]
        self.fields["referrer_role"].choices = [
            ("", "Select a role"),
            *self.fields["referrer_role"].choices[1:],
        ]
        if self.instance.pk:
            local = timezone.localtime(self.instance.received_at)
            self.fields["received_date"].initial = local.date()
            self.fields["received_time"].initial = local.strftime("%H:%M")
            self.fields["vulnerabilities"].initial = list(
                self.instance.vulnerabilities.values_list("pk", flat=True)
            )
            self.fields["version"].initial = self.instance.version
        else:
            now = timezone.localtime()
            self.fields["received_date"].initial = now.date()
            self.fields["received_time"].initial = now.strftime("%H:%M")
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("received_date"), cleaned.get("received_time")
        if day and time:
            received = timezone.make_aware(datetime.datetime.combine(day, time))
            if received > timezone.now() + datetime.timedelta(minutes=5):
                # Only a time later today gets here: the date's own bounds stop later days.
                self.add_error("received_time", "Time received must be now or in the past")
            else:
                cleaned["received_at"] = received
                self.instance.received_at = received
        site, reference = cleaned.get("site"), (cleaned.get("case_reference") or "").strip()
        if site and reference:
            clash = Referral.objects.filter(site=site, case_reference__iexact=reference)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "case_reference",
                    "This custody record or court case number is already used for a referral "
                    "at this site",
                )
        return cleaned

    def _get_validation_exclusions(self):
        # The unique-per-site rule is reported next to the field by clean(); leaving it to
        # the model would repeat it as a general error.
        return {*super()._get_validation_exclusions(), "case_reference"}

    @property
    def referral_data(self) -> dict:
        skip = {"version", "vulnerabilities", "received_date", "received_time"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class MatchDecisionForm(gov.GovForm):
    """Shown when a likely match is found: use an existing person or confirm a new one."""

    NEW = "new"

    match_decision = forms.ChoiceField(label="Is this the same person?", widget=forms.RadioSelect)

    layout = (Field.radios("match_decision", legend_size=Size.SMALL),)

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["match_decision"]
        field.choices = [
            *[(str(p.pk), f"Use {p.full_name}, born {p.date_of_birth:%-d %B %Y}") for p in matches],
            (self.NEW, "No, this is a different person: record them as new"),
        ]
        message = "Select the existing person, or say this is someone new"
        field.error_messages.update(required=message, invalid_choice=message)
