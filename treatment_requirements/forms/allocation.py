"""Changing an order's responsible officer (services.order_reallocate checks it again)."""

from crispy_forms_gds.layout import Field
from django import forms

from accounts.enums import Role, TeamKind
from accounts.models import User

from ._common import GdsForm


def officers_to_receive(order, *, may_transfer: bool):
    """Active probation officers who could take the order: its team's, and, for a user who
    may transfer orders, those of every other active probation team."""
    officers = User.objects.filter(
        is_active=True,
        role=Role.PROBATION_OFFICER,
        team__kind=TeamKind.PROBATION,
        team__is_active=True,
    ).exclude(pk=order.responsible_officer_id)
    if not may_transfer:
        officers = officers.filter(team_id=order.probation_team_id)
    return officers.select_related("team").order_by("team__name", "first_name", "last_name", "id")


class _OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}, {obj.team.name}"


class ReallocateForm(GdsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
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
        self.fields["reason"].error_messages["required"] = (
            "Enter why the responsible officer is changing"
        )
        self.fields["officer"].queryset = officers_to_receive(order, may_transfer=may_transfer)
