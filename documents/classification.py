"""Data classification of the documents app's fields: documents on a person's record.

Each entry says what kind of data one field holds ("app_label.ModelName.field_name"); every
concrete and many-to-many field needs one (tests/security/test_classification.py).
accounts.classification explains the classes, gathers each app's FIELDS at start-up and
applies them: commissioners' figures, anonymisation, log scrubbing, subject access.
"""

from accounts.classification import OPS, SECRET, SPECIAL, TEXT, classify

FIELDS = {
    **classify(
        "documents.Document",
        OPS,
        "id",
        "person",
        "referral",
        "order",
        "document_date",
        "size",
        "sha256",
        "content_type",
        "uploaded_by",
        "uploaded_at",
        "team",
        "scan_state",
        "scanned_at",
        "scan_signature",
        "scan_attempts",
        "removed_at",
        "removed_by",
    ),
    # A GP letter or a discharge summary says something about the person's health.
    "documents.Document.document_type": SPECIAL,
    # Typed or named by staff (a file name often holds the person's name).
    **classify("documents.Document", TEXT, "title", "description", "original_filename"),
    "documents.Document.removal_reason": TEXT,
    # The random storage name: never shown or exported (the file goes through the
    # access-checked download only).
    "documents.Document.file": SECRET,
}
