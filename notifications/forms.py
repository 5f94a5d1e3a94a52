from crispy_forms_gds.layout import Button, Layout

from accounts.enums import Role
from core.forms import GovModelForm

from .models import NotificationPreference

DASHBOARD_ROLES = {Role.COMMISSIONER, Role.TEAM_LEAD}
# Invites go to the officer responsible for an order (notifications.calendar_invites).
CALENDAR_ROLES = {Role.PROBATION_OFFICER}


class PreferenceForm(GovModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled", "daily_digest", "dashboard_updates", "calendar_invites"]
        help_texts = {
            "daily_digest": "One email at 08:30 instead of one email per reminder",
            "calendar_invites": (
                "An invite by email for each appointment of the orders you hold, moved when "
                "it is rescheduled and cancelled when it is withdrawn"
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        fields = ["email_enabled", "daily_digest"]
        if user.role in DASHBOARD_ROLES:
            fields.append("dashboard_updates")
        else:
            del self.fields["dashboard_updates"]
        if user.role in CALENDAR_ROLES:
            fields.append("calendar_invites")
        else:
            del self.fields["calendar_invites"]
        self.helper.layout = Layout(*fields, Button("save", "Save"))
