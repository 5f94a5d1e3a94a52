"""Data classification of the assessments app's fields: screening, assessment, consent.

Each entry says what kind of data one field holds ("app_label.ModelName.field_name"); every
concrete and many-to-many field needs one (tests/security/test_classification.py).
accounts.classification explains the classes, gathers each app's FIELDS at start-up and
applies them: commissioners' figures, anonymisation, log scrubbing, subject access.
"""

from accounts.classification import AGG, OPS, SPECIAL, TEXT, classify

FIELDS = {
    **classify(
        "assessments.Screening", OPS, "id", "created_at", "updated_at", "referral", "screened_by"
    ),
    **classify(
        "assessments.Screening",
        AGG,
        "screened_on",
        "urgency",
        "decision",
        "no_further_action_reason",
    ),
    **classify("assessments.Screening", SPECIAL, "risk_level", "vulnerabilities"),
    **classify("assessments.Screening", TEXT, "risk_notes", "decision_notes"),
    **classify(
        "assessments.Assessment",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "version",
        "referral",
        "section_saved_at",
        "started_by",
        "signed_by",
    ),
    **classify("assessments.Assessment", AGG, "status", "assessed_on", "signed_at"),
    **classify(
        "assessments.Assessment",
        SPECIAL,
        "learning_disability",
        "autism",
        "adhd",
        "risk_level",
        "care_threshold",
    ),
    **classify(
        "assessments.Assessment",
        TEXT,
        "presenting_needs",
        "mental_health_history",
        "mental_health_presentation",
        "drug_use",
        "alcohol_use",
        "neurodevelopmental_notes",
        "physical_health",
        "trauma",
        "safeguarding",
        "housing",
        "finance",
        "education_employment_training",
        "relationships",
        "risk_to_self",
        "risk_to_others",
        "formulation",
    ),
    **classify(
        "assessments.InstrumentResponse",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "person",
        "assessment",
        "is_complete",
        "completed_at",
        "recorded_by",
        "risk_flag",
    ),
    "assessments.InstrumentResponse.code": AGG,
    **classify(
        "assessments.InstrumentResponse",
        SPECIAL,
        "answers",
        "total",
        "band",
        "flags",
        "self_harm_recorded_at",  # says that a self-harm answer was given
        "difficulty",
    ),
    **classify("assessments.Addendum", OPS, "id", "assessment", "section", "added_by", "added_at"),
    **classify("assessments.Addendum", TEXT, "reason", "text"),
    **classify(
        "assessments.Consent",
        OPS,
        "id",
        "referral",
        "recorded_by",
        "recorded_at",
        "withdrawn_by",
        "withdrawn_recorded_at",
    ),
    **classify(
        "assessments.Consent",
        AGG,
        "kind",
        "given",
        "share_with_police",
        "share_with_cps",
        "share_with_court",
        "share_with_probation",
        "given_on",
        "withdrawn_on",
    ),
    **classify("assessments.Consent", TEXT, "notes", "withdrawal_reason"),
    **classify(
        "assessments.Disclosure", OPS, "id", "assessment", "consent", "disclosed_by", "disclosed_at"
    ),
    **classify(
        "assessments.OnwardReferral",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "referral",
        "outcome_recorded_by",
        "recorded_by",
    ),
    **classify(
        "assessments.OnwardReferral", AGG, "service", "referred_on", "outcome", "outcome_on"
    ),
    # The named service (a GP practice, a hostel) can point to where someone lives.
    **classify("assessments.OnwardReferral", TEXT, "service_name", "reason"),
    **classify("assessments.FormDraft", OPS, "id", "user", "referral", "step", "saved_at"),
    "assessments.FormDraft.data": TEXT,
}
