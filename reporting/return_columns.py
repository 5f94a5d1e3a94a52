"""The record-level return's columns: names, meanings, sources, types and allowed values.

One row per referral received in the period (reporting.return_build). Every column is
built from fields classified aggregate-safe or operational dates (accounts.classification),
or is a pseudonym: never a name, an identifier, a date of birth, a postcode, free text or a
member of staff. The same list is the data dictionary shipped as the file's second sheet
and in docs/record-level-return.md.

Pseudonyms: HMAC-SHA256 of "referral:<id>" / "person:<id>" under LD_RETURN_PSEUDONYM_KEY,
so the same referral has the same key in every return, and nobody without the service's
key can turn a key back into a record (the ids are small numbers, so a plain hash could be
reversed by hashing every id).
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

from .models import AGE_BANDS

PSEUDONYM_HEX = 32  # 128 bits: no collision in any plausible number of records


def pseudonym_key() -> bytes:
    if settings.LD_RETURN_PSEUDONYM_KEY:
        return settings.LD_RETURN_PSEUDONYM_KEY.encode()
    return hashlib.sha256(f"ld-return-pseudonym:{settings.SECRET_KEY}".encode()).digest()


def pseudonym(kind: str, pk: int, key: bytes | None = None) -> str:
    """The stable pseudonymous key of record `pk` of `kind` ("referral", "person")."""
    digest = hmac.new(key or pseudonym_key(), f"{kind}:{pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:PSEUDONYM_HEX]


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    source: str
    type: str
    allowed: str


DATE = "date (YYYY-MM-DD), blank if not yet"
COUNT = "whole number"
YES_NO = "yes, no"

COLUMNS = (
    Column(
        "referral_key",
        "Pseudonymous key of the referral, stable across returns",
        "HMAC-SHA256 of the referral's id under the service's key",
        "text",
        "32 hex digits",
    ),
    Column(
        "person_key",
        "Pseudonymous key of the person, the same on each of their referrals",
        "HMAC-SHA256 of the person's id under the service's key",
        "text",
        "32 hex digits",
    ),
    Column("team", "L&D team that received the referral", "Referral.team", "text", "team names"),
    Column(
        "source", "Where the referral came from", "Referral.source", "code", "ReferralSource codes"
    ),
    Column(
        "age_band",
        "Age on the (London) day of referral",
        "Person.date_of_birth, banded",
        "code",
        ", ".join(code for code, _ in AGE_BANDS) + ", not_stated",
    ),
    Column("gender", "Gender as recorded", "Person.gender", "code", "Gender codes"),
    Column(
        "ethnicity_group",
        "Ethnicity group (never the detailed category)",
        "Person.ethnicity.group",
        "text",
        "the groups of the 2021 census, Not stated",
    ),
    Column(
        "local_authority",
        "Local authority of residence as recorded",
        "Person.local_authority",
        "text",
        "local authority names, blank if not recorded",
    ),
    Column(
        "received_on",
        "Day the referral was received (London)",
        "Referral.received_at",
        "date (YYYY-MM-DD)",
        "within the period",
    ),
    Column("screened_on", "Day screening was completed", "Referral.screened_at", DATE, ""),
    Column("assessed_on", "Day the assessment was completed", "Referral.assessed_at", DATE, ""),
    Column(
        "recommendation_ready_on",
        "Day the first recommendation was ready for court",
        "Recommendation.ready_at",
        DATE,
        "",
    ),
    Column(
        "court_outcome",
        "What the court decided on the first hearing recorded",
        "CourtOutcome.outcome",
        "code",
        "HearingOutcome codes, blank if none",
    ),
    Column("court_outcome_on", "Day of that hearing", "CourtOutcome.hearing_date", DATE, ""),
    Column("order_made_on", "Day the (first) order was made", "Order.made_on", DATE, ""),
    Column("order_start_on", "Day the order started", "Order.start_date", DATE, ""),
    Column(
        "first_appointment_offered_on",
        "Day of the order's first treatment appointment",
        "Appointment.starts_at",
        DATE,
        "",
    ),
    Column(
        "first_appointment_attended_on",
        "Day of the first appointment attended",
        "Appointment.starts_at and outcome",
        DATE,
        "",
    ),
    Column(
        "appointments_kept",
        "Appointments attended and complied with",
        "Appointment.outcome = attended_complied",
        COUNT,
        "0 or more",
    ),
    Column(
        "appointments_missed",
        "Appointments missed or failed (acceptable or not)",
        "Appointment.outcome in acceptable_absence, unacceptable_absence, attended_failed",
        COUNT,
        "0 or more",
    ),
    Column("warnings", "Formal warnings given", "FormalWarning.given_on", COUNT, "0 or more"),
    Column(
        "breach",
        "Whether the order was referred back to court for breach",
        "BreachReferral.referred_on",
        "code",
        YES_NO + ", blank if no order",
    ),
    Column(
        "breach_referred_on",
        "Day of the first breach referral",
        "BreachReferral.referred_on",
        DATE,
        "",
    ),
    Column("order_ended_on", "Day the order ended", "Order.terminated_on", DATE, ""),
    Column(
        "order_end_reason",
        "Why the order ended",
        "Order.termination_reason",
        "code",
        "TerminationReason codes, blank if not ended",
    ),
    Column(
        "outcome_measure_change",
        "Change between the first and last outcome measure of "
        "each instrument, by the dashboards' meaningful-change thresholds",
        "OutcomeMeasure (start and end) scored by reporting.dashboard_facts thresholds",
        "text",
        "e.g. PHQ-9 improved; GAD-7 no meaningful improvement; blank if no pair",
    ),
    Column(
        "rearrested_12m",
        "Re-arrest or reconviction within the 12 months beginning with "
        "the day of referral (referrals.reoffending)",
        "ReoffendingEvent.occurred_on",
        "code",
        "yes, no, not_yet_due (the 12 months have not ended)",
    ),
)

HEADER = tuple(column.name for column in COLUMNS)

# The stored fields each column is read from ("app.Model.field"): every one classified
# aggregate-safe or operational (tests/reporting/test_record_level_return.py), except the
# two BANDED below, which never leave the service as they are stored.
SOURCE_FIELDS = {
    "referral_key": ("referrals.Referral.id",),
    "person_key": ("referrals.Referral.person",),
    "team": ("referrals.Referral.team", "accounts.Team.name"),
    "source": ("referrals.Referral.source",),
    "age_band": ("referrals.Person.date_of_birth", "referrals.Referral.received_at"),
    "gender": ("referrals.Person.gender",),
    "ethnicity_group": ("referrals.Person.ethnicity", "referrals.Ethnicity.group"),
    "local_authority": ("referrals.Person.local_authority",),
    "received_on": ("referrals.Referral.received_at",),
    "screened_on": ("referrals.Referral.screened_at",),
    "assessed_on": ("referrals.Referral.assessed_at",),
    "recommendation_ready_on": ("treatment_requirements.Recommendation.ready_at",),
    "court_outcome": ("treatment_requirements.CourtOutcome.outcome",),
    "court_outcome_on": ("treatment_requirements.CourtOutcome.hearing_date",),
    "order_made_on": ("treatment_requirements.Order.made_on",),
    "order_start_on": ("treatment_requirements.Order.start_date",),
    "first_appointment_offered_on": ("treatment_requirements.Appointment.starts_at",),
    "first_appointment_attended_on": (
        "treatment_requirements.Appointment.starts_at",
        "treatment_requirements.Appointment.outcome",
    ),
    "appointments_kept": ("treatment_requirements.Appointment.outcome",),
    "appointments_missed": ("treatment_requirements.Appointment.outcome",),
    "warnings": ("treatment_requirements.FormalWarning.given_on",),
    "breach": ("treatment_requirements.BreachReferral.referred_on",),
    "breach_referred_on": ("treatment_requirements.BreachReferral.referred_on",),
    "order_ended_on": ("treatment_requirements.Order.terminated_on",),
    "order_end_reason": ("treatment_requirements.Order.termination_reason",),
    "outcome_measure_change": (
        "treatment_requirements.OutcomeMeasure.instrument_code",
        "treatment_requirements.OutcomeMeasure.stage",
        "assessments.InstrumentResponse.total",
    ),
    "rearrested_12m": (
        "treatment_requirements.ReoffendingEvent.occurred_on",
        "referrals.Referral.received_at",
    ),
}
# Protected fields a column reads but only as a band: the date of birth becomes the age band
# on the day of referral; the instrument scores become "improved" or not by the dashboards'
# thresholds (the scores are not in the file).
BANDED = {
    "age_band": "referrals.Person.date_of_birth",
    "outcome_measure_change": "assessments.InstrumentResponse.total",
}
DICTIONARY_HEADER = ("column", "meaning", "source", "type", "allowed values")


def dictionary_rows() -> list[tuple[str, ...]]:
    return [(c.name, c.meaning, c.source, c.type, c.allowed) for c in COLUMNS]
