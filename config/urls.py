from django.contrib import admin
from django.urls import include, path

from api.urls import admin_urlpatterns as api_admin_urls
from core.views import accessibility_statement, healthz
from notifications.callbacks import notify_callback

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
    path("", include("notifications.person_urls")),
    # GOV.UK Notify's delivery receipts: a bearer token, no session (docs/security.md).
    path("notifications/notify/callback/", notify_callback, name="notify_callback"),
    path("calendar/", include("notifications.calendar_urls")),
    # The JSON API for custody and probation systems (docs/api.md): tokens, never sessions.
    path("api/v1/", include("api.urls")),
    path("", include((api_admin_urls, "api_admin"))),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("accessibility/", accessibility_statement, name="accessibility"),
]

# The service's own error pages (core.errors): what happened and what to do, nothing more.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
