from django.db import models


class RequirementKind(models.TextChoices):
    MHTR_PRIMARY = "mhtr_primary", "Mental health treatment requirement (primary care)"
    MHTR_SECONDARY = "mhtr_secondary", "Mental health treatment requirement (secondary care)"
    DRR = "drr", "Drug rehabilitation requirement"
    ATR = "atr", "Alcohol treatment requirement"

    @classmethod
    def short_labels(cls):
        return {
            cls.MHTR_PRIMARY: "MHTR (primary)",
            cls.MHTR_SECONDARY: "MHTR (secondary)",
            cls.DRR: "DRR",
            cls.ATR: "ATR",
        }

    @classmethod
    def mhtr(cls):
        return {cls.MHTR_PRIMARY, cls.MHTR_SECONDARY}


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready for court"
    WITHDRAWN = "withdrawn", "Withdrawn"


class HearingOutcome(models.TextChoices):
    ORDER_MADE = "order_made", "Order made"
    NOT_MADE = "not_made", "Order not made"
    ADJOURNED = "adjourned", "Adjourned"
    CUSTODY = "custody", "Custodial sentence"
    OTHER_DISPOSAL = "other_disposal", "Other disposal"


class OrderType(models.TextChoices):
    COMMUNITY_ORDER = "community_order", "Community order"
    SUSPENDED_SENTENCE = "suspended_sentence", "Suspended sentence order"


class OrderStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Ended"


class TerminationReason(models.TextChoices):
    COMPLETED = "completed", "Completed"
    REVOKED_GOOD_PROGRESS = "revoked_good_progress", "Revoked for good progress"
    REVOKED_BREACH = "revoked_breach", "Revoked on breach and resentenced"
    TRANSFERRED = "transferred", "Transferred"
    DIED = "died", "Died"
    OTHER = "other", "Other"


class AppointmentOutcome(models.TextChoices):
    ATTENDED_COMPLIED = "attended_complied", "Attended and complied"
    ATTENDED_FAILED = "attended_failed", "Attended but failed to comply"
    ACCEPTABLE_ABSENCE = "acceptable_absence", "Acceptable absence"
    UNACCEPTABLE_ABSENCE = "unacceptable_absence", "Unacceptable absence"
    RESCHEDULED = "rescheduled", "Rescheduled"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @classmethod
    def unacceptable_failures(cls):
        """Outcomes that are an unacceptable failure to comply: enforcement follows."""
        return {cls.ATTENDED_FAILED, cls.UNACCEPTABLE_ABSENCE}


class Recurrence(models.TextChoices):
    NONE = "none", "Does not repeat"
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"


class EnforcementAction(models.TextChoices):
    WARNING = "warning", "Give a warning"
    BREACH = "breach", "Refer for breach proceedings"


class BreachOutcome(models.TextChoices):
    PENDING = "pending", "Awaiting court"
    CONTINUED = "continued", "Order continued"
    REQUIREMENTS_ADDED = "requirements_added", "Requirements added"
    EXTENDED = "extended", "Order extended"
    REVOKED_RESENTENCED = "revoked_resentenced", "Revoked and resentenced"
    NOT_PROVEN = "not_proven", "Breach not proven"


class DrugTestResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    REFUSED = "refused", "Refused"
    TAMPERED = "tampered", "Tampered with or substituted"

    @classmethod
    def failures(cls):
        """Results that are a failure to comply with the testing requirement: the officer
        judges each acceptable or unacceptable, and an unacceptable one opens a Failure."""
        return {cls.REFUSED, cls.TAMPERED}


class MeasureStage(models.TextChoices):
    START = "start", "Start"
    MIDDLE = "middle", "Middle"
    END = "end", "End"


class ReoffendingKind(models.TextChoices):
    REARREST = "rearrest", "Re-arrest"
    RECONVICTION = "reconviction", "Reconviction"
