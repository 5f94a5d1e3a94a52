from django.urls import path

from . import views

app_name = "risks"

urlpatterns = [
    path("people/<int:person_pk>/risk-register/", views.register, name="register"),
    path("people/<int:person_pk>/risk-register/raise/", views.flag_raise, name="flag_raise"),
    path("risk-flags/<int:pk>/review/", views.flag_review, name="flag_review"),
    path("risk-flags/<int:pk>/remove/", views.flag_remove, name="flag_remove"),
]
