"""Data classification of the reporting app's fields: runs, facts, anonymisation log.

Each entry says what kind of data one field holds ("app_label.ModelName.field_name"); every
concrete and many-to-many field needs one (tests/security/test_classification.py).
accounts.classification explains the classes, gathers each app's FIELDS at start-up and
applies them: commissioners' figures, anonymisation, log scrubbing, subject access.
Facts are counts already: disclosure control is applied when they are shown.
"""

from accounts.classification import AGG, OPS, TEXT, classify

FIELDS = {
    **classify(
        "reporting.ReportingRun",
        OPS,
        "id",
        "snapshot_date",
        "trigger",
        "status",
        "started_at",
        "finished_at",
        "rows_written",
        "seconds",
    ),
    "reporting.ReportingRun.error": TEXT,  # an exception message may quote data
    **classify(
        "reporting.AnonymisationLog",
        OPS,
        "id",
        "person_id",
        "referrals",
        "last_closed_at",
        "anonymised_at",
        "rule",
    ),
    **classify(
        "reporting.CohortReferralFact",
        AGG,
        "id",
        "snapshot_date",
        "month",
        "team",
        "source",
        "is_woman",
        "is_young_adult",
        "is_veteran",
        "site",
        "referrals",
        "screened",
        "screened_within_target",
        "assessed",
        "assessed_within_target",
        "recommended",
        "orders_made",
        "orders_completed",
        "followed_up_12m",
        "rearrested_12m",
    ),
    **classify(
        "reporting.CohortBreakdownFact",
        AGG,
        "id",
        "snapshot_date",
        "month",
        "team",
        "source",
        "cohort",
        "measure",
        "category",
        "count",
    ),
}
FIELDS.update(
    classify(
        "reporting.ReturnRequest",
        OPS,
        "id",
        "requester",
        "scope",
        "team",
        "period_start",
        "period_end",
        "state",
        "progress",
        "rows",
        "withheld",
        "file_name",
        "stored_name",
        "created_at",
        "finished_at",
        "expires_at",
    )
)
