"""Recommendations, court outcomes, orders and their community follow-up."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Site, Team
from core.models import TimeStampedModel, VersionedModel
from core.periods import day_after_period, period_last_day
from referrals.models import Person, Referral

from .enforcement import warning_period_last_day
from .enums import (
    AppointmentOutcome,
    BreachOutcome,
    DrugTestResult,
    EnforcementAction,
    HearingOutcome,
    MeasureStage,
    OrderStatus,
    OrderType,
    RecommendationStatus,
    ReoffendingKind,
    RequirementKind,
    TerminationReason,
)

MAX_ORDER_YEARS = 3
MAX_EXTENSION_MONTHS = 6
# A suspended sentence order's operational period: 6 months to 2 years from the order.
SSO_MIN_OPERATIONAL_MONTHS = 6
SSO_MAX_OPERATIONAL_MONTHS = 24


class Recommendation(VersionedModel):
    """The L&D practitioner's proposal to the court, made from a signed assessment."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="recommendations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="recommendations")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="recommendations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="recommendations")
    status = models.CharField(
        max_length=16, choices=RecommendationStatus.choices, default=RecommendationStatus.DRAFT
    )
    notes = models.TextField("Summary for the court", max_length=4000, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["team", "status"], name="recommendation_team_status")]

    def __str__(self):
        return f"Recommendation {self.reference}"

    def get_absolute_url(self):
        return reverse("treatment_requirements:recommendation_detail", args=[self.pk])

    @property
    def reference(self):
        return f"TR{self.pk:06d}" if self.pk else "new"


class ProposedRequirement(TimeStampedModel):
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=16, choices=RequirementKind.choices)
    provider = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposed_requirements",
    )
    duration_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Proposed length of the requirement, in months"
    )
    consent_given = models.BooleanField(
        "The person is willing to comply with this requirement", default=False
    )
    consent_recorded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "kind"], name="proposed_requirement_once_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True)
                | Q(duration_months__gte=1, duration_months__lte=36),
                name="proposed_requirement_duration_range",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def short_label(self):
        return RequirementKind.short_labels()[self.kind]


class CriterionConfirmation(TimeStampedModel):
    """One statutory criterion of a proposed requirement: met or not, and the evidence."""

    requirement = models.ForeignKey(
        ProposedRequirement, on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(max_length=32)
    met = models.BooleanField(null=True, blank=True)
    evidence = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "code"], name="criterion_once_per_requirement"
            )
        ]

    def __str__(self):
        return self.code

    @property
    def text(self):
        from .criteria import criterion_text

        return criterion_text(self.requirement.kind, self.code)


class CourtOutcome(TimeStampedModel):
    """What the court decided at a hearing on a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="court_outcomes"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="court_outcomes")
    hearing_date = models.DateField()
    court = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="court_outcomes")
    outcome = models.CharField(max_length=16, choices=HearingOutcome.choices)
    reason = models.TextField(
        "Reason or details",
        max_length=2000,
        blank=True,
        help_text="Why no order was made, or what else the court did",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-hearing_date", "-id"]

    def __str__(self):
        return f"{self.get_outcome_display()} on {self.hearing_date:%d/%m/%Y}"


class Order(VersionedModel):
    """A community order or suspended sentence order with treatment requirements."""

    court_outcome = models.OneToOneField(
        CourtOutcome, on_delete=models.PROTECT, related_name="order"
    )
    # Kept so uptake (recommendations that became orders) can be counted.
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="orders"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="orders")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="orders")
    order_type = models.CharField(max_length=24, choices=OrderType.choices)
    made_on = models.DateField()
    start_date = models.DateField()
    end_date = models.DateField()
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervised_orders"
    )
    probation_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.ACTIVE
    )
    extended_months = models.PositiveSmallIntegerField(default=0)
    # Suspended sentence orders only: the custodial term is suspended until this date, and
    # no requirement (the supervision period) may run past it.
    operational_period_end = models.DateField("Operational period ends", null=True, blank=True)
    termination_reason = models.CharField(
        max_length=32, choices=TerminationReason.choices, blank=True
    )
    termination_notes = models.TextField(max_length=2000, blank=True)
    terminated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [
            models.Index(fields=["probation_team", "status"], name="order_team_status"),
            # The caseload lists its active orders ending soonest (benchmark, issue 8).
            models.Index(
                fields=["probation_team", "status", "end_date", "id"], name="order_caseload_ending"
            ),
            # The caseload's orders list, paged by key (selectors.ORDER_SORTS): the whole
            # team's most recent first, and an officer's own cases in either sort.
            models.Index(
                fields=["probation_team", "status", "made_on", "id"], name="order_caseload_made"
            ),
            models.Index(
                fields=["responsible_officer", "status", "end_date", "id"],
                name="order_officer_ending",
            ),
            models.Index(
                fields=["responsible_officer", "status", "made_on", "id"],
                name="order_officer_made",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="order_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status=OrderStatus.ACTIVE, termination_reason="")
                | Q(status=OrderStatus.TERMINATED, termination_reason__gt=""),
                name="order_terminated_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(extended_months__lte=MAX_EXTENSION_MONTHS),
                name="order_extension_at_most_six_months",
            ),
            models.CheckConstraint(
                condition=Q(order_type=OrderType.SUSPENDED_SENTENCE)
                | Q(operational_period_end__isnull=True),
                name="order_operational_period_only_on_sso",
            ),
        ]

    def __str__(self):
        return f"Order {self.reference}"

    def get_absolute_url(self):
        return reverse("treatment_requirements:order_detail", args=[self.pk])

    @property
    def reference(self):
        return f"CO{self.pk:06d}" if self.pk else "new"

    @property
    def latest_end_date(self):
        """No order may end more than 3 years after it was made (plus one extension): the
        day after the 3-year period beginning with the date of the order."""
        months = MAX_ORDER_YEARS * 12 + self.extended_months
        return day_after_period(self.made_on, months)

    @property
    def is_suspended_sentence(self):
        return self.order_type == OrderType.SUSPENDED_SENTENCE

    @property
    def requirements_must_end_by(self):
        """The last day a requirement may run: the order's end, and for a suspended
        sentence order no later than its operational period."""
        if self.is_suspended_sentence and self.operational_period_end:
            return min(self.end_date, self.operational_period_end)
        return self.end_date

    @property
    def is_active(self):
        return self.status == OrderStatus.ACTIVE

    def clean(self):
        errors = {}
        if self.made_on and self.start_date and self.start_date < self.made_on:
            errors["start_date"] = "The order cannot start before the date it was made"
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The order's end date must be after its start date"
        if self.made_on and self.end_date and self.end_date > self.latest_end_date:
            errors["end_date"] = (
                f"An order ends no more than {MAX_ORDER_YEARS} years after it is made: "
                f"the latest end date is {self.latest_end_date:%d/%m/%Y}"
            )
        errors.update(self._operational_period_errors(errors))
        if errors:
            raise ValidationError(errors)

    def _operational_period_errors(self, errors) -> dict:
        if not self.is_suspended_sentence:
            if self.operational_period_end:
                return {
                    "operational_period_end": "Only a suspended sentence order has an "
                    "operational period: leave the operational period end date empty"
                }
            return {}
        if not self.operational_period_end:
            return {
                "operational_period_end": "Enter the date the suspended sentence order's "
                "operational period ends"
            }
        if not self.made_on:
            return {}
        earliest = period_last_day(self.made_on, SSO_MIN_OPERATIONAL_MONTHS)
        latest = period_last_day(self.made_on, SSO_MAX_OPERATIONAL_MONTHS)
        if not earliest <= self.operational_period_end <= latest:
            return {
                "operational_period_end": "The operational period must be between 6 months "
                f"and 2 years: it must end between {earliest:%d/%m/%Y} and {latest:%d/%m/%Y}"
            }
        if self.end_date and self.end_date > self.operational_period_end and not errors:
            return {
                "end_date": "The supervision period cannot run past the operational period: "
                f"the order must end by {self.operational_period_end:%d/%m/%Y}"
            }
        return {}


class OrderRequirement(TimeStampedModel):
    """A treatment requirement the court made, with its length and provider."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(max_length=16, choices=RequirementKind.choices)
    provider = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="order_requirements")
    length_months = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    proposed = models.ForeignKey(
        ProposedRequirement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_on_breach = models.BooleanField(default=False)
    # Why the court made a requirement that was not on the recommendation (shown on the order).
    not_proposed_reason = models.TextField(
        "Why the court made a requirement that was not recommended", max_length=2000, blank=True
    )
    # The person's willingness to comply, recorded before sentence (the proposed
    # requirement's consent date, or the date recorded when the court added it).
    willing_on = models.DateField(
        "Date the person said they were willing to comply", null=True, blank=True
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["provider", "order"], name="requirement_provider"),
            # The caseload's DRRs over 12 months, which must have reviews (issue 8).
            models.Index(
                fields=["end_date", "id"],
                condition=Q(kind=RequirementKind.DRR, length_months__gt=12),
                name="requirement_long_drr",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.length_months} months)"

    @property
    def short_label(self):
        return RequirementKind.short_labels()[self.kind]

    @property
    def needs_reviews(self):
        """DRR reviews are mandatory when the treatment period exceeds 12 months."""
        return self.kind == RequirementKind.DRR and self.length_months > 12


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


class Warning(TimeStampedModel):
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


class DrugTest(TimeStampedModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="drug_tests")
    requirement = models.ForeignKey(
        OrderRequirement, on_delete=models.PROTECT, related_name="drug_tests"
    )
    tested_on = models.DateField()
    substances = models.CharField("Substances tested for", max_length=200)
    result = models.CharField(max_length=16, choices=DrugTestResult.choices)
    positive_for = models.CharField(max_length=200, blank=True)
    # A refused or tampered test is a failure to comply, judged like any other: acceptable
    # (a reasonable excuse, with evidence) or not (None for the other results, and for
    # refusals recorded before issue 12, which were never judged).
    excuse_accepted = models.BooleanField(null=True, blank=True)
    excuse = models.TextField(max_length=2000, blank=True)
    evidence = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-tested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=sorted(DrugTestResult.failures()))
                | Q(excuse_accepted__isnull=True),
                name="drug_test_only_failures_judged",
            ),
            models.CheckConstraint(
                condition=~Q(excuse_accepted=True) | Q(excuse__gt="", evidence__gt=""),
                name="drug_test_acceptable_needs_excuse_and_evidence",
            ),
        ]

    def __str__(self):
        return f"Drug test {self.tested_on:%d/%m/%Y}: {self.get_result_display()}"


class ReviewHearing(TimeStampedModel):
    """A court review of a DRR, with the written progress report that goes before it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reviews")
    requirement = models.ForeignKey(
        OrderRequirement, on_delete=models.PROTECT, related_name="reviews"
    )
    review_date = models.DateField()
    progress_report = models.TextField(max_length=6000, blank=True)
    report_submitted_on = models.DateField(null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(null=True, blank=True)
    # Why no written progress report went to the court before the review, when none did.
    no_report_reason = models.TextField(
        "Why there was no progress report before the review", max_length=2000, blank=True
    )
    held_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["review_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "review_date"], name="review_once_per_day"
            )
        ]

    def __str__(self):
        return f"Review {self.review_date:%d/%m/%Y}"

    @property
    def report_before_hearing(self):
        """The written progress report reached the court on or before the review date."""
        return bool(
            self.progress_report.strip()
            and self.report_submitted_on
            and self.report_submitted_on <= self.review_date
        )


class OutcomeMeasure(TimeStampedModel):
    """An instrument repeated at the start, middle or end of a requirement."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="outcome_measures")
    stage = models.CharField(max_length=8, choices=MeasureStage.choices)
    instrument_code = models.CharField(max_length=16)
    response = models.OneToOneField(
        "assessments.InstrumentResponse", on_delete=models.PROTECT, related_name="outcome_measure"
    )
    measured_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["instrument_code", "measured_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "instrument_code", "stage"], name="outcome_measure_once_per_stage"
            )
        ]

    def __str__(self):
        return f"{self.instrument_code} ({self.get_stage_display()})"


class ReoffendingEvent(TimeStampedModel):
    """A re-arrest or reconviction found when following up a referral (any referral, with or
    without an order). It falls within the referral's window (referrals.reoffending) and, as
    a fact about the person, counts for every referral of theirs whose window contains it."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="reoffending_events"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reoffending")
    kind = models.CharField(max_length=16, choices=ReoffendingKind.choices)
    occurred_on = models.DateField()
    notes = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on:%d/%m/%Y}"


class OrderEvent(models.Model):
    """History of a recommendation and its order: who did what, when (append only)."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="events"
    )
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=255)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return self.summary


class OrderAllocation(models.Model):
    """An order given to a responsible officer: when the order is made, and each time its
    officer changes. "New to me" on the caseload, and the officer's inbox reminder
    (notifications.rules_tr.order_allocated), read these rows."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="allocations")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="order_allocations"
    )
    allocated_at = models.DateTimeField(default=timezone.now)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why the order moved to this officer (a reallocation or transfer); blank for the
    # allocation made with the order. The person's timeline shows the reallocations.
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-allocated_at", "-id"]
        indexes = [
            # New to me: an officer's allocations, most recent first, since their last look.
            models.Index(fields=["officer", "allocated_at", "id"], name="allocation_officer_new"),
            models.Index(fields=["allocated_at"], name="allocation_recent"),
        ]

    def __str__(self):
        return f"Order CO{self.order_id:06d} allocated {self.allocated_at:%d/%m/%Y}"


class CaseloadLook(models.Model):
    """When a user last opened their caseload: orders allocated to them after it are
    "New to me"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload_look"
    )
    looked_at = models.DateTimeField()

    def __str__(self):
        return f"Caseload last opened {self.looked_at:%d/%m/%Y %H:%M}"
