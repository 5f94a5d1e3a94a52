"""Coded values of the contact log."""

from django.db import models


class ContactType(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    POLICE = "police", "Liaison with police"
    COURT = "court", "Liaison with the court"
    CPS = "cps", "Liaison with the CPS"
    GP = "gp", "Liaison with a GP"
    MENTAL_HEALTH = "mental_health", "Liaison with a mental-health team"
    DRUG_ALCOHOL = "drug_alcohol", "Liaison with a drug and alcohol service"
    HOUSING = "housing", "Liaison with housing"
    OTHER = "other", "Other"


class ContactOutcome(models.TextChoices):
    """What came of the contact: a short code; the note says the rest."""

    MADE = "made", "Contact made"
    NO_CONTACT = "no_contact", "No contact (no answer, did not attend)"
    MESSAGE_LEFT = "message_left", "Message left"
    INFORMATION_SHARED = "shared", "Information shared"
    INFORMATION_RECEIVED = "received", "Information received"
    FOLLOW_UP = "follow_up", "Follow-up needed"
    OTHER = "other", "Other"


class RestrictionReason(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding"
    THIRD_PARTY = "third_party", "Third-party information"
    OTHER = "other", "Other sensitive information"


class RestrictionDecision(models.TextChoices):
    """A review of a restricted note: it stays restricted, or is released."""

    KEEP = "keep", "Keep restricted"
    RELEASE = "release", "Release"


class ContactEventKind(models.TextChoices):
    CREATED = "created", "Recorded"
    ADDENDUM = "addendum", "Addendum added"
    IN_ERROR = "in_error", "Marked as recorded in error"
    RESTRICTED = "restricted", "Restricted"
    KEPT_RESTRICTED = "kept", "Reviewed: kept restricted"
    RELEASED = "released", "Reviewed: released"
