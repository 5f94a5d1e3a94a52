"""Forms for people, referrals, intake, search and the referral's actions, on the one form
base (core.forms, imported as `gov`): its messages name each field and its dates are one box
typed as people type them, inside each field's bounds.
"""

import datetime
import re
from itertools import groupby

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from accounts.enums import Role, TeamKind
from accounts.models import Team, User
from core import forms as gov
from core.forms import ShortModelChoiceField

from .enums import ClosureReason, ReferralSource, ReferralStatus
from .identifiers import (
    compact_identifier,
    validate_cro_number,
    validate_nhs_number,
    validate_pnc_id,
)
from .models import Ethnicity, Person, Referral, Vulnerability, postcode_district_validator
from .pathway import manual_move, move_refusal

MIN_AGE_YEARS = 10
MAX_AGE_YEARS = 110
# Nothing this service records was received before it existed.
FIRST_REFERRAL_DAY = datetime.date(2000, 1, 1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL_CHARS_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")


def latest_birth_day() -> datetime.date:
    """The last date of birth that gives an age of MIN_AGE_YEARS today."""
    return gov.today() - relativedelta(years=MIN_AGE_YEARS)


def earliest_birth_day() -> datetime.date:
    """The first date of birth that gives an age of MAX_AGE_YEARS or less today."""
    return gov.today() - relativedelta(years=MAX_AGE_YEARS + 1) + datetime.timedelta(days=1)


class DateOfBirthField(gov.GovDateField):
    """A date of birth within the service's age rule (MIN_AGE_YEARS to MAX_AGE_YEARS): the
    bounds also choose the century of a two-digit year ("3/9/88" is 1988)."""

    def __init__(self, **kwargs):
        super().__init__(
            earliest=earliest_birth_day,
            latest=latest_birth_day,
            earliest_message=f"Date of birth gives an age over {MAX_AGE_YEARS}: check the year",
            latest_message=f"Date of birth gives an age under {MIN_AGE_YEARS}: check the year",
            autocomplete="bday",
            **kwargs,
        )

    def validate(self, value):
        if value is not None and value > gov.today():
            raise ValidationError("Date of birth must be in the past", code="future")
        super().validate(value)


class ListDateField(gov.GovDateField):
    """A date filter of a list, from 2000 to today. Also reads 2026-08-24, the form other
    pages' links put in the address."""

    def __init__(self, **kwargs):
        super().__init__(earliest=FIRST_REFERRAL_DAY, latest=gov.today, required=False, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(self.error_messages["not_real"], code="not_real") from None
        return super().to_python(value)


def grouped_ethnicity_choices():
    rows = Ethnicity.objects.filter(is_active=True).order_by("sort_order", "name")
    choices = [("", "Select an ethnic group")]
    for group, items in groupby(rows, key=lambda e: e.group):
        choices.append((group, [(e.pk, e.name) for e in items]))
    return choices


class SiteSelect(forms.Select):
    """Each option carries its site kind, so static/js/intake.js can offer the right sites."""

    def __init__(self, attrs=None, choices=()):
        # crispy-forms-gds styles widgets by class name; this one is not "Select".
        super().__init__({"class": "govuk-select", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kind"] = instance.kind
        return option


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


def user_sites(team_id, *, keep=None):
    """The team's active sites, and the site `keep` (the record's own) whatever its team."""
    from django.db.models import Q

    from accounts.models import Site

    return Site.objects.filter(Q(team_id=team_id, is_active=True) | Q(pk=keep)).order_by("name")


def team_practitioners(team_id):
    return User.objects.filter(
        team_id=team_id, is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_LEAD]
    ).order_by("first_name", "last_name")


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


class ReferralSearchForm(gov.GovForm):
    """Name, NHS number or PNC ID. Posted, never put in a URL (see views.referral_list)."""

    q = forms.CharField(label="Search by name, NHS number or PNC ID", max_length=100, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.fields["q"].error_messages["required"] = "Enter a name, NHS number or PNC ID"

    def clean_q(self):
        text = self.cleaned_data["q"].strip()
        # Checked here: the base's own check in clean() comes after this turns text to a dict.
        if _CONTROL_CHARS_SINGLE_LINE.search(text):
            raise ValidationError(gov.CONTROL_CHARS_MESSAGE, code="control_characters")
        compact = compact_identifier(text)  # any script's digits, as ASCII
        if re.fullmatch(r"[0-9]{10}", compact):
            return {"kind": "nhs_number", "value": validate_nhs_number(compact)}
        if re.fullmatch(r"[0-9]{2,4}/[0-9]{1,7}[A-Z]", compact):
            return {"kind": "pnc_id", "value": validate_pnc_id(compact)}
        if re.search(r"[0-9]", compact):
            raise ValidationError(
                "Enter a name, a 10-digit NHS number or a PNC ID like 2008/0056560Z"
            )
        return {"kind": "name", "value": text}


# My work's queues, also a filter of the referral list (referrals.selectors.queue_q).
WORK_QUEUES = [
    ("assigned", "Assigned to me"),
    ("unassigned", "Unassigned in my team"),
    ("overdue", "Overdue for screening or assessment"),
    ("reoffending", "Reoffending checks due"),
]


class ReferralFilterForm(gov.GovForm):
    """Filters that hold no personal data, so they can live in the URL."""

    SORTS = [
        ("-received", "Received (newest first)"),  # first: the list's default order
        ("urgent", "Most urgent first"),  # My work's order: selectors.most_urgent_first
        ("received", "Received (oldest first)"),
        ("status", "Status"),
        ("name", "Family name"),
    ]

    queue = forms.ChoiceField(
        label="Work queue",
        choices=[("", "All referrals"), *WORK_QUEUES],
        required=False,
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("open", "Open (not closed)"), *ReferralStatus.choices],
        required=False,
    )
    source = forms.ChoiceField(
        choices=[("", "Any source"), *ReferralSource.choices], required=False
    )
    # By id or "none" (the team workload's links): a name never goes in the URL.
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    site = ShortModelChoiceField(queryset=None, required=False, empty_label="Any site")
    received_from = ListDateField(label="Received from")
    received_to = ListDateField(label="Received to")
    sort = forms.ChoiceField(choices=SORTS, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = user_sites(user.team_id)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("none", "Not assigned"),
            *((str(u.pk), u.display_name) for u in team_practitioners(user.team_id)),
        ]
        for name, words in (("received_from", "earliest"), ("received_to", "latest")):
            self.fields[name].error_name = f"the {words} date received"
            self.fields[name].error_label = f"{words.capitalize()} date received"
        self.fields["assignee"].error_name = "who it is assigned to"
        self.fields["sort"].error_name = "the order"
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error(
                "received_to",
                "Latest date received must be the same as or after the earliest date received",
            )
        return cleaned


class ReferralTransitionForm(gov.VersionForm):
    """Close an open referral or reopen a closed one (the only moves made by hand).

    Screened and assessed follow the screening and the signed assessment
    (referrals.pathway); a post asking for them gets the pathway's reason as an error.
    """

    to_status = forms.ChoiceField(label="Move to", choices=ReferralStatus.choices)
    closure_reason = forms.ChoiceField(
        label="Reason for closing",
        choices=[("", "Select a reason"), *ClosureReason.choices],
        required=False,
    )
    reason = forms.CharField(
        label="Notes", max_length=255, required=False, help_text="Required when reopening"
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        # The move this form makes: closed, or the state the referral reopens to.
        self.move = manual_move(
            referral.status, screened_at=referral.screened_at, assessed_at=referral.assessed_at
        )
        self.fields["version"].initial = referral.version
        self.fields["to_status"].error_messages.update(
            required="Select the new status",
            invalid_choice="Select close or reopen",
        )

    @property
    def is_reopen(self) -> bool:
        return self.referral.status == ReferralStatus.CLOSED

    def clean_to_status(self):
        to_status = self.cleaned_data["to_status"]
        refusal = move_refusal(
            self.referral.status,
            to_status,
            screened_at=self.referral.screened_at,
            assessed_at=self.referral.assessed_at,
        )
        if refusal:
            raise ValidationError(refusal)
        return to_status

    def clean(self):
        cleaned = super().clean()
        to_status = cleaned.get("to_status")
        if to_status == ReferralStatus.CLOSED and not cleaned.get("closure_reason"):
            self.add_error("closure_reason", "Select why the referral is being closed")
        if self.is_reopen and to_status and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Enter why the referral is being reopened")
        return cleaned


class ReferralBulkAllocateForm(gov.GovForm):
    """The referral list's "Allocate selected": ticked referrals to one practitioner."""

    referrals = forms.TypedMultipleChoiceField(coerce=int, label="Referrals")
    assigned_to = forms.ModelChoiceField(
        queryset=None, label="Allocate selected to", empty_label="Choose a practitioner"
    )

    def __init__(self, *args, team_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrals"].error_messages["required"] = "Select the referrals to allocate"
        self.fields["assigned_to"].error_messages.update(
            required="Choose who to allocate the selected referrals to",
            invalid_choice="Choose an active practitioner of your team",
        )
        self.fields["assigned_to"].queryset = team_practitioners(team_id)
        self.fields["assigned_to"].label_from_instance = lambda user: user.display_name
        # Any id is accepted here; the view loads them through the policy (all or none).
        self.fields["referrals"].valid_value = gov.is_record_id


class ReferralAssignForm(gov.VersionForm):
    assigned_to = forms.ModelChoiceField(
        queryset=None, required=False, label="Assign to", empty_label="Nobody (unassign)"
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = team_practitioners(referral.team_id)
        self.fields["assigned_to"].initial = referral.assigned_to_id
        self.fields["assigned_to"].error_name = "who to assign it to"
        self.name_fields()
        self.fields["version"].initial = referral.version


def transfer_teams(current_team_id):
    """Active L&D teams a referral of `current_team_id` can move to."""
    return (
        Team.objects.filter(kind=TeamKind.LIAISON_DIVERSION, is_active=True)
        .exclude(pk=current_team_id)
        .order_by("name")
    )


class _PractitionerChoice(ShortModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}, {obj.team.name}"


class ReferralTransferForm(gov.VersionForm):
    """Move a referral to another L&D team (services.referral_transfer checks it again)."""

    team = ShortModelChoiceField(
        queryset=None, label="Team to transfer it to", empty_label="Choose a team"
    )
    assignee = _PractitionerChoice(
        queryset=None,
        required=False,
        label="Practitioner in that team (optional)",
        empty_label="Nobody yet: the team's leads allocate it",
        help_text="Only practitioners of the team you choose above",
    )
    reason = forms.CharField(
        label="Why is the referral moving to another team?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the person was moved to a custody suite the other team covers",
    )

    layout = (
        Field.select("team"),
        Field.select("assignee"),
        Field.textarea("reason"),
        Field("version"),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        teams = transfer_teams(referral.team_id)
        self.fields["team"].queryset = teams
        self.fields["assignee"].queryset = (
            User.objects.filter(
                team__in=teams, is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_LEAD]
            )
            .select_related("team")
            .order_by("team__name", "first_name", "last_name", "id")
        )
        self.fields["version"].initial = referral.version
        self.fields["reason"].error_name = "why the referral is moving to another team"
        self.fields["reason"].error_label = "Reason"
        self.name_fields()
        self.fields["team"].error_messages.update(
            required="Choose the team to transfer the referral to",
            invalid_choice="Choose an active Liaison & Diversion team other than this one",
        )
        self.fields["assignee"].error_messages["invalid_choice"] = (
            "Choose an active practitioner of the team it is moving to"
        )

    def clean(self):
        cleaned = super().clean()
        team, assignee = cleaned.get("team"), cleaned.get("assignee")
        if team and assignee and assignee.team_id != team.pk:
            self.add_error(
                "assignee", "Choose a practitioner of the team it is moving to, or nobody"
            )
        return cleaned
