from django.conf import settings


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
