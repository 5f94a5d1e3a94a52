"""Data classification of the risks app's fields: the risk register.

Each entry says what kind of data one field holds ("app_label.ModelName.field_name"); every
concrete and many-to-many field needs one (tests/security/test_classification.py).
accounts.classification explains the classes, gathers each app's FIELDS at start-up and
applies them: commissioners' figures, anonymisation, log scrubbing, subject access.
"""

from accounts.classification import AGG, OPS, SPECIAL, TEXT, classify

FIELDS = {
    **classify(
        "risks.RiskFlag",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "version",
        "person",
        "raised_by",
        "team",
        "removed_by",
    ),
    # A risk about one person (type, MAPPA/ROSH level, and a source that says PHQ-9).
    **classify(
        "risks.RiskFlag",
        SPECIAL,
        "risk_type",
        "mappa_category",
        "mappa_level",
        "rosh_level",
        "source",
    ),
    **classify(
        "risks.RiskFlag", AGG, "raised_on", "next_review_on", "last_reviewed_on", "removed_on"
    ),
    **classify("risks.RiskFlag", TEXT, "note", "removal_reason"),
    **classify("risks.RiskFlagEvent", OPS, "id", "flag", "recorded_at", "by"),
    **classify("risks.RiskFlagEvent", AGG, "kind", "happened_on", "next_review_on"),
    "risks.RiskFlagEvent.note": TEXT,
}
