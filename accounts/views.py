import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import (
    audit_page,
    audit_request,
    audit_search,
    person_id_by_nhs_number,
    viewers_of_person,
)
from .enums import AuditAction, Role
from .forms import (
    AuditNhsNumberForm,
    AuditSearchForm,
    ChangePasswordForm,
    SignInForm,
    TwoFactorTokenForm,
)
from .middleware import LIFETIME_ENDED_QUERY, pending_two_factor_step, session_touch
from .models import UserSession
from .policy import Action, Kind, require
from .user_sessions import session_end, sessions_active, sessions_end

# Where each role starts after signing in.
ROLE_HOME = {
    Role.PRACTITIONER: "referrals:my_work",
    Role.TEAM_LEAD: "referrals:my_work",
    Role.PROBATION_OFFICER: "treatment_requirements:caseload",
    Role.PROVIDER_CLINICIAN: "treatment_requirements:caseload",
    Role.COMMISSIONER: "reporting:dashboard",
    Role.ADMINISTRATOR: "accounts:audit_search",
}
AUDIT_PAGE_SIZE = 50


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("accounts:home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            idle_limit=_duration(settings.SESSION_COOKIE_AGE),
            timed_out="timed_out" in self.request.GET,
            lifetime=_duration(settings.SESSION_ABSOLUTE_LIFETIME_SECONDS),
            lifetime_ended=LIFETIME_ENDED_QUERY in self.request.GET,
        )


def _duration(seconds):
    """'30 minutes', '12 hours', '90 seconds': as the settings give it, in words."""
    for size, unit in ((3600, "hour"), (60, "minute"), (1, "second")):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


@require_GET
def home(request):
    return redirect(ROLE_HOME[request.user.role])


@never_cache
@require_GET
def keep_alive(request):
    """Called by session-timeout.js when the user chooses to stay signed in.

    Renews the session's idle limit now, even within SESSION_TOUCH_INTERVAL_SECONDS.
    """
    session_touch(request, force=True)
    return JsonResponse({"idle_timeout_seconds": settings.SESSION_COOKIE_AGE})


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_request(
            self.request,
            action=AuditAction.CHANGE,
            obj=self.request.user,
            detail="password changed",
        )
        messages.success(self.request, "Your password has been changed")
        return response


# Your sessions -------------------------------------------------------------------------


@require_GET
def sessions_list(request):
    """Where the user is signed in now: this session and any other, each can be ended."""
    return render(
        request,
        "accounts/sessions.html",
        {"sessions": sessions_active(request.user), "current": request.session.session_key},
    )


@require_http_methods(["POST"])
def session_end_view(request, pk):
    """Sign out of one of one's own sessions (this one signs out here and now)."""
    user_session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if user_session.session_key == request.session.session_key:
        logout(request)
        return redirect("accounts:login")
    session_end(
        user_session=user_session, by=request.user, request=request, detail="session ended by user"
    )
    messages.success(request, "You have been signed out of that session")
    return redirect("accounts:sessions")


@require_http_methods(["POST"])
def sessions_end_others(request):
    """Sign out everywhere but here (a forgotten shared terminal, a lost phone)."""
    ended = sessions_end(request.user, keep=request.session.session_key)
    audit_request(
        request,
        action=AuditAction.SIGN_OUT,
        obj=request.user,
        detail=f"other sessions ended by user: {ended}",
    )
    if ended:
        messages.success(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}")
    else:
        messages.info(request, "You were not signed in anywhere else")
    return redirect("accounts:sessions")


# Audit trail (administrators only) ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def audit_search_view(request):
    """Search the audit trail by person number, username, action and dates (GET), or find
    a person's trail by NHS number (POST, so the number never appears in a URL)."""
    require(request, Action.VIEW, Kind.AUDIT)
    if request.method == "POST":
        return _audit_by_nhs_number(request)
    form = AuditSearchForm(request.GET or None)
    entries, next_before = [], None
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        events = audit_search(
            person_id=filters.get("person"),
            username=filters.get("user", ""),
            action=filters.get("action", ""),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
        entries, next_before = audit_page(
            events, before=_positive_int(request.GET.get("before")), size=AUDIT_PAGE_SIZE
        )
        audit_request(
            request,
            action=AuditAction.SEARCH,
            object_type="accounts.auditevent",
            person_id=filters.get("person"),
            detail="audit search: " + ", ".join(sorted(filters)) if filters else "audit search",
        )
    return render(
        request,
        "accounts/audit_search.html",
        {
            "form": form,
            "nhs_form": AuditNhsNumberForm(),
            "entries": entries,
            "searched": form.is_bound and form.is_valid(),
            "next_query": _next_page_query(request, next_before),
        },
    )


def _audit_by_nhs_number(request):
    nhs_form = AuditNhsNumberForm(request.POST)
    if nhs_form.is_valid():
        person_id = person_id_by_nhs_number(nhs_form.cleaned_data["nhs_number"])
        if person_id is not None:
            return redirect("accounts:audit_person", person_id=person_id)
        nhs_form.add_error("nhs_number", "No person with this NHS number is recorded")
    return render(
        request,
        "accounts/audit_search.html",
        {"form": AuditSearchForm(), "nhs_form": nhs_form, "entries": [], "searched": False},
        status=200,
    )


@require_GET
def audit_person(request, person_id):
    """Who looked at this person's record, and the trail of everything done to it."""
    require(request, Action.VIEW, Kind.AUDIT)
    viewers = list(viewers_of_person(person_id))
    entries, next_before = audit_page(
        audit_search(person_id=person_id),
        before=_positive_int(request.GET.get("before")),
        size=AUDIT_PAGE_SIZE,
    )
    audit_request(
        request,
        action=AuditAction.SEARCH,
        object_type="accounts.auditevent",
        person_id=person_id,
        detail="who viewed this person",
    )
    return render(
        request,
        "accounts/audit_person.html",
        {
            "person_id": person_id,
            "viewers": viewers,
            "entries": entries,
            "next_query": _next_page_query(request, next_before),
        },
    )


def _positive_int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _next_page_query(request, next_before):
    if next_before is None:
        return None
    query = request.GET.copy()
    query["before"] = next_before
    return query.urlencode()


# Two-factor sign-in ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of sign-in for users with an authenticator app."""
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:two_factor_enrol")
    if request.user.is_verified():
        return redirect("accounts:home")
    form = TwoFactorTokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            audit_request(
                request,
                action=AuditAction.SIGN_IN,
                detail="two-factor code accepted",
            )
            return redirect(_safe_next(request))
        audit_request(
            request,
            action=AuditAction.SIGN_IN_FAILED,
            detail="two-factor code rejected",
        )
        form.add_error("token", "The code is not right, or it has expired: enter the new code")
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Set up an authenticator app: show the secret, confirm with a first code."""
    if user_has_device(request.user, confirmed=True):
        if pending_two_factor_step(request):
            # Signed in with the password only: adding a device now would bypass the code.
            return redirect("accounts:two_factor_verify")
        messages.info(request, "Two-factor sign-in is already set up for your account")
        return redirect("accounts:home")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
    form = TwoFactorTokenForm(request.POST or None, submit="Confirm and continue")
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_request(
                request,
                action=AuditAction.CHANGE,
                obj=request.user,
                detail="two-factor sign-in set up",
            )
            messages.success(request, "Two-factor sign-in is set up")
            return redirect(_safe_next(request))
        form.add_error("token", "The code is not right: check the app shows this account")
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "secret": _grouped(base64.b32encode(device.bin_key).decode()),
            "otpauth_uri": device.config_url,
            "required": pending_two_factor_step(request) is not None,
        },
    )


def _grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:home")
