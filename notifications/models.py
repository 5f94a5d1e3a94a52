"""Reminders as durable rows: the database is the queue, Celery only carries ids.

A reminder is written first (unique per subject, kind, due date and recipient, so a second
beat or a retried task cannot create a second one), appears in the recipient's inbox at
once, and its email is delivered by notifications.tasks. See notifications.delivery for
the email state machine.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from referrals.enums import ContactChannel, ContactLanguage

from .enums import EmailState, PersonMessageKind, PersonMessageState, ReminderKind


class Reminder(models.Model):
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    # The record the reminder is about, by model label and id ("referrals.referral", 12).
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    due_on = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    # Wording and link hold references (R000123), never names or identifiers: they go by email.
    title = models.CharField(max_length=200)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=16, choices=EmailState.choices, default=EmailState.PENDING
    )
    by_digest = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # GOV.UK Notify's id for the email (blank by SMTP): proof of the one send.
    notify_id = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind", "due_on", "recipient"],
                name="reminder_unique_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="reminder_inbox"),
            models.Index(fields=["email_state", "next_attempt_at"], name="reminder_delivery"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.due_on})"

    @property
    def is_unread(self):
        return self.read_at is None


class NotificationPreference(models.Model):
    """How a user wants reminder emails: one each, a daily digest, or none (inbox only)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    daily_digest = models.BooleanField(
        "Send me one email a day listing my reminders",
        default=False,
    )
    email_enabled = models.BooleanField("Email me my reminders", default=True)
    dashboard_updates = models.BooleanField(
        "Tell me when the dashboards are updated each morning", default=False
    )
    calendar_invites = models.BooleanField(
        "Send calendar invites for my appointments", default=True
    )

    def __str__(self):
        return f"Notification preference of user {self.user_id}"


class CalendarInvite(models.Model):
    """One calendar invite (or cancellation) emailed to the officer who owns an appointment.

    Written in the booking, rescheduling or cancelling transaction (notifications.
    calendar_invites); sent after commit with the same claim as reminders: pending ->
    sending -> sent (or failed after retries). `uid` stays the same along a chain of
    reschedules, so the officer's calendar moves the one event; `sequence` grows.
    """

    class Method(models.TextChoices):
        REQUEST = "REQUEST", "Invite"
        CANCEL = "CANCEL", "Cancellation"

    appointment = models.ForeignKey(
        "treatment_requirements.Appointment", on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_invites"
    )
    method = models.CharField(max_length=8, choices=Method.choices)
    uid = models.CharField(max_length=120)
    sequence = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=EmailState.choices, default=EmailState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One row per version of the event each recipient gets (a retried write makes
            # none): an order handed over and back invites its first officer again, one
            # sequence up.
            models.UniqueConstraint(
                fields=["appointment", "method", "recipient", "sequence"],
                name="calendar_invite_once",
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="calendar_invite_delivery"),
            models.Index(fields=["uid", "recipient"], name="calendar_invite_uid"),
        ]

    def __str__(self):
        return f"Calendar {self.get_method_display().lower()} {self.uid} ({self.sequence})"


class CalendarFeed(models.Model):
    """A user's personal calendar feed: the secret in its URL is stored only as a hash.

    The URL is shown once, when the feed is made; a user has at most one live feed (a new
    one revokes the old). notifications.calendar_feed checks the user at every fetch.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendar_feed_one_live_per_user",
            )
        ]

    def __str__(self):
        return f"Calendar feed {self.pk} of user {self.user_id}"

    @property
    def is_live(self):
        return self.revoked_at is None


class PersonMessage(models.Model):
    """A message to the person about one appointment: a durable row, sent at most once.

    Written in the booking's transaction (a receiver of
    treatment_requirements.signals.appointments_changed) or by the day-before rule; sent
    by notifications.person_delivery. The body is the text as previewed and sent: a first
    name, the time, the place and who to ask for, never the requirement or a health detail.
    """

    person = models.ForeignKey(
        "referrals.Person", on_delete=models.CASCADE, related_name="messages"
    )
    appointment = models.ForeignKey(
        "treatment_requirements.Appointment", on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=16, choices=PersonMessageKind.choices)
    channel = models.CharField(max_length=8, choices=ContactChannel.choices, blank=True)
    language = models.CharField(max_length=2, choices=ContactLanguage.choices)
    body = models.TextField(max_length=2000)
    state = models.CharField(
        max_length=24, choices=PersonMessageState.choices, default=PersonMessageState.PENDING
    )
    send_after = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # GOV.UK Notify's id, and its latest delivery receipt (the callback).
    notify_id = models.CharField(max_length=64, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One of each kind per appointment: a second beat or a retried task writes none.
            models.UniqueConstraint(
                fields=["appointment", "kind"], name="person_message_unique_kind"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="person_message_delivery"),
            models.Index(fields=["person", "created_at"], name="person_message_person"),
            models.Index(fields=["notify_id"], name="person_message_notify_id"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for appointment {self.appointment_id}"
