from django.contrib import admin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Delivery state for support staff; the wording holds references, never names."""

    list_display = ["kind", "due_on", "recipient", "email_state", "attempts", "created_at"]
    list_filter = ["kind", "email_state"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
