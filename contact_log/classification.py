"""Data classification of the contact_log app's fields: the contact log.

Each entry says what kind of data one field holds ("app_label.ModelName.field_name"); every
concrete and many-to-many field needs one (tests/security/test_classification.py).
accounts.classification explains the classes, gathers each app's FIELDS at start-up and
applies them: commissioners' figures, anonymisation, log scrubbing, subject access.
"""

from accounts.classification import AGG, OPS, TEXT, classify

FIELDS = {
    **classify(
        "contact_log.Contact",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "version",
        "person",
        "practitioner",
        "referral",
        "assessment",
        "order",
        "restricted_by",
        "restricted_at",
        "restriction_reviewed_by",
        "restriction_reviewed_at",
        "in_error_at",
        "in_error_by",
    ),
    **classify(
        "contact_log.Contact",
        AGG,
        "contact_type",
        "contact_at",
        "outcome",
        "author_team",
        "restricted",
        "restriction_reason",
        "restriction_decision",
    ),
    # The note is special-category free text about one person (health, offending, third
    # parties); "with whom" can name a third party.
    **classify("contact_log.Contact", TEXT, "note", "with_whom", "in_error_reason"),
    **classify("contact_log.ContactAddendum", OPS, "id", "contact", "added_by", "added_at"),
    **classify("contact_log.ContactAddendum", TEXT, "text", "reason"),
    **classify("contact_log.ContactEvent", OPS, "id", "contact", "kind", "by", "at"),
}
