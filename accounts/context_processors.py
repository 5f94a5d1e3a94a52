from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from .enums import Role

# (label, url name, roles that see it). Order is the order on screen.
NAVIGATION = [
    ("My work", "referrals:my_work", {Role.PRACTITIONER, Role.TEAM_LEAD}),
    ("Referrals", "referrals:referral_list", {Role.PRACTITIONER, Role.TEAM_LEAD}),
    ("New referral", "referrals:intake", {Role.PRACTITIONER, Role.TEAM_LEAD}),
    (
        "Caseload",
        "treatment_requirements:caseload",
        {Role.PROBATION_OFFICER, Role.PROVIDER_CLINICIAN},
    ),
    ("Dashboards", "reporting:dashboard", {Role.COMMISSIONER, Role.TEAM_LEAD}),
    ("Audit trail", "accounts:audit_search", {Role.ADMINISTRATOR}),
    ("Users and teams", "accounts:admin_user_list", {Role.ADMINISTRATOR}),
]


def navigation(request):
    """The service navigation: the links the signed-in user's role sees."""
    return {"navigation": _navigation(request)}


@cache
def _role_links(role, script_prefix) -> tuple[tuple[str, str], ...]:
    """(label, url) of the items a role sees: reversed once per role, not on every page."""
    return tuple(
        (label, reverse(url_name)) for label, url_name, roles in NAVIGATION if role in roles
    )


def _navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [
        {"label": label, "url": url, "active": False}
        for label, url in _role_links(user.role, get_script_prefix())
    ]
    # Only the closest match is current: /referrals/new/ is "New referral", not "Referrals" too.
    matches = [i for i in items if request.path.startswith(i["url"]) and i["url"] != "/"]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items


def session_timeout(request):
    """The idle limit, for static/js/session-timeout.js (read from <body data-...>).

    The script counts the full limit from each page load. The server renews the session at
    most once per SESSION_TOUCH_INTERVAL_SECONDS (accounts.middleware.SessionTouchMiddleware),
    so it may end the session up to that interval before the script's count, never after it:
    the script never sends a user to "signed out" while the session lives, and its warning
    (two minutes before its count ends) still comes at least two minutes less that interval
    before the server ends the session.
    """
    return {"session_timeout_seconds": settings.SESSION_COOKIE_AGE}
