from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AuditEvent, RolePolicy, Site, Team, User


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "area"]
    inlines = [SiteInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    # Accessibility (axe, WCAG 2.2): Django's split date/time inputs have no labels and the
    # filter_horizontal widget puts aria-label on bare spans. Sign-in and joining dates are
    # facts, not settings; plain labelled multi-selects work with every assistive technology.
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Role and team", {"fields": ["role", "team", "job_title"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Role and team", {"fields": ["first_name", "last_name", "email", "role", "team"]}),
    ]


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin):
    """Per-role sign-in rules. A change applies from each user's next sign-in."""

    list_display = ["role", "require_two_factor"]
    list_editable = ["require_two_factor"]


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
