"""Forms of the administration screens (on the one form base, core.forms)."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import GovForm, GovModelForm, ShortModelChoiceField, VersionForm

from ..enums import BankHolidays, Role, SiteKind, TeamKind
from ..models import Site, Team, User

REASON_MAX_LENGTH = 500
ACTIVE, INACTIVE = "active", "inactive"


def _active_teams():
    return Team.objects.filter(is_active=True).order_by("name")


def _reason_field(label="Reason for the change"):
    return forms.CharField(
        label=label,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the history; do not write anything about the people in a case",
    )


class UserFilterForm(GovForm):
    """Filters of the user list (sent by GET: words, a role code, a team id, a state)."""

    q = forms.CharField(label="Name, username or email", required=False, max_length=100)
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any"), *Role.choices])
    team = ShortModelChoiceField(
        label="Team", required=False, queryset=Team.objects.order_by("name"), empty_label="Any"
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), (ACTIVE, "Active"), (INACTIVE, "Deactivated")],
    )
    layout = (
        Field.text("q"),
        Field.select("role"),
        Field.select("team"),
        Field.select("status"),
    )

    def active(self):
        """True, False or None (either) from the status filter."""
        return {ACTIVE: True, INACTIVE: False}.get(self.cleaned_data.get("status"))


class UserCreateForm(GovModelForm):
    team = ShortModelChoiceField(label="Team", queryset=Team.objects.none())
    # The second administrator reads it before approving an account that sees records.
    reason = _reason_field("Why they need an account")

    class Meta:
        model = User
        fields = ["first_name", "last_name", "username", "email", "job_title", "role", "team"]
        labels = {"email": "Email address", "job_title": "Job title (optional)"}

    layout = (
        Field.text("first_name", field_width=20),
        Field.text("last_name", field_width=20),
        Field.text("username", field_width=20),
        Field.text("email"),
        Field.text("job_title", field_width=20),
        Field.radios("role", legend_size=Size.SMALL),
        Field.select("team"),
        Field.textarea("reason", rows=3, max_characters=REASON_MAX_LENGTH),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].help_text = (
            "A role that sees people's records makes an account that cannot be used until "
            "another administrator approves it"
        )
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        self.fields["role"].widget = forms.RadioSelect(choices=Role.choices)
        self.fields["role"].choices = Role.choices
        self.fields["team"].queryset = _active_teams()
        self.fields["username"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.name_fields()


class UserRoleTeamForm(VersionForm):
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text="A role that sees people's records, or such a role in another team, "
        "applies only once another administrator approves it",
    )
    team = ShortModelChoiceField(label="Team", queryset=Team.objects.none())
    reason = _reason_field()
    layout = (
        Field.radios("role", legend_size=Size.SMALL),
        Field.select("team"),
        Field.textarea("reason", rows=3, max_characters=REASON_MAX_LENGTH),
        "version",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _active_teams()


class ReasonForm(VersionForm):
    """Confirm a change (deactivate, reactivate, two-factor) with the reason for it."""

    reason = _reason_field()
    layout = (Field.textarea("reason", rows=3, max_characters=REASON_MAX_LENGTH), "version")


class AccessDecisionForm(VersionForm):
    """Approve or reject another administrator's request for a role that sees records."""

    APPROVE, REJECT = "approve", "reject"
    APPROVE_LABELS = {
        False: "Approve: change the role and team now",
        True: "Approve: activate the account now",
    }
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, APPROVE_LABELS[False]), (REJECT, "Reject")],
        widget=forms.RadioSelect,
    )
    reason = _reason_field("Reason for your decision")
    layout = (
        Field.radios("decision", legend_size=Size.SMALL),
        Field.textarea("reason", rows=3, max_characters=REASON_MAX_LENGTH),
        "version",
    )

    def __init__(self, *args, activates=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(self.APPROVE, self.APPROVE_LABELS[activates]), (self.REJECT, "Reject")]
        self.fields["decision"].choices = choices


BANK_HOLIDAYS_LABEL = "Whose bank holidays the team works to"
BANK_HOLIDAYS_HINT = (
    "Appointments booked on them are warned about, and enforcement deadlines count working "
    "days without them"
)


class TeamCreateForm(GovModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "area", "bank_holidays"]
        labels = {
            "name": "Team name",
            "kind": "Kind of team",
            "area": "Area (optional)",
            "bank_holidays": BANK_HOLIDAYS_LABEL,
        }
        help_texts = {"bank_holidays": BANK_HOLIDAYS_HINT}

    layout = (
        Field.text("name"),
        Field.radios("kind", legend_size=Size.SMALL),
        Field.text("area", field_width=20),
        Field.radios("bank_holidays", legend_size=Size.SMALL),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.RadioSelect(choices=TeamKind.choices)
        self.fields["kind"].choices = TeamKind.choices
        self.fields["bank_holidays"].widget = forms.RadioSelect(choices=BankHolidays.choices)
        self.fields["bank_holidays"].choices = BankHolidays.choices
        self.fields["bank_holidays"].error_name = "whose bank holidays the team works to"
        self.fields["bank_holidays"].required = False

    def clean_bank_holidays(self):
        # Not chosen: England and Wales, as for every team before the choice existed.
        return self.cleaned_data.get("bank_holidays") or BankHolidays.ENGLAND_AND_WALES

    def validate_unique(self):
        """The service says when the name is taken, ignoring capitals."""


class TeamBankHolidaysForm(VersionForm):
    bank_holidays = forms.ChoiceField(
        label=BANK_HOLIDAYS_LABEL,
        choices=BankHolidays.choices,
        widget=forms.RadioSelect,
        help_text=BANK_HOLIDAYS_HINT,
    )
    reason = _reason_field()
    layout = (
        Field.radios("bank_holidays", legend_size=Size.SMALL),
        Field.textarea("reason", rows=3, max_characters=REASON_MAX_LENGTH),
        "version",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_holidays"].error_name = "whose bank holidays the team works to"


class RenameForm(VersionForm):
    name = forms.CharField(label="New name", max_length=120)
    reason = _reason_field()
    layout = (
        Field.text("name"),
        Field.textarea("reason", rows=3, max_characters=REASON_MAX_LENGTH),
        "version",
    )


class SiteCreateForm(GovModelForm):
    class Meta:
        model = Site
        fields = ["name", "kind"]
        labels = {"name": "Site name", "kind": "Kind of site"}

    layout = (Field.text("name"), Field.radios("kind", legend_size=Size.SMALL))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.RadioSelect(choices=SiteKind.choices)
        self.fields["kind"].choices = SiteKind.choices

    def validate_unique(self):
        """The service says when the team already has a site of that name."""
