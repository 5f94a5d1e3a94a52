from django.urls import path

from . import views

app_name = "treatment_requirements"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("all/", views.caseload_orders, name="caseload_orders"),
    path("all/reallocate/", views.orders_bulk_reallocate, name="orders_bulk_reallocate"),
    path("due/<slug:name>/", views.caseload_due, name="caseload_due"),
    path("week/", views.caseload_week, name="caseload_week"),
    path("week/due/<slug:name>/", views.caseload_week_due, name="caseload_week_due"),
    path("new-to-me/", views.caseload_new_to_me, name="caseload_new_to_me"),
    path("team-workload/", views.team_workload, name="team_workload"),
    path(
        "recommendations/new/<int:assessment_pk>/",
        views.recommendation_new,
        name="recommendation_new",
    ),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path(
        "recommendations/<int:pk>/requirements/<int:requirement_pk>/",
        views.requirement_checklist,
        name="requirement_checklist",
    ),
    path(
        "recommendations/<int:pk>/ready/", views.recommendation_ready, name="recommendation_ready"
    ),
    path(
        "recommendations/<int:pk>/print/", views.recommendation_print, name="recommendation_print"
    ),
    path(
        "recommendations/<int:pk>/court-outcome/",
        views.court_outcome_new,
        name="court_outcome_new",
    ),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/appointments/new/", views.appointment_new, name="appointment_new"),
    path(
        "<int:pk>/appointments/<int:appointment_pk>/outcome/",
        views.appointment_outcome,
        name="appointment_outcome",
    ),
    path(
        "<int:pk>/appointments/<int:appointment_pk>/reschedule/",
        views.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path("<int:pk>/failures/<int:failure_pk>/action/", views.failure_action, name="failure_action"),
    path("<int:pk>/warnings/<int:warning_pk>/letter/", views.warning_letter, name="warning_letter"),
    path("<int:pk>/breaches/<int:breach_pk>/outcome/", views.breach_outcome, name="breach_outcome"),
    path("<int:pk>/drug-tests/new/", views.drug_test_new, name="drug_test_new"),
    path("<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("<int:pk>/reviews/<int:review_pk>/report/", views.review_report, name="review_report"),
    path("<int:pk>/reviews/<int:review_pk>/held/", views.review_held, name="review_held"),
    path("<int:pk>/measures/new/", views.measure_new, name="measure_new"),
    path("<int:pk>/officer/", views.order_reallocate, name="order_reallocate"),
    path("<int:pk>/end/", views.order_terminate, name="order_terminate"),
    path("<int:pk>/end/check/", views.order_terminate_confirm, name="order_terminate_confirm"),
    # Reoffending follow-up belongs to the referral (with or without an order).
    path("referrals/<int:pk>/reoffending/new/", views.reoffending_new, name="reoffending_new"),
    path(
        "referrals/<int:pk>/reoffending/check/",
        views.reoffending_check,
        name="reoffending_check",
    ),
]
