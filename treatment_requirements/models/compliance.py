"""Compliance and enforcement: appointments, failures to comply, warnings, breach referrals."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import TimeStampedModel, VersionedModel

from ..enforcement import warning_period_last_day
from ..enums import AppointmentOutcome, BreachOutcome, EnforcementAction
from .orders import Order, OrderRequirement


class Appointment(VersionedModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="appointments")
    requirement = models.ForeignKey(
        OrderRequirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    starts_at = models.DateTimeField()
    purpose = models.CharField(max_length=120)
    location = models.CharField(max_length=120, blank=True)
    outcome = models.CharField(max_length=24, choices=AppointmentOutcome.choices, blank=True)
    excuse = models.TextField(max_length=2000, blank=True)
    evidence = models.TextField(max_length=2000, blank=True)
    outcome_notes = models.TextField(max_length=2000, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rescheduled_to = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["order", "starts_at"], name="appointment_order_start"),
            # Today's appointments in time order, and the reminders' time windows.
            models.Index(fields=["starts_at", "id"], name="appointment_start"),
            # The caseload's "outcomes not yet recorded", oldest first (issue 8).
            models.Index(
                fields=["starts_at", "id"], condition=Q(outcome=""), name="appointment_outcome_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=AppointmentOutcome.ACCEPTABLE_ABSENCE) | Q(excuse__gt=""),
                name="appointment_acceptable_absence_needs_excuse",
            )
        ]

    def __str__(self):
        return f"{self.purpose} at {self.starts_at:%d/%m/%Y %H:%M}"

    @property
    def has_started(self):
        """An outcome can only be recorded once the appointment's time has come."""
        return self.starts_at <= timezone.now()


class Failure(TimeStampedModel):
    """An unacceptable failure to comply, and the enforcement action it calls for.

    It comes from exactly one record: an appointment coded as an unacceptable absence or as
    attended but failed to comply (conduct that ended the session), or a drug test refused
    or tampered with and judged unacceptable. The same warning/breach rule and deadline apply
    to every kind.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="failures")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="failure"
    )
    drug_test = models.OneToOneField(
        "DrugTest", on_delete=models.PROTECT, null=True, blank=True, related_name="failure"
    )
    failure_date = models.DateField()
    description = models.TextField(max_length=2000)
    deadline = models.DateField(help_text="Enforcement action due by this date")
    action = models.CharField(max_length=16, choices=EnforcementAction.choices, blank=True)
    action_on = models.DateField(null=True, blank=True)
    action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["failure_date", "id"]
        indexes = [
            models.Index(fields=["order", "action"], name="failure_order_action"),
            # The caseload's open non-compliance, by enforcement deadline (issue 8).
            models.Index(fields=["deadline", "id"], condition=Q(action=""), name="failure_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment__isnull=False, drug_test__isnull=True)
                | Q(appointment__isnull=True, drug_test__isnull=False),
                name="failure_has_one_source",
            )
        ]

    def __str__(self):
        return f"Failure to comply on {self.failure_date:%d/%m/%Y}"

    @property
    def is_open(self):
        return not self.action

    @property
    def source_label(self) -> str:
        """What the failure came from, for lists ("Appointment" or "Drug test")."""
        return "Drug test" if self.drug_test_id else "Appointment"


class FormalWarning(TimeStampedModel):
    """A formal warning, with the letter text given to the person."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="warnings")
    failure = models.OneToOneField(Failure, on_delete=models.PROTECT, related_name="warning")
    given_on = models.DateField()
    letter_text = models.TextField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["given_on", "id"]
        # Named as before the model was renamed (subject access exports: "Warnings").
        verbose_name = "warning"

    def __str__(self):
        return f"Warning given {self.given_on:%d/%m/%Y}"

    @property
    def period_last_day(self) -> datetime.date:
        """The last day a further failure counts against this warning (the day before the
        anniversary of the day it was given)."""
        return warning_period_last_day(self.given_on)


class BreachReferral(TimeStampedModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="breaches")
    failure = models.OneToOneField(Failure, on_delete=models.PROTECT, related_name="breach")
    referred_on = models.DateField()
    details = models.TextField(max_length=4000)
    outcome = models.CharField(
        max_length=24, choices=BreachOutcome.choices, default=BreachOutcome.PENDING
    )
    outcome_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(max_length=2000, blank=True)
    extension_months = models.PositiveSmallIntegerField(default=0)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["referred_on", "id"]
        indexes = [
            # The caseload's breaches awaiting the court (issue 8).
            models.Index(
                fields=["referred_on", "id"],
                condition=Q(outcome=BreachOutcome.PENDING),
                name="breach_pending",
            )
        ]

    def __str__(self):
        return f"Breach referral {self.referred_on:%d/%m/%Y}"
