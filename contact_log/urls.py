from django.urls import path

from . import views

app_name = "contact_log"

urlpatterns = [
    path("person/<int:pk>/", views.contact_log, name="contact_log"),
    path("person/<int:pk>/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/", views.contact_detail, name="contact_detail"),
    path("<int:pk>/addendum/", views.contact_addendum, name="contact_addendum"),
    path("<int:pk>/in-error/", views.contact_in_error, name="contact_in_error"),
    path("<int:pk>/restrict/", views.contact_restrict, name="contact_restrict"),
    path("<int:pk>/review/", views.contact_review, name="contact_review"),
]
