"""Reporting snapshot tables, built each night by reporting.snapshots (never edited by hand).

Schema (read by the dashboards, their headlines and exports through reporting.selectors)
=======================================================================================

Two fact tables hold *aggregated, unrounded counts* (never a person, a name or an
identifier) for one ``snapshot_date``: the state of the records **as at the end of that day
in Europe/London** (everything received before midnight that ends the day). Each night's
run (02:00) rebuilds yesterday's snapshot and any day it missed; rebuilding a day deletes
that day's rows and inserts them again in one transaction, so a rerun changes nothing.
reporting.dashboard_facts builds them; the column meanings are on each model below.

Every row is keyed by the REFERRAL: the month it was received (London), its L&D team and
source, and the person's priority cohorts at referral (woman, aged 18-24, veteran), so
every dashboard figure can be filtered the same way (period, team, source, cohort).
Orders, appointments, outcome measures and re-arrests count under the referral they grew
from. The dashboards read the latest complete snapshot (`ReportingRun.latest_snapshot_date`),
sum the counts over the dimensions they do not show, and apply disclosure control
(reporting.disclosure, docs/domain.md "Disclosure control") to what they display.

Run records
    ReportingRun   one row per night/command: started, finished, rows written, status, error
                   (no personal data), snapshot_date. Visible in the Django admin.
    AnonymisationLog  one row per person anonymised under the retention rule.
"""

from django.db import models
from django.utils import timezone

# Age on the (London) day of referral, in display order: CohortBreakdownFact's "age_band".
AGE_BANDS = [
    ("under_18", "Under 18"),
    ("18_24", "18 to 24"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_64", "55 to 64"),
    ("65_plus", "65 and over"),
]


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ReportingRun(models.Model):
    """One build of one day's snapshot (or a housekeeping pass), as shown to administrators."""

    snapshot_date = models.DateField(db_index=True)
    trigger = models.CharField(max_length=32, default="beat")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"
        indexes = [models.Index(fields=["status", "-snapshot_date"], name="run_status_day")]

    def __str__(self):
        return f"Snapshot {self.snapshot_date} ({self.get_status_display()})"

    @classmethod
    def latest_snapshot_date(cls):
        """The newest day with a complete snapshot, or None before the first run."""
        return (
            cls.objects.filter(status=RunStatus.SUCCEEDED)
            .order_by("-snapshot_date")
            .values_list("snapshot_date", flat=True)
            .first()
        )


class AnonymisationLog(models.Model):
    """A person anonymised under the retention rule (ids only: the names are gone)."""

    person_id = models.BigIntegerField(db_index=True)
    referrals = models.PositiveIntegerField()
    last_closed_at = models.DateTimeField()
    anonymised_at = models.DateTimeField(default=timezone.now)
    rule = models.CharField(max_length=120)

    class Meta:
        ordering = ["-anonymised_at"]

    def __str__(self):
        return f"Person {self.person_id} anonymised {self.anonymised_at:%Y-%m-%d}"


class _CohortFact(models.Model):
    snapshot_date = models.DateField()
    month = models.DateField()
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    source = models.CharField(max_length=32)

    class Meta:
        abstract = True


class CohortReferralFact(_CohortFact):
    """Referral counts along the pathway, with the referral's site and cohort flags.

    referrals: number of referrals; screened / assessed: done by the end of the day
    (screened_at / assessed_at set, whatever the stage now); *_within_target: done within
    referrals.pathway.timeliness_target(source); recommended: a recommendation was ready for court by the day; orders_made: an order
    was made by the day; orders_completed: an order ended completed or revoked for good
    progress; followed_up_12m: the 12 months beginning with the London date of receipt
    ended by the day (referrals.reoffending); rearrested_12m: of those, a re-arrest or
    reconviction of the person is recorded within those 12 months.
    """

    site = models.ForeignKey(
        "accounts.Site", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    is_woman = models.BooleanField()
    is_young_adult = models.BooleanField()
    is_veteran = models.BooleanField()
    referrals = models.PositiveIntegerField()
    screened = models.PositiveIntegerField()
    screened_within_target = models.PositiveIntegerField()
    assessed = models.PositiveIntegerField()
    assessed_within_target = models.PositiveIntegerField()
    recommended = models.PositiveIntegerField()
    orders_made = models.PositiveIntegerField()
    orders_completed = models.PositiveIntegerField()
    followed_up_12m = models.PositiveIntegerField()
    rearrested_12m = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["snapshot_date", "month"], name="cohortref_day_month")]

    def __str__(self):
        return f"{self.snapshot_date} {self.month:%Y-%m} {self.source}: {self.referrals}"


class CohortBreakdownFact(_CohortFact):
    """Counts by a category, one `measure` at a time (built by reporting.dashboard_facts).

    gender, age_band, ethnicity (group), vulnerability (code): referrals;
    hours_to_screening / hours_to_assessment: referrals by whole hours taken (720 = 720+);
    requirement (RequirementKind): requirements made; order_shape (single / combined):
    orders; order_ended (TerminationReason): orders ended; appointment (outcome, "" if not
    recorded): appointments started by the day; warning / breach ("" category): given;
    outcome_paired / outcome_improved (instrument code): orders with a start and an end
    score / whose score fell by the meaningful amount; onward_referral / onward_attended
    (OnwardService): onward referrals made / first appointment attended.

    `cohort` is "all", "women", "18_24" or "veterans": each count appears once under
    "all" and again under every priority cohort it belongs to, so a dashboard reads only
    the rows of the one cohort it shows.
    """

    cohort = models.CharField(max_length=16)
    measure = models.CharField(max_length=32)
    category = models.CharField(max_length=64, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["snapshot_date", "cohort", "month"], name="cohortbreak_day_month")
        ]

    def __str__(self):
        return f"{self.snapshot_date} {self.measure} {self.category}: {self.count}"


FACT_TABLES = [CohortReferralFact, CohortBreakdownFact]


class ReturnState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Being built"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired (file deleted)"


class ReturnScope(models.TextChoices):
    TEAM = "team", "My team"
    AREA = "area", "The whole area"


class ReturnRequest(models.Model):
    """One record-level return asked for by a commissioner or a team lead (reporting.return_build).

    The file lives in private storage for RETURN_KEEP_DAYS after it is ready, then
    housekeeping deletes it and marks the row expired. The row holds no personal data: the
    file name is made of the scope and the dates.
    """

    requester = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="return_requests"
    )
    scope = models.CharField(max_length=8, choices=ReturnScope.choices)
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    state = models.CharField(max_length=8, choices=ReturnState.choices, default=ReturnState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    # Referrals of people hidden from the requester (restricted records), left out.
    withheld = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    stored_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "expires_at"], name="return_state_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="return_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="return_progress_percent"
            ),
        ]

    def __str__(self):
        return f"Return {self.period_start} to {self.period_end} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in (ReturnState.READY, ReturnState.FAILED, ReturnState.EXPIRED)
