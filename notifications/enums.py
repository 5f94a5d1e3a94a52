from django.db import models


class ReminderKind(models.TextChoices):
    APPOINTMENT_TOMORROW = "appointment_tomorrow", "Appointment tomorrow"
    OUTCOME_NOT_RECORDED = "outcome_not_recorded", "Appointment outcome not recorded"
    REFERRAL_NOT_SCREENED = "referral_not_screened", "Referral not screened within target"
    REFERRAL_NOT_ASSESSED = "referral_not_assessed", "Referral not assessed within target"
    ENFORCEMENT_DUE = "enforcement_due", "Enforcement action due in 2 working days"
    ENFORCEMENT_OVERDUE = "enforcement_overdue", "Enforcement action overdue"
    DRR_REVIEW_NO_REPORT = "drr_review_no_report", "DRR review in 7 days without progress report"
    ORDER_ENDING = "order_ending", "Order ending in 14 days"
    WARNING_EXPIRING = "warning_expiring", "Warning expiring"
    REOFFENDING_CHECK_DUE = "reoffending_check_due", "Reoffending check due"
    DASHBOARD_UPDATED = "dashboard_updated", "Dashboards updated"
    ORDER_ALLOCATED = "order_allocated", "Order allocated to you"
    REFERRAL_ALLOCATED = "referral_allocated", "Referral allocated or transferred to you"
    RISK_REVIEW_DUE = "risk_review_due", "Risk flag review due"
    DOCUMENT_BLOCKED = "document_blocked", "Document blocked by the virus scan"
    MESSAGE_UNDELIVERED = "message_undelivered", "Message to the person not delivered"
    RETURN_READY = "return_ready", "Record-level return ready to download"


class EmailState(models.TextChoices):
    """The email side of a reminder: pending -> sending -> sent (the inbox needs no delivery).

    A row waiting for its recipient's daily digest is `digest`; it is claimed the same way.
    """

    PENDING = "pending", "Waiting to be sent"
    DIGEST = "digest", "Waiting for the daily digest"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    NOT_SENT = "not_sent", "Not sent (no email address)"
    FAILED = "failed", "Failed"


class PersonMessageKind(models.TextChoices):
    """Messages to the person about an appointment (never its type or any health detail)."""

    CONFIRMATION = "confirmation", "Appointment confirmation"
    RESCHEDULED = "rescheduled", "New appointment time"
    REMINDER = "reminder", "Appointment reminder"
    CANCELLED = "cancelled", "Appointment cancelled"


class PersonMessageState(models.TextChoices):
    """pending -> sending -> sent -> delivered | permanent/temporary/technical failure.

    Rows that will never go are kept with why: the officer chose not to send, the person
    declined or has no usable contact detail, no channel is configured, or the appointment
    changed before the message was due.
    """

    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent_failure", "Not delivered: the number or address is wrong"
    TEMPORARY_FAILURE = "temporary_failure", "Not delivered: the phone or inbox was unavailable"
    TECHNICAL_FAILURE = "technical_failure", "Not delivered: a technical failure"
    FAILED = "failed", "Failed to send"
    TO_PRINT = "to_print", "Letter to print and post"
    PRINTED = "printed", "Letter printed"
    NOT_SENT_OFFICER = "not_sent_officer", "Not sent: the officer chose not to send it"
    NOT_SENT_DECLINED = "not_sent_declined", "Not sent: the person declined reminders"
    NOT_SENT_NO_DETAILS = "not_sent_no_details", "Not sent: no contact details"
    NOT_SENT_NO_CHANNEL = "not_sent_no_channel", "Not sent: no channel configured"
    WITHDRAWN = "withdrawn", "Not sent: the appointment changed first"
