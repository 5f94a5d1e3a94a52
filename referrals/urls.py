from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("my-work/", views.my_work, name="my_work"),
    path("my-work/new-to-me/", views.my_work_new_to_me, name="my_work_new_to_me"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.intake, name="intake"),
    path("referrals/allocate/", views.referral_bulk_allocate, name="referral_bulk_allocate"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/edit/", views.referral_edit, name="referral_edit"),
    path("referrals/<int:pk>/status/", views.referral_transition, name="referral_transition"),
    path("referrals/<int:pk>/assign/", views.referral_assign, name="referral_assign"),
    path("referrals/<int:pk>/transfer/", views.referral_transfer, name="referral_transfer"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/contact/", views.person_contact, name="person_contact"),
    path("people/<int:pk>/access/", views.record_access, name="record_access"),
    path(
        "people/<int:pk>/access/<int:entry_id>/remove/",
        views.record_access_remove,
        name="record_access_remove",
    ),
    path("people/<int:pk>/subject-access/", views.subject_access, name="subject_access"),
    path(
        "people/<int:pk>/subject-access/json/",
        views.subject_access_json,
        name="subject_access_json",
    ),
]
