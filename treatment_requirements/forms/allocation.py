"""Changing an order's responsible officer (services.order_reallocate checks it again)."""

from crispy_forms_gds.layout import Field
from django import forms

from accounts.enums import Role, TeamKind
from accounts.models import User
from core.forms import GovForm, VersionForm, is_record_id


def officers_to_receive(team_id, *, may_transfer: bool, holder_id=None):
    """Active probation officers who could take orders of the team: its own, and, for a
    user who may transfer orders, those of every other active probation team."""
    officers = (
        User.objects.people()
        .filter(
            is_active=True,
            role=Role.PROBATION_OFFICER,
            team__kind=TeamKind.PROBATION,
            team__is_active=True,
        )
        .exclude(pk=holder_id)
    )
    if not may_transfer:
        officers = officers.filter(team_id=team_id)
    return officers.select_related("team").order_by("team__name", "first_name", "last_name", "id")


class _OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}, {obj.team.name}"


class ReallocateForm(VersionForm):
    officer = _OfficerChoice(
        label="New responsible officer", queryset=None, empty_label="Choose an officer"
    )
    reason = forms.CharField(
        label="Why is the order changing officer?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, caseload balancing, or the person moved to another area",
    )
    layout = (Field("version"), Field.select("officer"), Field.textarea("reason"))

    def __init__(self, *args, order, may_transfer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_name = "why the responsible officer is changing"
        self.name_fields()
        self.fields["officer"].queryset = officers_to_receive(
            order.probation_team_id,
            may_transfer=may_transfer,
            holder_id=order.responsible_officer_id,
        )


class OrdersReallocateForm(GovForm):
    """The whole team's orders list: ticked orders (each "id:version") to one officer."""

    orders = forms.MultipleChoiceField(label="Orders")
    officer = _OfficerChoice(
        label="Hand selected orders to", queryset=None, empty_label="Choose an officer"
    )
    reason = forms.CharField(label="Why are they changing officer?", max_length=500)

    def __init__(self, *args, team_id, may_transfer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orders"].error_name = "the orders to hand over"
        self.fields["officer"].error_name = "who to hand the orders to"
        self.fields["reason"].error_name = "why the responsible officer is changing"
        self.name_fields()
        self.fields["officer"].error_messages["invalid_choice"] = (
            "Select an active probation officer of your team"
            if not may_transfer
            else "Select an active probation officer"
        )
        self.fields["officer"].queryset = officers_to_receive(team_id, may_transfer=may_transfer)
        self.fields["orders"].valid_value = _is_id_and_version

    def versions(self) -> dict[int, int]:
        pairs = (value.split(":") for value in self.cleaned_data["orders"])
        return {int(pk): int(version) for pk, version in pairs}


def _is_id_and_version(value) -> bool:
    pk, _, version = str(value).partition(":")
    return is_record_id(pk) and is_record_id(version)
