"""The administration site keeps what has no screen of its own: the per-role sign-in rules
and a read-only view of the audit trail. Users, teams and sites are managed on the
service's administration screens (accounts/administration/), which keep their history,
lock against two administrators editing at once and audit every change; the admin would
do none of that, so they are not registered here. Nor is anything that could change a
user's role, team, superuser or staff status, groups or permissions: a role that sees
people's records needs a second administrator's approval on those screens, and superuser
status is given only by `manage.py createsuperuser` on the server
(tests/accounts/test_access_requests.py posts to the admin to show it)."""

from django.contrib import admin

from .models import AuditEvent, RolePolicy


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin):
    """Per-role sign-in rules. Requiring two-factor sign-in reaches sessions already signed in
    at their next request (accounts.middleware.pending_two_factor_step)."""

    list_display = ["role", "require_two_factor"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only, in the admin as everywhere."""

    list_display = ["at", "username", "action", "object_type", "object_id", "person_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
