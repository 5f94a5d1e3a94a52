"""Recommendations from a signed assessment, their criteria, and the court's decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Site, Team
from core.models import TimeStampedModel, VersionedModel
from core.urls import url_for_id
from referrals.models import Person, Referral

from ..enums import HearingOutcome, RecommendationStatus, RequirementKind


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
        return url_for_id("treatment_requirements:recommendation_detail", self.pk)

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
        from ..criteria import criterion_text

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
