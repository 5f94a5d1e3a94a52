"""Data classification: one registry saying what kind of data every model field holds.

Every concrete field (and many-to-many field) of every model in the project's own apps has
an entry in FIELD_CLASSES, keyed "app_label.ModelName.field_name". tests/security/
test_classification.py fails naming any field that has none, so a new field cannot leak by
being forgotten. The registry drives:

- what commissioner views and exports may contain: `is_safe_for_commissioners`;
- what the retention rule blanks when it anonymises a record: `anonymise_values`;
- what log scrubbing redacts when a field's value is logged as ``name=value`` or
  ``name: value``: `scrubbed_field_names` (used by core.logging);
- which fields hold a given class of data, e.g. for the subject access export:
  `fields_of_class`.

Classes (a field gets the most protective one that fits):

DIRECT_IDENTIFIER  identifies the person a record is about, alone or with little else:
                   names, date of birth, NHS/PNC/CRO numbers, case references, postcode.
SPECIAL_CATEGORY   health, substance use, sexual life, offending or risk about one person
                   (UK GDPR art. 9/10) at row level.
FREE_TEXT          narrative typed by staff or a referrer: may hold anything, so is treated
                   as identifying and special-category at once.
STAFF_IDENTIFIER   identifies a member of staff (names, emails, usernames): never shown to
                   commissioners, not touched by a person's retention rule.
SECRET             credentials and keys: never displayed, exported or logged.
OPERATIONAL        workflow facts with no personal data on their own: ids, status, times,
                   versions, foreign keys, flags about the system.
AGGREGATE_SAFE     coded values that may be grouped and counted in figures for
                   commissioners (after disclosure control): reference codes, categories,
                   dates of events, counts already aggregated.
"""

import datetime
from enum import StrEnum

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DataClass(StrEnum):
    DIRECT_IDENTIFIER = "direct_identifier"
    SPECIAL_CATEGORY = "special_category"
    FREE_TEXT = "free_text"
    STAFF_IDENTIFIER = "staff_identifier"
    SECRET = "secret"  # noqa: S105 - a class name, not a password
    OPERATIONAL = "operational"
    AGGREGATE_SAFE = "aggregate_safe"


# The apps whose models must all be classified (third-party apps are out of scope).
PROJECT_APPS = (
    "core",
    "accounts",
    "referrals",
    "risks",
    "assessments",
    "treatment_requirements",
    "documents",
    "reporting",
    "notifications",
    "contact_log",
)

ID = DataClass.DIRECT_IDENTIFIER
SPECIAL = DataClass.SPECIAL_CATEGORY
TEXT = DataClass.FREE_TEXT
STAFF = DataClass.STAFF_IDENTIFIER
SECRET = DataClass.SECRET
OPS = DataClass.OPERATIONAL
AGG = DataClass.AGGREGATE_SAFE


def _fields(prefix: str, cls: DataClass, *names: str) -> dict[str, DataClass]:
    return {f"{prefix}.{name}": cls for name in names}


def _reference_data(prefix: str, *extra: str) -> dict[str, DataClass]:
    return _fields(prefix, AGG, "id", "code", "name", "sort_order", "is_active", *extra)


FIELD_CLASSES: dict[str, DataClass] = {
    # accounts --------------------------------------------------------------------------
    **_fields("accounts.Team", AGG, "id", "name", "kind", "area", "is_active"),
    "accounts.Team.version": OPS,
    **_fields("accounts.Site", AGG, "id", "team", "name", "kind", "is_active"),
    "accounts.Site.version": OPS,
    **_fields(
        "accounts.User",
        OPS,
        "id",
        "last_login",
        "is_superuser",
        "is_staff",
        "is_active",
        "date_joined",
        "role",
        "team",
        "groups",
        "user_permissions",
        "two_factor_required",
        "version",
    ),
    **_fields("accounts.User", STAFF, "username", "first_name", "last_name", "email", "job_title"),
    "accounts.User.password": SECRET,
    # An administrator's changes to users and teams: `before`/`after` may hold a staff
    # member's team or role, the reason anything the administrator typed.
    **_fields("accounts.UserChange", OPS, "id", "at", "by", "what", "user"),
    **_fields("accounts.UserChange", STAFF, "before", "after"),
    "accounts.UserChange.reason": TEXT,
    **_fields("accounts.TeamChange", OPS, "id", "at", "by", "what", "team", "site"),
    **_fields("accounts.TeamChange", STAFF, "before", "after"),
    "accounts.TeamChange.reason": TEXT,
    **_fields("accounts.RolePolicy", OPS, "id", "role", "require_two_factor"),
    **_fields(
        "accounts.AuditEvent",
        OPS,
        "id",
        "at",
        "user",
        "action",
        "object_type",
        "object_id",
        "person_id",
        "detail",  # audit_record's contract: no personal data in detail
        "previous_hash",
        "entry_hash",
    ),
    **_fields("accounts.AuditEvent", STAFF, "username", "ip_address"),
    # referrals -------------------------------------------------------------------------
    **_reference_data("referrals.Ethnicity", "group"),
    **_reference_data("referrals.OffenceCategory"),
    **_reference_data("referrals.Vulnerability"),
    **_fields("referrals.Person", OPS, "id", "created_at", "updated_at", "version", "created_by"),
    **_fields(
        "referrals.Person",
        ID,
        "given_name",
        "family_name",
        "other_names",
        "date_of_birth",
        "nhs_number",
        "pnc_id",
        "cro_number",
        "postcode_district",
        "search_name",
        "search_family",
        "search_given",
    ),
    # Protected characteristics and priority-group flags: counted for commissioners, never
    # listed against a person outside the team.
    **_fields(
        "referrals.Person",
        AGG,
        "gender",
        "ethnicity",
        "local_authority",
        "is_veteran",
        "is_care_leaver",
        "is_no_fixed_abode",
        "has_dependent_children",
        "needs_interpreter",
        "team",
    ),
    **_fields(
        "referrals.Referral",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "version",
        "person",
        "assigned_to",
        "created_by",
        "reoffending_checked_on",
        "reoffending_check_due_on",
        # the keys of "most urgent first" (referrals.work_order), derived from the fields
        # classified here and the risk register
        "urgency_rank",
        "due_at",
    ),
    **_fields(
        "referrals.Referral",
        AGG,
        "team",
        "source",
        "site",
        "received_at",
        "referrer_role",
        "referrer_organisation",
        "urgency",
        "status",
        "closure_reason",
        "closed_at",
        "screened_at",
        "assessed_at",
    ),
    # The offence and the needs are special category at row level; reporting counts them
    # only through its own aggregate facts.
    **_fields("referrals.Referral", SPECIAL, "offence_category", "vulnerabilities"),
    # derived from the person's self-harm flag (risks): a health fact about them
    "referrals.Referral.person_at_risk": SPECIAL,
    # The referrer is a third party (an officer, a solicitor): identifying, blanked on
    # anonymisation with the rest of the record.
    **_fields("referrals.Referral", ID, "referrer_name", "case_reference"),
    "referrals.Referral.reason": TEXT,
    **_fields(
        "referrals.ReferralStatusChange",
        OPS,
        "id",
        "referral",
        "from_status",
        "to_status",
        "changed_by",
        "changed_at",
    ),
    "referrals.ReferralStatusChange.reason": TEXT,
    **_fields(
        "referrals.ReferralAllocation",
        OPS,
        "id",
        "referral",
        "assigned_to",
        "team",
        "kind",
        "allocated_at",
        "allocated_by",
    ),
    "referrals.ReferralAllocation.reason": TEXT,
    **_fields("referrals.MyWorkLook", OPS, "id", "user", "looked_at"),
    # risks (the risk register) ------------------------------------------------------------
    **_fields(
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
    **_fields(
        "risks.RiskFlag",
        SPECIAL,
        "risk_type",
        "mappa_category",
        "mappa_level",
        "rosh_level",
        "source",
    ),
    **_fields(
        "risks.RiskFlag", AGG, "raised_on", "next_review_on", "last_reviewed_on", "removed_on"
    ),
    **_fields("risks.RiskFlag", TEXT, "note", "removal_reason"),
    **_fields("risks.RiskFlagEvent", OPS, "id", "flag", "recorded_at", "by"),
    **_fields("risks.RiskFlagEvent", AGG, "kind", "happened_on", "next_review_on"),
    "risks.RiskFlagEvent.note": TEXT,
    # assessments -----------------------------------------------------------------------
    **_fields(
        "assessments.Screening", OPS, "id", "created_at", "updated_at", "referral", "screened_by"
    ),
    **_fields(
        "assessments.Screening",
        AGG,
        "screened_on",
        "urgency",
        "decision",
        "no_further_action_reason",
    ),
    **_fields("assessments.Screening", SPECIAL, "risk_level", "vulnerabilities"),
    **_fields("assessments.Screening", TEXT, "risk_notes", "decision_notes"),
    **_fields(
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
    **_fields("assessments.Assessment", AGG, "status", "assessed_on", "signed_at"),
    **_fields(
        "assessments.Assessment",
        SPECIAL,
        "learning_disability",
        "autism",
        "adhd",
        "risk_level",
        "care_threshold",
    ),
    **_fields(
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
    **_fields(
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
    **_fields(
        "assessments.InstrumentResponse",
        SPECIAL,
        "answers",
        "total",
        "band",
        "flags",
        "self_harm_recorded_at",  # says that a self-harm answer was given
        "difficulty",
    ),
    **_fields("assessments.Addendum", OPS, "id", "assessment", "section", "added_by", "added_at"),
    **_fields("assessments.Addendum", TEXT, "reason", "text"),
    **_fields(
        "assessments.Consent",
        OPS,
        "id",
        "referral",
        "recorded_by",
        "recorded_at",
        "withdrawn_by",
        "withdrawn_recorded_at",
    ),
    **_fields(
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
    **_fields("assessments.Consent", TEXT, "notes", "withdrawal_reason"),
    **_fields(
        "assessments.Disclosure", OPS, "id", "assessment", "consent", "disclosed_by", "disclosed_at"
    ),
    **_fields(
        "assessments.OnwardReferral",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "referral",
        "outcome_recorded_by",
        "recorded_by",
    ),
    **_fields("assessments.OnwardReferral", AGG, "service", "referred_on", "outcome", "outcome_on"),
    # The named service (a GP practice, a hostel) can point to where someone lives.
    **_fields("assessments.OnwardReferral", TEXT, "service_name", "reason"),
    **_fields("assessments.FormDraft", OPS, "id", "user", "referral", "step", "saved_at"),
    "assessments.FormDraft.data": TEXT,
    # treatment_requirements ------------------------------------------------------------
    **_fields(
        "treatment_requirements.Recommendation",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "version",
        "assessment",
        "person",
        "referral",
        "ready_by",
        "created_by",
    ),
    **_fields("treatment_requirements.Recommendation", AGG, "team", "status", "ready_at"),
    "treatment_requirements.Recommendation.notes": TEXT,
    **_fields(
        "treatment_requirements.ProposedRequirement",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "recommendation",
        "consent_recorded_on",
    ),
    **_fields(
        "treatment_requirements.ProposedRequirement",
        AGG,
        "kind",
        "provider",
        "duration_months",
        "consent_given",
    ),
    **_fields(
        "treatment_requirements.CriterionConfirmation",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "requirement",
        "code",
    ),
    "treatment_requirements.CriterionConfirmation.met": SPECIAL,
    "treatment_requirements.CriterionConfirmation.evidence": TEXT,
    **_fields(
        "treatment_requirements.CourtOutcome",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "recommendation",
        "person",
        "recorded_by",
    ),
    **_fields("treatment_requirements.CourtOutcome", AGG, "hearing_date", "court", "outcome"),
    "treatment_requirements.CourtOutcome.reason": TEXT,
    **_fields(
        "treatment_requirements.Order",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "version",
        "court_outcome",
        "recommendation",
        "person",
        "referral",
        "responsible_officer",
    ),
    **_fields(
        "treatment_requirements.Order",
        AGG,
        "order_type",
        "made_on",
        "start_date",
        "end_date",
        "probation_team",
        "status",
        "extended_months",
        "termination_reason",
        "terminated_on",
        "operational_period_end",
    ),
    "treatment_requirements.Order.termination_notes": TEXT,
    **_fields(
        "treatment_requirements.OrderRequirement",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "order",
        "proposed",
        "willing_on",
    ),
    "treatment_requirements.OrderRequirement.not_proposed_reason": TEXT,
    **_fields(
        "treatment_requirements.OrderRequirement",
        AGG,
        "kind",
        "provider",
        "length_months",
        "start_date",
        "end_date",
        "added_on_breach",
    ),
    **_fields(
        "treatment_requirements.Appointment",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "version",
        "order",
        "requirement",
        "starts_at",
        "outcome_recorded_at",
        "outcome_recorded_by",
        "rescheduled_to",
        "created_by",
    ),
    "treatment_requirements.Appointment.outcome": AGG,
    **_fields(
        "treatment_requirements.Appointment",
        TEXT,
        "purpose",
        "location",
        "excuse",
        "evidence",
        "outcome_notes",
    ),
    **_fields(
        "treatment_requirements.Failure",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "order",
        "appointment",
        "drug_test",
        "deadline",
        "action_by",
        "recorded_by",
    ),
    **_fields("treatment_requirements.Failure", AGG, "failure_date", "action", "action_on"),
    "treatment_requirements.Failure.description": TEXT,
    **_fields(
        "treatment_requirements.Warning",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "order",
        "failure",
        "given_by",
    ),
    "treatment_requirements.Warning.given_on": AGG,
    "treatment_requirements.Warning.letter_text": TEXT,
    **_fields(
        "treatment_requirements.BreachReferral",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "order",
        "failure",
        "referred_by",
    ),
    **_fields(
        "treatment_requirements.BreachReferral",
        AGG,
        "referred_on",
        "outcome",
        "outcome_on",
        "extension_months",
    ),
    **_fields("treatment_requirements.BreachReferral", TEXT, "details", "outcome_notes"),
    **_fields(
        "treatment_requirements.DrugTest",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "order",
        "requirement",
        "recorded_by",
    ),
    "treatment_requirements.DrugTest.tested_on": AGG,
    **_fields(
        "treatment_requirements.DrugTest",
        SPECIAL,
        "substances",
        "result",
        "positive_for",
        "excuse_accepted",
    ),
    **_fields("treatment_requirements.DrugTest", TEXT, "excuse", "evidence"),
    **_fields(
        "treatment_requirements.ReviewHearing",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "order",
        "requirement",
        "scheduled_by",
        "held_recorded_by",
    ),
    **_fields(
        "treatment_requirements.ReviewHearing",
        AGG,
        "review_date",
        "report_submitted_on",
        "held_on",
    ),
    "treatment_requirements.ReviewHearing.progress_report": TEXT,
    "treatment_requirements.ReviewHearing.no_report_reason": TEXT,
    **_fields(
        "treatment_requirements.OutcomeMeasure",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "order",
        "response",
        "recorded_by",
    ),
    **_fields(
        "treatment_requirements.OutcomeMeasure", AGG, "stage", "instrument_code", "measured_on"
    ),
    **_fields(
        "treatment_requirements.ReoffendingEvent",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "referral",
        "person",
        "recorded_by",
    ),
    "treatment_requirements.ReoffendingEvent.kind": SPECIAL,
    "treatment_requirements.ReoffendingEvent.occurred_on": AGG,
    "treatment_requirements.ReoffendingEvent.notes": TEXT,
    **_fields(
        "treatment_requirements.OrderEvent", OPS, "id", "recommendation", "order", "at", "by"
    ),
    "treatment_requirements.OrderEvent.summary": TEXT,
    **_fields(
        "treatment_requirements.OrderAllocation",
        OPS,
        "id",
        "order",
        "officer",
        "allocated_at",
        "allocated_by",
    ),
    "treatment_requirements.OrderAllocation.reason": TEXT,
    **_fields("treatment_requirements.CaseloadLook", OPS, "id", "user", "looked_at"),
    # contact_log ---------------------------------------------------------------------------
    **_fields(
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
    **_fields(
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
    **_fields("contact_log.Contact", TEXT, "note", "with_whom", "in_error_reason"),
    **_fields("contact_log.ContactAddendum", OPS, "id", "contact", "added_by", "added_at"),
    **_fields("contact_log.ContactAddendum", TEXT, "text", "reason"),
    **_fields("contact_log.ContactEvent", OPS, "id", "contact", "kind", "by", "at"),
    # documents ---------------------------------------------------------------------------
    **_fields(
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
    **_fields("documents.Document", TEXT, "title", "description", "original_filename"),
    "documents.Document.removal_reason": TEXT,
    # The random storage name: never shown or exported (the file goes through the
    # access-checked download only).
    "documents.Document.file": SECRET,
    # reporting: facts are counts already (disclosure control is applied when shown) ------
    **_fields(
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
    **_fields(
        "reporting.AnonymisationLog",
        OPS,
        "id",
        "person_id",
        "referrals",
        "last_closed_at",
        "anonymised_at",
        "rule",
    ),
    **_fields(
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
    **_fields(
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
    # notifications ---------------------------------------------------------------------
    **_fields(
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
    ),
    # Titles are written without personal data, but are shown and emailed: treat as text.
    **_fields("notifications.Reminder", TEXT, "title", "last_error"),
    **_fields(
        "notifications.NotificationPreference",
        OPS,
        "id",
        "user",
        "daily_digest",
        "email_enabled",
        "dashboard_updates",
    ),
}

# Classes whose values never leave the team's own screens.
_NEVER_FOR_COMMISSIONERS = frozenset(DataClass) - {DataClass.AGGREGATE_SAFE}
# What the retention rule removes from a person's records.
_ANONYMISED = frozenset({DataClass.DIRECT_IDENTIFIER, DataClass.FREE_TEXT})
# Values that must never appear in a log line or an error report.
_SCRUBBED = frozenset(
    {
        DataClass.DIRECT_IDENTIFIER,
        DataClass.SPECIAL_CATEGORY,
        DataClass.FREE_TEXT,
        DataClass.STAFF_IDENTIFIER,
        DataClass.SECRET,
    }
)
ANONYMISED_TEXT = "[anonymised]"
ANONYMISED_DATE = datetime.date(1900, 1, 1)


class UnclassifiedFieldError(ImproperlyConfigured):
    pass


def field_key(model, field_name: str) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}.{field_name}"


def classified_fields(model):
    """The fields of `model` that must be classified: concrete and many-to-many fields."""
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete or (field.many_to_many and not field.auto_created)
    ]


def classification_of(model, field_name: str) -> DataClass:
    """The class of one field; raises UnclassifiedFieldError when it has none."""
    try:
        return FIELD_CLASSES[field_key(model, field_name)]
    except KeyError:
        raise UnclassifiedFieldError(
            f"{field_key(model, field_name)} has no data classification: add it to "
            "accounts.classification.FIELD_CLASSES"
        ) from None


def fields_of_class(model, *classes: DataClass) -> list[str]:
    """Names of `model`'s fields in any of `classes`, in model order.

    Example: ``fields_of_class(Person, DataClass.DIRECT_IDENTIFIER)``.
    """
    return [
        field.name
        for field in classified_fields(model)
        if classification_of(model, field.name) in classes
    ]


def is_safe_for_commissioners(model, field_name: str) -> bool:
    """May this field's values be grouped and counted in figures commissioners see?

    Only AGGREGATE_SAFE fields may; reporting code builds its facts from these alone, and
    still applies disclosure control to every count.
    """
    return classification_of(model, field_name) not in _NEVER_FOR_COMMISSIONERS


def anonymise_values(model) -> dict[str, object]:
    """The field values the retention rule writes over a record of `model` to anonymise it.

    Covers every DIRECT_IDENTIFIER and FREE_TEXT field: nullable fields become None, text
    becomes "" where blank is allowed (else "[anonymised]"), dates become 1 January 1900.
    Raises ImproperlyConfigured for a field that cannot be blanked (a non-null foreign key,
    say), so a new identifying field forces a decision. Many-to-many fields are left to the
    caller (clear them).
    """
    values = {}
    for field in classified_fields(model):
        if classification_of(model, field.name) not in _ANONYMISED or field.many_to_many:
            continue
        values[field.attname] = _blank_value(model, field)
    return values


def scrubbed_field_names() -> frozenset[str]:
    """Field names whose values log scrubbing redacts (``given_name='...'`` and the like)."""
    return frozenset(
        key.rsplit(".", 1)[1] for key, cls in FIELD_CLASSES.items() if cls in _SCRUBBED
    )


def unclassified_fields(app_labels=PROJECT_APPS) -> list[str]:
    """Keys of every field in `app_labels` with no classification (the test's failure list)."""
    missing = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            missing.extend(
                field_key(model, field.name)
                for field in classified_fields(model)
                if field_key(model, field.name) not in FIELD_CLASSES
            )
    return missing


def stale_entries(app_labels=PROJECT_APPS) -> list[str]:
    """Registry keys that name no existing field (a renamed or removed field)."""
    existing = {
        field_key(model, field.name)
        for label in app_labels
        for model in apps.get_app_config(label).get_models()
        for field in classified_fields(model)
    }
    return sorted(set(FIELD_CLASSES) - existing)


def _blank_value(model, field):
    if field.null:
        return None
    if isinstance(field, models.DateTimeField):
        return datetime.datetime.combine(ANONYMISED_DATE, datetime.time.min, datetime.UTC)
    if isinstance(field, models.DateField):
        return ANONYMISED_DATE
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.CharField | models.TextField):
        return "" if field.blank else ANONYMISED_TEXT
    raise ImproperlyConfigured(
        f"{field_key(model, field.name)} is classified as identifying but cannot be blanked: "
        "make it nullable or classify it differently"
    )
