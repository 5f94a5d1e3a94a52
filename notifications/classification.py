"""Data classification of the notifications app's fields: reminders and notification preferences.

Each entry says what kind of data one field holds ("app_label.ModelName.field_name"); every
concrete and many-to-many field needs one (tests/security/test_classification.py).
accounts.classification explains the classes, gathers each app's FIELDS at start-up and
applies them: commissioners' figures, anonymisation, log scrubbing, subject access.
"""

from accounts.classification import OPS, TEXT, classify

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
}
