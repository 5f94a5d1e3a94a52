from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("referral/<int:referral_pk>/screening/", views.screening, name="screening"),
    path("referral/<int:referral_pk>/start/", views.assessment_start, name="assessment_start"),
    path("referral/<int:referral_pk>/autosave/<slug:step>/", views.autosave, name="autosave"),
    path("referral/<int:referral_pk>/consent/", views.consent_record, name="consent_record"),
    path("referral/<int:referral_pk>/onward/", views.onward_record, name="onward_record"),
    path("consent/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("onward/<int:pk>/outcome/", views.onward_outcome, name="onward_outcome"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/section/<slug:key>/", views.section, name="section"),
    path("<int:pk>/instrument/<slug:slug>/", views.instrument, name="instrument"),
    path(
        "<int:pk>/instrument/<slug:slug>/discard/",
        views.instrument_discard,
        name="instrument_discard",
    ),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/addendum/", views.addendum, name="addendum"),
    path("<int:pk>/summary/", views.summary, name="summary"),
]
