"""The risk register: flags on a person, each reviewed on a date, removed with a reason.

A flag is never deleted or edited silently: raising, each review and a removal go through
`risks.services`, which write a `RiskFlagEvent` row and an audit entry. The rules (review
intervals, overdue, MAPPA/ROSH details) are in `risks.rules`.
"""

from django.conf import settings
from django.db import models

from accounts.models import Team
from core.models import VersionedModel
from core.urls import url_for_id
from referrals.models import Person

from . import rules
from .enums import MappaCategory, MappaLevel, RiskEventKind, RiskSource, RiskType, RoshLevel


class RiskFlagQuerySet(models.QuerySet):
    def current(self):
        return self.filter(removed_on__isnull=True)

    def removed(self):
        return self.filter(removed_on__isnull=False)

    def overdue(self, on):
        return self.current().filter(next_review_on__lt=on)


class RiskFlag(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risk_flags")
    risk_type = models.CharField("Type of risk", max_length=32, choices=RiskType.choices)
    mappa_category = models.PositiveSmallIntegerField(
        choices=MappaCategory.choices, null=True, blank=True
    )
    mappa_level = models.PositiveSmallIntegerField(
        choices=MappaLevel.choices, null=True, blank=True
    )
    rosh_level = models.CharField(max_length=16, choices=RoshLevel.choices, blank=True)
    note = models.TextField(max_length=rules.NOTE_MAX_LENGTH, blank=True)
    source = models.CharField(
        max_length=16, choices=RiskSource.choices, default=RiskSource.RAISED_BY_HAND
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField()
    # The owning team: reviews are its job, and its reminders go to it.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="risk_flags")
    next_review_on = models.DateField()
    last_reviewed_on = models.DateField(null=True, blank=True)
    removed_on = models.DateField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    removal_reason = models.TextField(max_length=rules.REASON_MAX_LENGTH, blank=True)

    objects = RiskFlagQuerySet.as_manager()

    class Meta:
        ordering = ["removed_on", "next_review_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review_on__gte=models.F("raised_on")),
                name="risk_review_not_before_raised",
            ),
            models.CheckConstraint(
                condition=models.Q(risk_type=RiskType.MAPPA)
                | models.Q(mappa_category__isnull=True, mappa_level__isnull=True),
                name="risk_mappa_details_only_on_mappa",
            ),
            models.CheckConstraint(
                condition=models.Q(risk_type=RiskType.ROSH) | models.Q(rosh_level=""),
                name="risk_rosh_level_only_on_rosh",
            ),
        ]
        indexes = [
            # The banner and the row markers: a person's current flags.
            models.Index(
                fields=["person", "risk_type"],
                condition=models.Q(removed_on__isnull=True),
                name="risk_current_by_person",
            ),
            # The daily review reminder: current flags by review date.
            models.Index(
                fields=["next_review_on"],
                condition=models.Q(removed_on__isnull=True),
                name="risk_current_by_review",
            ),
        ]

    def __str__(self):
        return f"Risk flag {self.pk}"

    def get_absolute_url(self):
        return url_for_id("risks:register", self.person_id)

    @property
    def is_current(self) -> bool:
        return self.removed_on is None

    @property
    def details(self) -> str:
        """The type with its MAPPA category and level or ROSH level (no note)."""
        if self.risk_type == RiskType.MAPPA and self.mappa_category and self.mappa_level:
            return f"MAPPA category {self.mappa_category}, level {self.mappa_level}"
        if self.risk_type == RiskType.ROSH and self.rosh_level:
            return f"ROSH: {self.get_rosh_level_display().lower()}"
        return self.get_risk_type_display()

    def review_status(self, on) -> str:
        return "removed" if not self.is_current else rules.review_status(self.next_review_on, on)

    def is_overdue(self, on) -> bool:
        return self.is_current and rules.is_overdue(self.next_review_on, on)


class RiskFlagEvent(models.Model):
    """The flag's history: raised, each review (with the next review date), removal."""

    flag = models.ForeignKey(RiskFlag, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=RiskEventKind.choices)
    happened_on = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A review's note, or a removal's reason (never shown to probation or providers).
    note = models.TextField(max_length=rules.REASON_MAX_LENGTH, blank=True)
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["happened_on", "recorded_at", "id"]

    def __str__(self):
        return f"Risk flag {self.flag_id} {self.kind}"
