from crispy_forms_gds.layout import Button, Layout

from accounts.enums import Role
from core.forms import GovModelForm

from .models import NotificationPreference

DASHBOARD_ROLES = {Role.COMMISSIONER, Role.TEAM_LEAD}


class PreferenceForm(GovModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_enabled", "daily_digest", "dashboard_updates"]
        help_texts = {
            "daily_digest": "One email at 08:30 instead of one email per reminder",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        fields = ["email_enabled", "daily_digest"]
        if user.role in DASHBOARD_ROLES:
            fields.append("dashboard_updates")
        else:
            del self.fields["dashboard_updates"]
        self.helper.layout = Layout(*fields, Button("save", "Save"))
