"""Idle-timeout renewal, two-factor sign-in, no caching of private pages, and an audit entry
for every permission refusal.

SessionTouchMiddleware: renews the signed-in session's idle limit (SESSION_COOKIE_AGE) at most
once per SESSION_TOUCH_INTERVAL_SECONDS instead of rewriting the session row on every request.

SessionLifetimeMiddleware: a session ends SESSION_ABSOLUTE_LIFETIME_SECONDS after its sign-in,
however active; the user is signed out at their next request and told why on the sign-in page.

TwoFactorMiddleware: until a user who must use a second factor has done so, they reach only
the screens that let them do it (or sign out).
NoStoreMiddleware: nothing a signed-in user is shown, and no download, is kept by the browser or
a proxy (shared terminals in custody suites; the back button after signing out).
RefusalAuditMiddleware: a view that refuses with PermissionDenied outside accounts.policy
(a rule narrower than the policy, such as "only probation officers take enforcement
action") is audited too, so the trail holds every 403.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django_otp import user_has_device

from .enums import AuditAction
from .models import RolePolicy
from .user_sessions import session_seen

# When the session's idle limit was last renewed (Unix seconds): the row's expiry counts from it.
SESSION_TOUCHED_KEY = "accounts_session_touched_at"

# When the session signed in (Unix seconds): its absolute lifetime counts from it.
SESSION_STARTED_KEY = "accounts_session_started_at"
# The sign-in page's query when a session has reached its absolute lifetime.
LIFETIME_ENDED_QUERY = "session_ended"

# Set at sign-in (see accounts.signals), or at the first request after a requirement is
# switched on, so the check costs no query per request.
TWO_FACTOR_SESSION_KEY = "accounts_two_factor_step"
VERIFY = "verify"
ENROL = "enrol"

_STEP_URL = {VERIFY: "accounts:two_factor_verify", ENROL: "accounts:two_factor_enrol"}
_EXEMPT_VIEWS = {
    "accounts:two_factor_verify",
    "accounts:two_factor_enrol",
    "accounts:logout",
    "accounts:login",
    "accounts:keep_alive",
    "accessibility",
}


def must_use_two_factor(user) -> bool:
    """The user's own requirement, or their role's policy (read with the user on every request
    by accounts.backends; a query of its own only for a user loaded otherwise)."""
    if getattr(user, "two_factor_required", False):
        return True
    by_role = getattr(user, "role_requires_two_factor", None)
    if by_role is None:
        by_role = RolePolicy.requires_two_factor(user.role)
    return by_role


def two_factor_step(user) -> str | None:
    """What a user must do after their password: verify a code, enrol a device, or nothing."""
    if user_has_device(user, confirmed=True):
        return VERIFY
    if must_use_two_factor(user):
        return ENROL
    return None


def pending_two_factor_step(request) -> str | None:
    """The step this session still owes, or None once the user is verified (or needs none).

    Noted in the session at sign-in (accounts.signals). A requirement switched on since (the
    role's policy, or the user's own) is noted at the session's next request; a requirement to
    enrol that no longer applies is dropped.
    """
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    step = request.session.get(TWO_FACTOR_SESSION_KEY)
    required = must_use_two_factor(user)
    if step == ENROL and not required:
        del request.session[TWO_FACTOR_SESSION_KEY]
        return None
    if step is None and required:
        step = VERIFY if user_has_device(user, confirmed=True) else ENROL
        request.session[TWO_FACTOR_SESSION_KEY] = step
    return step


def session_touch(request, *, force: bool = False) -> None:
    """Renew the idle limit if the last renewal is older than the interval (or if forced).

    Marks the session modified, so SessionMiddleware saves it (a new expiry) with the response.
    A request without a session cookie, or whose session has expired, creates nothing.
    """
    session = request.session
    if session.session_key is None:  # no cookie: nothing to load
        return
    touched = session.get(SESSION_TOUCHED_KEY)  # loads the session
    if session.is_empty():  # the cookie of an expired or unknown session
        return
    now = int(time.time())
    if force or touched is None or now - touched >= settings.SESSION_TOUCH_INTERVAL_SECONDS:
        session[SESSION_TOUCHED_KEY] = now
        session_seen(session.session_key)  # "last used" on "Your sessions", as often


class SessionTouchMiddleware:
    """Place straight after Django's SessionMiddleware (with SESSION_SAVE_EVERY_REQUEST off).

    Saving the session on every request costs a row update and a commit per page. Renewing it
    once per interval ends an idle session between (limit - interval) and (limit) after the
    last request: never later than the limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session_touch(request)
        return self.get_response(request)


def session_lifetime_over(request) -> bool:
    """Whether this signed-in session has lived its absolute lifetime (at the second it
    reaches it, not a second later). A session signed in before the lifetime existed counts
    from its first request since."""
    started = request.session.get(SESSION_STARTED_KEY)
    now = int(time.time())
    if started is None:
        request.session[SESSION_STARTED_KEY] = now
        return False
    return now - started >= settings.SESSION_ABSOLUTE_LIFETIME_SECONDS


class SessionLifetimeMiddleware:
    """Place after Django's AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and session_lifetime_over(request):
            request.sign_out_reason = "session lifetime reached"  # for the audit entry
            logout(request)
            return redirect(f"{reverse('accounts:login')}?{LIFETIME_ENDED_QUERY}=1")
        return self.get_response(request)


class TwoFactorMiddleware:
    """Place after django_otp's OTPMiddleware and Django's LoginRequiredMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = pending_two_factor_step(request)
        if step is None:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _EXEMPT_VIEWS:
            return None
        target = reverse(_STEP_URL[step])
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        return redirect(target)


class NoStoreMiddleware:
    """Place straight after Django's AuthenticationMiddleware, so that it sees every response
    the pages below it give, error pages and redirects included.

    Public pages (sign-in, the accessibility statement, the health check; static files never
    get this far: WhiteNoise answers first) stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)  # a view may have signed the user in or out
        if (user is not None and user.is_authenticated) or response.has_header(
            "Content-Disposition"
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response


class RefusalAuditMiddleware:
    """Record a REFUSED audit entry for a PermissionDenied the access policy did not audit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PermissionDenied):
            return None
        if getattr(request, "refusal_audited", False):
            return None
        from .audit import audit_record

        request.refusal_audited = True
        match = request.resolver_match
        audit_record(
            action=AuditAction.REFUSED,
            user=request.user,
            object_type=match.view_name if match else "",
            detail=str(exception)[:255] or "permission denied",
            request=request,
        )
        return None  # Django still answers 403 as usual
