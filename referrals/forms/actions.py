"""The referral's own actions: close or reopen, assign, transfer to another team."""

from crispy_forms_gds.layout import Field
from django import forms
from django.core.exceptions import ValidationError

from accounts.enums import Role
from accounts.models import User
from core import forms as gov
from core.forms import ShortModelChoiceField

from ..enums import ClosureReason, ReferralStatus
from ..pathway import manual_move, move_refusal
from .fields import team_practitioners, transfer_teams


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
            User.objects.people()
            .filter(team__in=teams, is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_LEAD])
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
