"""A user's signed-in sessions: recorded at sign-in, listed on "Your sessions", ended one at
a time or all but this one by the user, all at once by an administrator or by deactivation.

Ending a session deletes it from the session store, so its next request is signed out (and
sent to the sign-in page), and deletes its `UserSession` row. Every ending is audited with
ids only.
"""

import re

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.client_ip import client_ip

from .audit import audit_record
from .enums import AuditAction
from .models import UserSession

# (pattern in the User-Agent header, name), first match wins: a summary a user recognises.
_BROWSERS = [
    (r"Edg/", "Edge"),
    (r"Firefox/", "Firefox"),
    (r"Chrome/|Chromium/|CriOS/", "Chrome"),
    (r"Safari/", "Safari"),
]
_SYSTEMS = [
    (r"Windows", "Windows"),
    (r"iPhone|iPad", "iOS"),
    (r"Android", "Android"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
]


def device_summary(user_agent: str) -> str:
    """'Firefox on Windows' from a User-Agent header; never the header itself."""

    def first(table):
        return next((name for pattern, name in table if re.search(pattern, user_agent)), "")

    browser, system = first(_BROWSERS), first(_SYSTEMS)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


def session_record(request, user) -> None:
    """Note the session `request` has just signed in with (called at sign-in)."""
    key = request.session.session_key
    if not key:
        return
    now = timezone.now()
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip_address": client_ip(request),
            "device": device_summary(request.META.get("HTTP_USER_AGENT", ""))[:60],
        },
    )


def session_seen(session_key: str) -> None:
    """The session was used now (called when its idle limit is renewed, not every request)."""
    UserSession.objects.filter(session_key=session_key).update(last_seen_at=timezone.now())


def session_forget(session_key: str | None) -> None:
    """The session signed out: its row goes."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_active(user):
    """The user's sessions that have not ended or expired, the latest used first."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live)


def session_end(*, user_session, by, request=None, detail) -> None:
    """End one session. Side effects: the session is deleted from the store (its next request
    is signed out), its row goes, an audit entry (ids only)."""
    Session.objects.filter(session_key=user_session.session_key).delete()
    user_session.delete()
    audit_record(
        action=AuditAction.SIGN_OUT,
        user=by,
        object_type="accounts.user",
        object_id=str(user_session.user_id),
        detail=detail,
        request=request,
    )


def sessions_end(user, *, keep: str | None = None) -> int:
    """End every session of `user` except the one keyed `keep`; returns how many.

    Besides the recorded ones, any unexpired session signed in as the user is found by reading
    the store (sessions signed in before sessions were recorded). They end after the idle
    limit, so these are the people using the service now. Audited by the caller.
    """
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    keys |= {
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    }
    keys.discard(keep)
    live = set(
        Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user, session_key__in=keys).delete()
    return len(live)


def expired_sessions_clear() -> int:
    """Nightly (housekeeping): delete the sessions that have expired, with the searches they
    kept behind tokens (core.search_tokens), and the `UserSession` rows of sessions that no
    longer exist. Not audited: no one is signed out, these sessions are already over.
    Returns how many sessions were deleted."""
    expired, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    UserSession.objects.exclude(session_key__in=Session.objects.values("session_key")).delete()
    return expired
