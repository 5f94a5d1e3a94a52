"""Sign-in, sign-out and failed sign-in go to the audit trail."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit_record
from .enums import AuditAction
from .user_sessions import session_forget, session_record


@receiver(user_logged_in)
def _audit_sign_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.SIGN_IN, user=user, request=request)


@receiver(user_logged_in)
def _note_two_factor_step(sender, request, user, **kwargs):
    """Decide once, at sign-in, whether this session must pass a second factor."""
    from .middleware import TWO_FACTOR_SESSION_KEY, two_factor_step

    if request is None or not hasattr(request, "session"):
        return
    step = two_factor_step(user)
    if step:
        request.session[TWO_FACTOR_SESSION_KEY] = step
    else:
        request.session.pop(TWO_FACTOR_SESSION_KEY, None)


@receiver(user_logged_in)
def _start_idle_limit(sender, request, user, **kwargs):
    """Signing in saves the session: its idle limit counts from now, not from the next page,
    and so does its absolute lifetime."""
    from .middleware import SESSION_STARTED_KEY, SESSION_TOUCHED_KEY

    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_TOUCHED_KEY] = now
        request.session[SESSION_STARTED_KEY] = now


@receiver(user_logged_in)
def _record_session(sender, request, user, **kwargs):
    """The user can see this session on "Your sessions", and end it from elsewhere."""
    if request is not None and hasattr(request, "session"):
        session_record(request, user)


@receiver(user_logged_out)
def _forget_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_forget(request.session.session_key)


@receiver(user_logged_out)
def _audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "sign_out_reason", "")  # codes only, set by the middleware
        audit_record(action=AuditAction.SIGN_OUT, user=user, detail=reason, request=request)


@receiver(user_login_failed)
def _audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The attempted username is a staff identifier, not a patient's: kept for lockout review.
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        request=request,
    )
