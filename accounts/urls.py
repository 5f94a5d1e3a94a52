from django.urls import path

from . import views
from .administration import access_views
from .administration import views as administration

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
    path("account/password/", views.ChangePasswordView.as_view(), name="password_change"),
    path("account/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/set-up/", views.two_factor_enrol, name="two_factor_enrol"),
    path("account/sessions/", views.sessions_list, name="sessions"),
    path("account/sessions/<int:pk>/end/", views.session_end_view, name="session_end"),
    path("account/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("audit/", views.audit_search_view, name="audit_search"),
    path("audit/person/<int:person_id>/", views.audit_person, name="audit_person"),
    # The administrator's screens for staff accounts, teams and sites.
    path("administration/users/", administration.user_list, name="admin_user_list"),
    path("administration/users/new/", administration.user_create, name="admin_user_create"),
    path("administration/users/<int:pk>/", administration.user_detail, name="admin_user_detail"),
    path(
        "administration/users/<int:pk>/role-and-team/",
        administration.user_role_team,
        name="admin_user_role_team",
    ),
    path(
        "administration/users/<int:pk>/access/",
        administration.user_active,
        name="admin_user_active",
    ),
    path(
        "administration/users/<int:pk>/two-factor/requirement/",
        administration.user_two_factor_required,
        name="admin_user_two_factor_required",
    ),
    path(
        "administration/users/<int:pk>/two-factor/reset/",
        administration.user_two_factor_reset,
        name="admin_user_two_factor_reset",
    ),
    path(
        "administration/users/<int:pk>/sessions/end/",
        administration.user_sessions_end,
        name="admin_user_sessions_end",
    ),
    # Role and team changes giving clinical access, waiting for a second administrator.
    path(
        "administration/access-requests/",
        access_views.access_request_list,
        name="admin_access_request_list",
    ),
    path(
        "administration/access-requests/<int:pk>/",
        access_views.access_request_decide,
        name="admin_access_request_decide",
    ),
    path("administration/teams/", administration.team_list, name="admin_team_list"),
    path("administration/teams/new/", administration.team_create, name="admin_team_create"),
    path("administration/teams/<int:pk>/", administration.team_detail, name="admin_team_detail"),
    path(
        "administration/teams/<int:pk>/rename/",
        administration.team_rename,
        name="admin_team_rename",
    ),
    path(
        "administration/teams/<int:pk>/bank-holidays/",
        administration.team_bank_holidays,
        name="admin_team_bank_holidays",
    ),
    path(
        "administration/teams/<int:pk>/access/",
        administration.team_active,
        name="admin_team_active",
    ),
    path(
        "administration/teams/<int:pk>/sites/new/",
        administration.site_create,
        name="admin_site_create",
    ),
    path(
        "administration/teams/<int:pk>/sites/<int:site_pk>/rename/",
        administration.site_rename,
        name="admin_site_rename",
    ),
    path(
        "administration/teams/<int:pk>/sites/<int:site_pk>/access/",
        administration.site_active,
        name="admin_site_active",
    ),
]
