import unicodedata

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from accounts.models import Site, Team
from core.models import VersionedModel
from core.urls import url_for_id

from .enums import (
    AWAITING_STATUSES,
    OPEN_STATUSES,
    AllocationKind,
    ClosureReason,
    ContactChannel,
    ContactConsent,
    ContactLanguage,
    Gender,
    RecordAccessKind,
    ReferralSource,
    ReferralStatus,
    ReferrerRole,
    Urgency,
)
from .identifiers import format_nhs_number
from .pathway import URGENCY_ORDER
from .reoffending import check_due_on, window


def name_key(text: str) -> str:
    """Fold case and accents so "Zoë O'Brien" and "zoe obrien" match."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    letters = "".join(c for c in decomposed if c.isalnum() or c.isspace())
    return " ".join(letters.casefold().split())


class ReferenceData(models.Model):
    """A coded list administrators can edit (ethnicity, offence groups, vulnerabilities)."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Ethnicity(ReferenceData):
    """ONS 2021 census categories for England, with their high-level group."""

    group = models.CharField(max_length=80)

    class Meta(ReferenceData.Meta):
        verbose_name_plural = "ethnicities"

    def __str__(self):
        return f"{self.group}: {self.name}" if self.group != self.name else self.name


class OffenceCategory(ReferenceData):
    """Ministry of Justice offence groups."""

    class Meta(ReferenceData.Meta):
        verbose_name_plural = "offence categories"


class Vulnerability(ReferenceData):
    """A need L&D looks for (docs/domain.md "The pathway and the needs L&D looks for")."""

    class Meta(ReferenceData.Meta):
        verbose_name_plural = "vulnerabilities"


postcode_district_validator = RegexValidator(
    r"^[A-Z]{1,2}\d[A-Z\d]?$",
    "Enter the first half of the postcode only, like CB1 or SW1A",
)


class Person(VersionedModel):
    """Someone flagged to the L&D service. Identifiers are unique where given."""

    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(
        max_length=200, blank=True, help_text="Aliases or previous names, separated by commas"
    )
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=24, choices=Gender.choices, default=Gender.NOT_STATED)
    ethnicity = models.ForeignKey(Ethnicity, on_delete=models.PROTECT, null=True, blank=True)
    nhs_number = models.CharField(max_length=10, null=True, blank=True, unique=True)
    pnc_id = models.CharField("PNC ID", max_length=13, null=True, blank=True, unique=True)
    cro_number = models.CharField("CRO number", max_length=12, null=True, blank=True, unique=True)
    postcode_district = models.CharField(
        max_length=4, blank=True, validators=[postcode_district_validator]
    )
    local_authority = models.CharField(max_length=100, blank=True)
    is_veteran = models.BooleanField("Veteran of the armed forces", default=False)
    is_care_leaver = models.BooleanField("Care leaver", default=False)
    is_no_fixed_abode = models.BooleanField("No fixed abode", default=False)
    has_dependent_children = models.BooleanField("Has dependent children", default=False)
    needs_interpreter = models.BooleanField("Needs an interpreter", default=False)
    # The L&D team that first recorded the person; later referrals widen who can see them.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="people")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Folded names for duplicate matching and search (see name_key).
    search_name = models.CharField(max_length=260, editable=False, db_index=True)
    search_family = models.CharField(max_length=100, editable=False)
    search_given = models.CharField(max_length=100, editable=False)

    class Meta:
        verbose_name_plural = "people"
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["search_family", "search_given"], name="person_name_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_search_names()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return url_for_id("referrals:person_detail", self.pk)

    def refresh_search_names(self):
        self.search_given = name_key(self.given_name)
        self.search_family = name_key(self.family_name)
        self.search_name = (
            f"{self.search_given} {self.search_family} {name_key(self.other_names)}".strip()
        )

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_display(self):
        return format_nhs_number(self.nhs_number or "")

    def age_on(self, day):
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self):
        return self.age_on(timezone.localdate())


# "Most urgent first" (referrals.work_order), in index order: at risk, urgency, soonest
# target (NULLs last, as ORDER BY ... ASC), oldest, id.
URGENT_KEYS = ["-person_at_risk", "urgency_rank", "due_at", "received_at", "id"]


class PersonContact(VersionedModel):
    """How the person may be reached about their appointments, and whether they agreed to it.

    Messages to the person (notifications.PersonMessage) are written only while
    `reminders` is agreed, by `channel`, in `language`. Editing goes through
    core.concurrency (two officers at once).
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="contact")
    mobile = models.CharField("Mobile phone number", max_length=20, blank=True)
    email = models.EmailField("Email address", max_length=254, blank=True)
    address = models.TextField("Postal address", max_length=500, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    language = models.CharField(
        "Language for messages",
        max_length=2,
        choices=ContactLanguage.choices,
        default=ContactLanguage.ENGLISH,
    )
    reminders = models.CharField(
        "Appointment reminders",
        max_length=16,
        choices=ContactConsent.choices,
        default=ContactConsent.NOT_ASKED,
    )
    channel = models.CharField(
        "Send reminders by", max_length=8, choices=ContactChannel.choices, blank=True
    )
    # None: not asked. A shared phone or a partner who must not know: no voicemail, no letter
    # left with others; messages still carry no health detail either way.
    safe_to_leave_messages = models.BooleanField("Safe to leave messages", null=True, blank=True)
    consent_recorded_on = models.DateField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reminders="agreed") | ~models.Q(channel=""),
                name="person_contact_agreed_has_channel",
            )
        ]

    def __str__(self):
        return f"Contact details of person {self.person_id}"


class Referral(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=32, choices=ReferralSource.choices)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="referrals")
    received_at = models.DateTimeField()
    referrer_name = models.CharField(max_length=120)
    referrer_role = models.CharField(max_length=32, choices=ReferrerRole.choices)
    referrer_organisation = models.CharField(max_length=120)
    case_reference = models.CharField(
        "Custody record or court case number",
        max_length=40,
        blank=True,
        help_text="As printed by the force or court system",
    )
    offence_category = models.ForeignKey(
        OffenceCategory, on_delete=models.PROTECT, null=True, blank=True
    )
    reason = models.TextField("Reason for referral", max_length=4000)
    vulnerabilities = models.ManyToManyField(Vulnerability, blank=True, related_name="referrals")
    urgency = models.CharField(max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_referrals",
    )
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    closure_reason = models.CharField(max_length=32, choices=ClosureReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set by the assessments app when screening and assessment are done (timeliness).
    screened_at = models.DateTimeField(null=True, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Reoffending follow-up (referrals.reoffending): stored from received_at on every save so
    # the queues, reminders and dashboard facts find the checks due through an index.
    reoffending_check_due_on = models.DateField(editable=False, blank=True)
    reoffending_checked_on = models.DateField(null=True, blank=True)
    # The keys of "most urgent first" (My work, the list's sort), stored so each queue reads
    # its first rows from an index; kept by referrals.work_order.refresh_work_order.
    person_at_risk = models.BooleanField(default=False, editable=False)
    urgency_rank = models.PositiveSmallIntegerField(default=len(URGENCY_ORDER), editable=False)
    due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "case_reference"],
                condition=~models.Q(case_reference=""),
                name="referral_unique_case_reference_per_site",
                violation_error_message=(
                    "This custody record or court case number is already used for a referral "
                    "at this site"
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status=ReferralStatus.CLOSED, closure_reason__gt="")
                | ~models.Q(status=ReferralStatus.CLOSED),
                name="referral_closed_needs_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "-received_at"], name="referral_team_received"),
            models.Index(fields=["team", "status", "-received_at"], name="referral_team_status"),
            models.Index(fields=["assigned_to", "status"], name="referral_assignee_status"),
            models.Index(fields=["person", "-received_at"], name="referral_person_received"),
            # My work's queues, most urgent first (work_order), each through its own index:
            # the first rows of a team's backlog are read in order, never sorted.
            models.Index(
                fields=["team", *URGENT_KEYS],
                condition=models.Q(status__in=OPEN_STATUSES, assigned_to__isnull=True),
                name="referral_unassigned_urgent",
            ),
            models.Index(
                fields=["assigned_to", *URGENT_KEYS],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="referral_assigned_urgent",
            ),
            models.Index(
                fields=["team", *URGENT_KEYS],
                condition=models.Q(status__in=AWAITING_STATUSES),
                name="referral_awaiting_urgent",
            ),
            # The referral list's "Most urgent first" over a whole team (any status).
            models.Index(fields=["team", *URGENT_KEYS], name="referral_team_urgent"),
            # The L&D team's reoffending checks due (My work), oldest first.
            models.Index(
                fields=["team", "reoffending_check_due_on", "id"],
                condition=models.Q(reoffending_checked_on__isnull=True),
                name="referral_reoffending_due",
            ),
            # Every team's checks by due date: the daily reminders, and the probation
            # caseload (orders joined to their referrals, walked from the oldest due).
            models.Index(
                fields=["reoffending_check_due_on", "id"],
                condition=models.Q(reoffending_checked_on__isnull=True),
                name="referral_reoffending_due_all",
            ),
        ]

    def __str__(self):
        return f"Referral {self.reference}"

    def save(self, *args, **kwargs):
        self.refresh_reoffending_due()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return url_for_id("referrals:referral_detail", self.pk)

    @property
    def reference(self):
        return f"R{self.pk:06d}" if self.pk else "new"

    @property
    def is_open(self):
        return self.status != ReferralStatus.CLOSED

    def refresh_reoffending_due(self):
        """Keep the stored check-due date in step with the time of receipt."""
        if self.received_at is not None:
            self.reoffending_check_due_on = check_due_on(self.received_at)

    @property
    def reoffending_check_is_due(self) -> bool:
        """The 12 months have ended and the check is not recorded yet."""
        return (
            self.reoffending_checked_on is None
            and self.reoffending_check_due_on <= timezone.localdate()
        )

    @property
    def reoffending_window(self):
        """(first day, last day) of the 12 months beginning with the date of receipt."""
        return window(self.received_at)


class ReferralStatusChange(models.Model):
    """History of a referral's status: who moved it, when, from what, to what and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    reason = models.CharField(max_length=255, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} -> {self.to_status}"


class ReferralAllocation(models.Model):
    """A referral given to a practitioner of its team (or left unassigned), or transferred
    to another L&D team, with who did it and why. Written by referrals.services
    referral_assign (also in bulk) and referral_transfer; read by the referral's
    "Allocation history", the person's timeline, "New to me" on My work and the inbox
    reminder (notifications.rules.referral_allocated)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="allocations")
    # None: left unassigned (unassigned, or transferred to the team without a practitioner).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral_allocations",
    )
    # The team holding the referral from this allocation on.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        max_length=16, choices=AllocationKind.choices, default=AllocationKind.ALLOCATION
    )
    # Required for a transfer; free text about the case, so never in the audit trail.
    reason = models.CharField(max_length=500, blank=True)
    allocated_at = models.DateTimeField(default=timezone.now)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-allocated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=AllocationKind.TRANSFER) | ~models.Q(reason=""),
                name="referral_transfer_needs_reason",
            ),
        ]
        indexes = [
            # New to me: a practitioner's allocations since their last look at My work.
            models.Index(
                fields=["assigned_to", "allocated_at", "id"], name="referral_alloc_assignee"
            ),
            # New to me for team leads: transfers into the team with nobody assigned.
            models.Index(
                fields=["team", "allocated_at", "id"],
                condition=models.Q(assigned_to__isnull=True, kind=AllocationKind.TRANSFER),
                name="referral_alloc_team_unassigned",
            ),
            # The hourly reminder rule's look-back window.
            models.Index(fields=["allocated_at"], name="referral_alloc_recent"),
        ]

    def __str__(self):
        return f"Referral R{self.referral_id:06d} {self.get_kind_display().lower()}"


class MyWorkLook(models.Model):
    """When a user last opened My work: referrals allocated or transferred to them after it
    are "New to me" (the same pattern as treatment_requirements.CaseloadLook)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="my_work_look"
    )
    looked_at = models.DateTimeField()

    def __str__(self):
        return f"My work last opened {self.looked_at:%d/%m/%Y %H:%M}"


class RecordAccess(models.Model):
    """One named member of staff on a person's exclusion or restriction list.

    EXCLUDED: they must not see the person. ALLOWED: the record is restricted, and only the
    staff with such an entry may see it. Applied by the access policy to every kind of
    record about the person (referrals.restrictions); changes go to the audit trail.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=RecordAccessKind.choices)
    reason = models.CharField(max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "added_at", "id"]
        constraints = [
            # One entry per person and user: nobody is both excluded and allowed.
            models.UniqueConstraint(fields=["person", "user"], name="record_access_unique"),
        ]
        indexes = [models.Index(fields=["user", "kind"], name="record_access_user")]

    def __str__(self):
        return f"{self.get_kind_display()} (person {self.person_id}, user {self.user_id})"
