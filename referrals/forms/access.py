"""Restricted records: naming staff on a person's exclusion or restriction list."""

from crispy_forms_gds.layout import Field
from django import forms

from accounts.enums import Role
from accounts.models import User
from accounts.policy import sees_clinical_records
from core import forms as gov
from core.forms import ShortModelChoiceField

from ..enums import RecordAccessKind
from ..models import RecordAccess


class _StaffChoice(ShortModelChoiceField):
    def label_from_instance(self, obj):
        team = obj.team.name if obj.team_id else "no team"
        return f"{obj.display_name}, {team}"


def _nameable_staff(person):
    """Active staff whose role sees people's records, not yet on either list."""
    roles = [role for role in Role.values if sees_clinical_records(role)]
    named = RecordAccess.objects.filter(person=person).values("user_id")
    return (
        User.objects.people()
        .filter(is_active=True, role__in=roles)
        .exclude(pk__in=named)
        .select_related("team")
        .order_by("team__name", "first_name", "last_name", "id")
    )


class RecordAccessAddForm(gov.GovForm):
    kind = forms.ChoiceField(
        label="What should this member of staff's access be?",
        choices=[
            (RecordAccessKind.EXCLUDED, "Exclude them: they must not see this person"),
            (
                RecordAccessKind.ALLOWED,
                "Restrict the record to named staff, and name them as one",
            ),
        ],
        widget=forms.RadioSelect,
    )
    user = _StaffChoice(queryset=None, label="Member of staff", empty_label="Choose someone")
    reason = forms.CharField(
        label="Why?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, they know the person outside work. Ids go in the audit "
        "trail; this reason is seen only by those who manage this record's access.",
    )

    layout = (Field.radios("kind"), Field.select("user"), Field.textarea("reason"))

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _nameable_staff(person)
        self.fields["kind"].error_name = "what their access should be"
        self.fields["user"].error_name = "a member of staff"
        self.fields["reason"].error_name = "why"
        self.name_fields()
