"""Data classification of the api app's fields: API clients, their history and the
idempotency keys of create calls.

The client's secret is not here: django-oauth-toolkit keeps it hashed on its Application
(`client_secret`, SECRET in docs/data-protection.md), shown once to the administrator.
"""

from accounts.classification import OPS, SECRET, STAFF, TEXT, classify

FIELDS = {
    **classify(
        "api.ApiClient",
        OPS,
        "id",
        "application",
        "team",
        "scopes",
        "service_user",
        "created_at",
        "secret_rotated_at",
        "revoked_at",
        "version",
        "approved_at",
    ),
    # The system's name: an organisation's, never a person's.
    **classify("api.ApiClient", OPS, "name"),
    **classify("api.ApiClient", STAFF, "created_by", "approved_by"),
    **classify("api.ApiClientChange", OPS, "id", "client", "at", "what"),
    **classify("api.ApiClientChange", STAFF, "by"),
    **classify("api.ApiClientChange", TEXT, "reason"),
    **classify("api.IdempotencyKey", OPS, "id", "client", "referral", "created_at"),
    # Chosen by the calling system: may be anything, so treated as text.
    **classify("api.IdempotencyKey", TEXT, "key"),
    # A hash of a body holding identifiers (an NHS number's hash can be found by trying
    # them all): never shown or logged.
    **classify("api.IdempotencyKey", SECRET, "body_hash"),
}
