"""Administrators edit the coded reference lists here. People and referrals are deliberately
not registered: administrators see no clinical records (docs/domain.md "Who sees what")."""

from django.contrib import admin

from .models import Ethnicity, OffenceCategory, Vulnerability


class ReferenceDataAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        # Rows are referenced by records: retire them with is_active instead.
        return False


@admin.register(Ethnicity)
class EthnicityAdmin(ReferenceDataAdmin):
    list_display = ["name", "group", "code", "sort_order", "is_active"]
    list_filter = ["group", "is_active"]


admin.site.register(OffenceCategory, ReferenceDataAdmin)
admin.site.register(Vulnerability, ReferenceDataAdmin)
