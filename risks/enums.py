from django.db import models


class RiskType(models.TextChoices):
    RISK_TO_STAFF = "risk_to_staff", "Risk to staff"
    RISK_TO_OTHERS = "risk_to_others", "Risk to others"
    SELF_HARM = "self_harm", "Self-harm or suicide"
    SAFEGUARDING_ADULT = "safeguarding_adult", "Safeguarding: adult"
    SAFEGUARDING_CHILD = "safeguarding_child", "Safeguarding: child"
    DOMESTIC_ABUSE_PERPETRATOR = "domestic_abuse_perpetrator", "Domestic abuse: perpetrator"
    DOMESTIC_ABUSE_VICTIM = "domestic_abuse_victim", "Domestic abuse: victim"
    MAPPA = "mappa", "MAPPA"
    ROSH = "rosh", "Risk of serious harm (ROSH)"
    WEAPONS = "weapons", "Weapons"
    GANG_AFFILIATION = "gang_affiliation", "Gang affiliation"
    VULNERABLE_TO_EXPLOITATION = "vulnerable_to_exploitation", "Vulnerable to exploitation"
    OTHER = "other", "Other"


class MappaCategory(models.IntegerChoices):
    """Multi-Agency Public Protection Arrangements (Criminal Justice Act 2003 s.325-327)."""

    ONE = 1, "Category 1: registered sexual offender"
    TWO = 2, "Category 2: violent offender"
    THREE = 3, "Category 3: other dangerous offender"


class MappaLevel(models.IntegerChoices):
    ONE = 1, "Level 1: ordinary agency management"
    TWO = 2, "Level 2: active multi-agency management"
    THREE = 3, "Level 3: active multi-agency management with senior oversight"


class RoshLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class RiskSource(models.TextChoices):
    RAISED_BY_HAND = "by_hand", "Raised by staff"
    PHQ9_ITEM_9 = "phq9_item_9", "PHQ-9 item 9"


class RiskEventKind(models.TextChoices):
    RAISED = "raised", "Raised"
    REVIEWED = "reviewed", "Reviewed"
    REMOVED = "removed", "Removed"
