from django.conf import settings


def session_timeout(request):
    """The idle limit, for static/js/session-timeout.js (read from <body data-...>)."""
    return {"session_timeout_seconds": settings.SESSION_COOKIE_AGE}
