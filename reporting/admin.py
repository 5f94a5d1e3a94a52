from django.contrib import admin

from .models import AnonymisationLog, ReportingRun


@admin.register(ReportingRun)
class ReportingRunAdmin(admin.ModelAdmin):
    """Each overnight run: when it started and finished, rows written, any error."""

    list_display = [
        "snapshot_date",
        "trigger",
        "status",
        "started_at",
        "finished_at",
        "seconds",
        "rows_written",
    ]
    list_filter = ["status", "trigger"]
    date_hierarchy = "snapshot_date"
    readonly_fields = [f.name for f in ReportingRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AnonymisationLog)
class AnonymisationLogAdmin(admin.ModelAdmin):
    list_display = ["person_id", "referrals", "last_closed_at", "anonymised_at", "rule"]
    readonly_fields = [f.name for f in AnonymisationLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
