"""Orders the court made, their requirements, their history and who holds them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Team
from core.models import TimeStampedModel, VersionedModel
from core.periods import day_after_period, period_last_day
from core.urls import url_for_id
from referrals.models import Person, Referral

from ..enums import OrderStatus, OrderType, RequirementKind, TerminationReason
from .recommendations import CourtOutcome, ProposedRequirement, Recommendation

MAX_ORDER_YEARS = 3
MAX_EXTENSION_MONTHS = 6
# A suspended sentence order's operational period: 6 months to 2 years from the order.
SSO_MIN_OPERATIONAL_MONTHS = 6
SSO_MAX_OPERATIONAL_MONTHS = 24


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
        return url_for_id("treatment_requirements:order_detail", self.pk)

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
