from django.db import models

from referrals.enums import ClosureReason


class ScreeningDecision(models.TextChoices):
    FULL_ASSESSMENT = "full_assessment", "Full assessment needed"
    ONWARD_REFERRAL_ONLY = "onward_referral_only", "Onward referral only"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


# The coded reasons a screening may end with no further action: a subset of the
# referral's closure reasons, so the referral closes with the same code.
NO_FURTHER_ACTION_REASONS = [
    (ClosureReason.NO_FURTHER_ACTION.value, "No needs identified that L&D can help with"),
    (ClosureReason.DECLINED.value, ClosureReason.DECLINED.label),
    (ClosureReason.UNABLE_TO_ASSESS.value, ClosureReason.UNABLE_TO_ASSESS.label),
    (ClosureReason.OUT_OF_SCOPE.value, ClosureReason.OUT_OF_SCOPE.label),
    (ClosureReason.DUPLICATE.value, ClosureReason.DUPLICATE.label),
]


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high (imminent)"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class CareThreshold(models.TextChoices):
    NONE = "none", "No mental-health treatment need"
    PRIMARY = "primary", "Primary care (mild to moderate need)"
    SECONDARY = "secondary", "Secondary care (meets community mental-health services threshold)"


class Indicator(models.TextChoices):
    NO = "no", "No indication"
    POSSIBLE = "possible", "Possible: needs further assessment"
    DIAGNOSED = "diagnosed", "Known diagnosis"
    NOT_KNOWN = "not_known", "Not known"


class ConsentKind(models.TextChoices):
    TO_BE_ASSESSED = "to_be_assessed", "Consent to be assessed"
    TO_SHARE = "to_share", "Consent to share the assessment"


class Agency(models.TextChoices):
    POLICE = "police", "Police"
    CPS = "cps", "Crown Prosecution Service"
    COURT = "court", "Court"
    PROBATION = "probation", "Probation"


class OnwardService(models.TextChoices):
    GP = "gp", "GP"
    COMMUNITY_MENTAL_HEALTH = "cmht", "Community mental-health team"
    CRISIS_TEAM = "crisis", "Crisis or home treatment team"
    IAPT = "talking_therapies", "NHS Talking Therapies"
    DRUG_ALCOHOL = "drug_alcohol", "Drug and alcohol service"
    LEARNING_DISABILITY = "learning_disability", "Learning-disability team"
    NEURODEVELOPMENTAL = "neurodevelopmental", "Autism or ADHD service"
    HOUSING = "housing", "Housing"
    WOMENS_CENTRE = "womens_centre", "Women's centre"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse service"
    VETERANS = "veterans", "Veterans' service"
    DEBT_ADVICE = "debt_advice", "Debt and benefits advice"
    EMPLOYMENT = "employment", "Education, training or employment support"
    SOCIAL_CARE = "social_care", "Adult social care"
    OTHER = "other", "Other"


class OnwardOutcome(models.TextChoices):
    PENDING = "pending", "Awaiting first appointment"
    ATTENDED = "attended", "First appointment attended"
    NOT_ATTENDED = "not_attended", "First appointment not attended"
    DECLINED = "declined", "Declined the service"
