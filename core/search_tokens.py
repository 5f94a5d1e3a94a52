"""Searches kept behind an opaque token in the session, so no name or identifier a user
typed ever reaches a URL (browser history, proxies, server logs).

A list posts its search, stores it here, and redirects to `?search=<token>`; the token means
nothing outside the user's session. Each list keeps its searches under its own session key,
at most MAX_STORED_SEARCHES of them (the oldest are dropped).
"""

import secrets

MAX_STORED_SEARCHES = 20


def store_search(request, session_key: str, search, *, limit: int | None = None) -> str:
    """Keep `search` (JSON-serialisable) in the session and return its token; the same
    value stored again keeps its token. At most `limit` (MAX_STORED_SEARCHES) per key."""
    stored = request.session.get(session_key, {})
    for token, value in stored.items():
        if value == search:
            return token
    while len(stored) >= (limit or MAX_STORED_SEARCHES):
        stored.pop(next(iter(stored)))
    token = secrets.token_urlsafe(9)
    stored[token] = search
    request.session[session_key] = stored
    return token


def stored_search(request, session_key: str, token: str):
    """The search kept under `token`, or None (no token, expired or another session's)."""
    return request.session.get(session_key, {}).get(token) if token else None
