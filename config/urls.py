from django.contrib import admin
from django.urls import include, path

from core.views import healthz

admin.site.site_header = "L&D and CSTR administration"
admin.site.site_title = "L&D and CSTR administration"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("referrals.urls")),
    path("", include("risks.urls")),
    path("assessments/", include("assessments.urls")),
    path("orders/", include("treatment_requirements.urls")),
    path("contacts/", include("contact_log.urls")),
    path("", include("documents.urls")),
    path("reporting/", include("reporting.urls")),
    path("inbox/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]
