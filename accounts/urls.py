from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
    path("account/password/", views.ChangePasswordView.as_view(), name="password_change"),
    path("account/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/set-up/", views.two_factor_enrol, name="two_factor_enrol"),
    path("audit/", views.audit_search_view, name="audit_search"),
    path("audit/person/<int:person_id>/", views.audit_person, name="audit_person"),
]
