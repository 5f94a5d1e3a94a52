"""Reporting snapshot tables, built each night by reporting.snapshots (never edited by hand).

Schema (stable: the dashboards in reporting/views.py, disclosure.py and exports.py read it)
=========================================================================================

Every fact table holds *aggregated, unrounded counts* (never a person, a name or an
identifier) for one ``snapshot_date``: the state of the records **as at the end of that day
in Europe/London** (everything received before midnight that ends the day). Each night's
run (02:00) rebuilds yesterday's snapshot and any day it missed; rebuilding a day deletes
that day's rows and inserts them again in one transaction, so a rerun changes nothing.

Dashboards should read the latest complete snapshot::

    day = ReportingRun.latest_snapshot_date()      # None before the first run
    ReferralFact.objects.filter(snapshot_date=day, team=...).values("month").annotate(
        n=Sum("referrals"))

and apply disclosure control (docs/domain.md "Disclosure control") to the sums they display. Sum the
counts over the dimensions you do not show; every table below can be summed that way.
Rates: numerator and denominator are both columns of the same table (e.g.
``screened_within_target / screened``).

Dimensions shared by the referral tables
    snapshot_date  date of the snapshot (as at end of day, London)
    month          first day of the month the referral was received (London)
    team           the L&D team that took the referral (FK to accounts.Team, no constraint)

ReferralFact: pathway, timeliness and closure by where the referral came from
    site           custody suite / court (FK to accounts.Site, no constraint)
    source         referrals.enums.ReferralSource value
    stage          pathway stage at snapshot_date: "received" (awaiting screening),
                   "screened", "assessed", "closed" (see referrals.enums.ReferralStatus)
    closure_reason referrals.enums.ClosureReason value, "" unless stage == "closed"
    referrals              number of referrals
    screened               screened by the end of the day (screened_at set, whatever stage)
    screened_within_target screened within referrals.pathway.timeliness_target(source)
    assessed               assessed by the end of the day
    assessed_within_target assessed within the same target
    overdue                still awaiting screening/assessment (stage received/screened)
                           and past the target at the end of the day

DemographicFact: who was referred (priority cohorts: women, 18-24, veterans)
    gender           referrals.enums.Gender value
    age_band         age on the day of referral: "under_18", "18_24", "25_34", "35_44",
                     "45_54", "55_64", "65_plus" (AGE_BANDS below, in display order)
    ethnicity_group  the ONS high-level group (referrals.Ethnicity.group), or "Not stated"
    referrals        number of referrals
    people           distinct people referred (within this row's dimensions)
    veterans         referrals of veterans of the armed forces
    with_vulnerability referrals with at least one vulnerability recorded

VulnerabilityFact: needs identified (a referral with 3 vulnerabilities counts in 3 rows)
    vulnerability    referrals.Vulnerability code
    referrals        referrals with that vulnerability

RequirementFact: treatment requirements and compliance (one row per group of requirements)
    month            first day of the month the order was made (made_on)
    team             the order's probation team (Order.probation_team)
    requirement_type treatment_requirements.enums.RequirementKind value
                     (mhtr_primary, mhtr_secondary, drr, atr)
    status           "active", or the order's TerminationReason once it ended by the day
    requirements     number of requirements
    appointments     appointments of these requirements that started by the end of the day
    attended         ... attended (complied or not)
    missed           ... absent (acceptable or unacceptable absence)
    warnings         warnings given on the orders these requirements belong to
    breaches         breach referrals made on those orders
    completed        requirements of orders completed or revoked for good progress
    NB: warnings and breaches belong to the order, so an order with two requirements counts
    in both types' rows: never sum them across requirement types; use OutcomeFact totals.

OutcomeFact: outcomes and order-level totals (month is the month of the event named)
    measure / category / count:
      "onward_referral"     category = assessments OnwardService; month referred; L&D team
      "onward_attended"     same, first appointment attended by the day
      "orders"              category = "active" or TerminationReason; month made; probation team
      "warnings"            category = ""; month the order was made; probation team
      "breaches"            category = BreachOutcome by the day ("pending" until decided)
      "reoffending_checked" category = ""; referrals whose 12-month check is done; month
                            of the check; L&D team
      "reoffending"         category = ReoffendingKind (rearrest, reconviction); events of
                            every referral; month of the event; L&D team
    count            number of records

Run records
    ReportingRun   one row per night/command: started, finished, rows written, status, error
                   (no personal data), snapshot_date. Visible in the Django admin.
    AnonymisationLog  one row per person anonymised under the retention rule.
"""

from django.db import models
from django.utils import timezone

AGE_BANDS = [
    ("under_18", "Under 18"),
    ("18_24", "18 to 24"),
    ("25_34", "25 to 34"),
    ("35_44", "35 to 44"),
    ("45_54", "45 to 54"),
    ("55_64", "55 to 64"),
    ("65_plus", "65 and over"),
]
STAGES = [
    ("received", "Awaiting screening"),
    ("screened", "Screened, awaiting assessment"),
    ("assessed", "Assessed"),
    ("closed", "Closed"),
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


class _Fact(models.Model):
    snapshot_date = models.DateField()
    month = models.DateField()
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        abstract = True


class ReferralFact(_Fact):
    site = models.ForeignKey(
        "accounts.Site", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    source = models.CharField(max_length=32)
    stage = models.CharField(max_length=16, choices=STAGES)
    closure_reason = models.CharField(max_length=32, blank=True)
    referrals = models.PositiveIntegerField()
    screened = models.PositiveIntegerField()
    screened_within_target = models.PositiveIntegerField()
    assessed = models.PositiveIntegerField()
    assessed_within_target = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["snapshot_date", "team"], name="referralfact_day_team")]

    def __str__(self):
        return f"{self.snapshot_date} {self.source} {self.stage}: {self.referrals}"


class DemographicFact(_Fact):
    gender = models.CharField(max_length=24)
    age_band = models.CharField(max_length=16, choices=AGE_BANDS)
    ethnicity_group = models.CharField(max_length=80)
    referrals = models.PositiveIntegerField()
    people = models.PositiveIntegerField()
    veterans = models.PositiveIntegerField()
    with_vulnerability = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["snapshot_date", "team"], name="demofact_day_team")]

    def __str__(self):
        return f"{self.snapshot_date} {self.gender} {self.age_band}: {self.referrals}"


class VulnerabilityFact(_Fact):
    vulnerability = models.CharField(max_length=64)
    referrals = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["snapshot_date", "team"], name="vulnfact_day_team")]

    def __str__(self):
        return f"{self.snapshot_date} {self.vulnerability}: {self.referrals}"


class RequirementFact(_Fact):
    requirement_type = models.CharField(max_length=32)
    status = models.CharField(max_length=32)
    requirements = models.PositiveIntegerField()
    appointments = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    missed = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    breaches = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["snapshot_date", "team"], name="reqfact_day_team")]

    def __str__(self):
        return f"{self.snapshot_date} {self.requirement_type} {self.status}: {self.requirements}"


class OutcomeFact(_Fact):
    measure = models.CharField(max_length=32)
    category = models.CharField(max_length=64)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["snapshot_date", "team"], name="outcomefact_day_team")]

    def __str__(self):
        return f"{self.snapshot_date} {self.measure} {self.category}: {self.count}"


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


FACT_TABLES = [ReferralFact, DemographicFact, VulnerabilityFact, RequirementFact, OutcomeFact]


# --- Dashboard facts (added by the dashboards work, issue 6; built by reporting.dashboard_facts)
#
# Everything here is keyed by the REFERRAL: the month it was received, its L&D team, source
# (and site), and the person's priority cohorts at referral (woman, aged 18-24, veteran),
# so every dashboard figure can be filtered the same way (period, team, source, cohort).
# Orders, appointments, outcome measures and re-arrests count under the referral they grew
# from. Counts are unrounded; the dashboards apply disclosure control.


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

    referrals, screened(_within_target), assessed(_within_target) as in ReferralFact;
    recommended: a recommendation was ready for court by the day; orders_made: an order
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
    """Counts by a category, one `measure` at a time (see reporting.dashboard_facts.MEASURES).

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


FACT_TABLES += [CohortReferralFact, CohortBreakdownFact]
