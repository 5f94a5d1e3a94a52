"""Data classification of the notifications app's fields: reminders and notification preferences.

Each entry says what kind of data one field holds ("app_label.ModelName.field_name"); every
concrete and many-to-many field needs one (tests/security/test_classification.py).
accounts.classification explains the classes, gathers each app's FIELDS at start-up and
applies them: commissioners' figures, anonymisation, log scrubbing, subject access.
"""

from accounts.classification import OPS, SECRET, TEXT, classify

FIELDS = {
    **classify(
        "notifications.Reminder",
        OPS,
        "id",
        "kind",
        "subject_type",
        "subject_id",
        "due_on",
        "recipient",
        "link",
        "created_at",
        "read_at",
        "email_state",
        "by_digest",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "notify_id",
    ),
    # Titles are written without personal data, but are shown and emailed: treat as text.
    **classify("notifications.Reminder", TEXT, "title", "last_error"),
    **classify(
        "notifications.NotificationPreference",
        OPS,
        "id",
        "user",
        "daily_digest",
        "email_enabled",
        "dashboard_updates",
        "calendar_invites",
    ),
    **classify(
        "notifications.PersonMessage",
        OPS,
        "id",
        "person",
        "appointment",
        "kind",
        "channel",
        "language",
        "state",
        "send_after",
        "created_at",
        "created_by",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "notify_id",
        "status_at",
    ),
    # The text sent to the person names them (first name), the time and the place.
    **classify("notifications.PersonMessage", TEXT, "body", "last_error"),
    # Calendar invites and feeds: ids, states and times; the feed's secret only as a hash.
    **classify(
        "notifications.CalendarInvite",
        OPS,
        "id",
        "appointment",
        "recipient",
        "method",
        "uid",
        "sequence",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
    ),
    **classify("notifications.CalendarInvite", TEXT, "last_error"),
    **classify(
        "notifications.CalendarFeed", OPS, "id", "user", "created_at", "last_used_at", "revoked_at"
    ),
    # The hash of the feed's secret: a credential, never shown, exported or logged.
    "notifications.CalendarFeed.token_hash": SECRET,
}
