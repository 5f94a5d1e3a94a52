from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "L&D and CSTR administration"
admin.site.site_title = "L&D and CSTR administration"

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("referrals.urls")),
    path("assessments/", include("assessments.urls")),
    path("orders/", include("treatment_requirements.urls")),
    path("reporting/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
