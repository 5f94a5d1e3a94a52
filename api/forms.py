"""The administrators' forms for API clients."""

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.enums import TeamKind
from accounts.models import Team
from core import forms as gov

from .scopes import SCOPES, TEAM_SCOPES


class ClientCreateForm(gov.GovForm):
    name = forms.CharField(
        label="System's name", max_length=120, help_text="Like: Custody system, Anytown suite"
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), label="Team it works for", empty_label="Select a team"
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope, f"{scope}: {text}") for scope, text in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
        label="What it may do",
        help_text="Referrals for an L&D team; orders and appointments for a probation team",
    )

    layout = (
        Field.text("name", field_width=Fluid.TWO_THIRDS),
        Field.select("team"),
        Field.checkboxes("scopes", small=True, legend_size=Size.SMALL),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(
            is_active=True, kind__in=list(TEAM_SCOPES)
        ).order_by("name")
        self.name_fields()

    def clean(self):
        cleaned = super().clean()
        team, scopes = cleaned.get("team"), cleaned.get("scopes") or []
        if team is not None:
            wrong = [s for s in scopes if s not in TEAM_SCOPES.get(TeamKind(team.kind), ())]
            if wrong:
                self.add_error(
                    "scopes", f"A {team.get_kind_display()} client cannot hold {', '.join(wrong)}"
                )
        return cleaned
