"""Follow-up of an order and its referral: DRR drug tests and reviews, outcome measures,
reoffending."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import TimeStampedModel
from referrals.models import Person, Referral

from ..enums import DrugTestResult, MeasureStage, ReoffendingKind
from .orders import Order, OrderRequirement


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
