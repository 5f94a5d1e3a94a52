from django.conf import settings
from django.urls import reverse

from accounts.enums import Role

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
    ("Users and teams", "admin:index", {Role.ADMINISTRATOR}),
]


def service(request):
    return {"service_name": settings.LD_SERVICE_NAME, "navigation": _navigation(request)}


def _navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, url_name, roles in NAVIGATION:
        if user.role not in roles:
            continue
        items.append({"label": label, "url": reverse(url_name), "active": False})
    # Only the closest match is current: /referrals/new/ is "New referral", not "Referrals" too.
    matches = [i for i in items if request.path.startswith(i["url"]) and i["url"] != "/"]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
