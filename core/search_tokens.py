"""Searches kept behind an opaque token in the session, so no name or identifier a user
typed ever reaches a URL (browser history, proxies, server logs).

A list posts its search, stores it here, and redirects to `?search=<token>`; the token means
nothing outside the user's session. Each list keeps its searches under its own session key,
at most MAX_STORED_SEARCHES of them (the oldest are dropped).
"""

import secrets

MAX_STORED_SEARCHES = 20


def store_search(request, session_key: str, search: dict) -> str:
    """Keep `search` (JSON-serialisable) in the session and return its token."""
    stored = request.session.get(session_key, {})
    while len(stored) >= MAX_STORED_SEARCHES:
        stored.pop(next(iter(stored)))
    token = secrets.token_urlsafe(9)
    stored[token] = search
    request.session[session_key] = stored
    return token


def stored_search(request, session_key: str, token: str) -> dict | None:
    """The search kept under `token`, or None (no token, expired or another session's)."""
    return request.session.get(session_key, {}).get(token) if token else None
