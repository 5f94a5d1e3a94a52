"""Data classification of the referrals app's fields: people and their referrals.

Each entry says what kind of data one field holds ("app_label.ModelName.field_name"); every
concrete and many-to-many field needs one (tests/security/test_classification.py).
accounts.classification explains the classes, gathers each app's FIELDS at start-up and
applies them: commissioners' figures, anonymisation, log scrubbing, subject access.
"""

from accounts.classification import AGG, ID, OPS, SPECIAL, TEXT, classify, reference_data

FIELDS = {
    **reference_data("referrals.Ethnicity", "group"),
    **reference_data("referrals.OffenceCategory"),
    **reference_data("referrals.Vulnerability"),
    **classify("referrals.Person", OPS, "id", "created_at", "updated_at", "version", "created_by"),
    **classify(
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
    **classify(
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
    # How to reach the person (issue 18): identifiers, wiped by retention's anonymisation.
    **classify("referrals.PersonContact", ID, "mobile", "email", "address", "postcode"),
    **classify(
        "referrals.PersonContact",
        OPS,
        "id",
        "created_at",
        "updated_at",
        "version",
        "person",
        "language",
        "reminders",
        "channel",
        "safe_to_leave_messages",
        "consent_recorded_on",
        "consent_recorded_by",
    ),
    **classify(
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
    **classify(
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
    **classify("referrals.Referral", SPECIAL, "offence_category", "vulnerabilities"),
    # derived from the person's self-harm flag (risks): a health fact about them
    "referrals.Referral.person_at_risk": SPECIAL,
    # The referrer is a third party (an officer, a solicitor): identifying, blanked on
    # anonymisation with the rest of the record.
    **classify("referrals.Referral", ID, "referrer_name", "case_reference"),
    "referrals.Referral.reason": TEXT,
    **classify(
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
    **classify(
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
    **classify("referrals.MyWorkLook", OPS, "id", "user", "looked_at"),
    # Restricted records: who may or may not see a person. Foreign keys to staff are ids
    # (OPS, as elsewhere); the reason may say how a member of staff knows the person.
    **classify(
        "referrals.RecordAccess", OPS, "id", "person", "user", "kind", "added_by", "added_at"
    ),
    "referrals.RecordAccess.reason": TEXT,
}
