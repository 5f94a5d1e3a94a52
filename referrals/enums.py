from django.db import models


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NON_BINARY_OR_OTHER = "non_binary_or_other", "Non-binary or other"
    NOT_STATED = "not_stated", "Not stated"


class ReferralSource(models.TextChoices):
    POLICE_CUSTODY = "police_custody", "Police custody suite"
    VOLUNTARY_ATTENDANCE = "voluntary_attendance", "Voluntary attendance at a police station"
    MAGISTRATES_COURT = "magistrates_court", "Magistrates' court"
    YOUTH_COURT = "youth_court", "Youth court"
    CROWN_COURT = "crown_court", "Crown Court"
    PROBATION = "probation", "Probation (pre-sentence report)"
    SELF = "self", "Self-referral"
    OTHER = "other", "Other"

    @classmethod
    def court_sources(cls):
        return {cls.MAGISTRATES_COURT, cls.YOUTH_COURT, cls.CROWN_COURT}


class ReferrerRole(models.TextChoices):
    POLICE_OFFICER = "police_officer", "Police officer"
    CUSTODY_STAFF = "custody_staff", "Custody sergeant or detention officer"
    COURT_STAFF = "court_staff", "Court staff or legal adviser"
    PROBATION = "probation", "Probation officer"
    DEFENCE = "defence", "Defence solicitor"
    CPS = "cps", "Crown Prosecution Service"
    YOUTH_OFFENDING = "youth_offending", "Youth offending team"
    HEALTHCARE = "healthcare", "Healthcare professional"
    SELF = "self", "The person themselves"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent (same episode or court day)"
    EMERGENCY = "emergency", "Emergency (immediate risk)"


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    SCREENED = "screened", "Screened"
    ASSESSED = "assessed", "Assessed"
    CLOSED = "closed", "Closed"


# Open referrals (on someone's work list), and those still awaiting screening or assessment
# (the ones that can be overdue).
OPEN_STATUSES = (ReferralStatus.RECEIVED, ReferralStatus.SCREENED, ReferralStatus.ASSESSED)
AWAITING_STATUSES = (ReferralStatus.RECEIVED, ReferralStatus.SCREENED)


class ClosureReason(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action needed"
    ONWARD_REFERRAL = "onward_referral", "Referred on to other services"
    PATHWAY_COMPLETE = "pathway_complete", "Assessment and recommendation complete"
    DECLINED = "declined", "Person declined to engage"
    UNABLE_TO_ASSESS = "unable_to_assess", "Unable to assess (released, transferred or unfit)"
    OUT_OF_SCOPE = "out_of_scope", "Not in scope for this service"
    DUPLICATE = "duplicate", "Duplicate referral"
    OTHER = "other", "Other"


class AllocationKind(models.TextChoices):
    """How a referral reached its holder: allocated within its team, or transferred from
    another L&D team (then with a reason)."""

    ALLOCATION = "allocation", "Allocated"
    TRANSFER = "transfer", "Transferred"


class RecordAccessKind(models.TextChoices):
    """Restricted records (probation's "limited access offender"): see referrals.restrictions."""

    # This member of staff must not see the person (e.g. they know them).
    EXCLUDED = "excluded", "Excluded"
    # Only the staff so named may see the person: any such entry restricts the record.
    ALLOWED = "allowed", "Allowed (restricted record)"


class ContactLanguage(models.TextChoices):
    """The language of messages to the person (Welsh where they prefer it)."""

    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh (Cymraeg)"


class ContactChannel(models.TextChoices):
    """How the person asked to be reminded of appointments."""

    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class ContactConsent(models.TextChoices):
    """Whether the person agreed to receive reminders (asked, and their answer)."""

    NOT_ASKED = "not_asked", "Not asked yet"
    AGREED = "agreed", "Agreed to reminders"
    DECLINED = "declined", "Declined reminders"
