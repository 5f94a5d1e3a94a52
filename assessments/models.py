import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import TimeStampedModel, VersionedModel
from core.urls import url_for_id
from referrals.enums import Urgency
from referrals.models import Person, Referral, Vulnerability

from . import instruments
from .enums import (
    Agency,
    AssessmentStatus,
    CareThreshold,
    ConsentKind,
    Indicator,
    OnwardOutcome,
    OnwardService,
    RiskLevel,
    ScreeningDecision,
)

_TEXT = 8000


def _text(label, help_text=""):
    return models.TextField(label, max_length=_TEXT, blank=True, help_text=help_text)


class Screening(TimeStampedModel):
    """The first look at a referral: needs, risk, urgency and what happens next."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="screening")
    screened_on = models.DateField("Date screened")
    vulnerabilities = models.ManyToManyField(Vulnerability, blank=True, related_name="screenings")
    risk_level = models.CharField(max_length=16, choices=RiskLevel.choices)
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    risk_notes = _text("Risk and urgency notes")
    decision = models.CharField(max_length=32, choices=ScreeningDecision.choices)
    no_further_action_reason = models.CharField(max_length=32, blank=True)
    decision_notes = _text("Reasons for the decision")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision=ScreeningDecision.NO_FURTHER_ACTION)
                | ~models.Q(no_further_action_reason=""),
                name="screening_nfa_needs_reason",
            )
        ]

    def __str__(self):
        return f"Screening of {self.referral}"


class Assessment(VersionedModel):
    """The full, trauma-informed assessment. Read-only once signed; corrected by addenda."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="assessment")
    status = models.CharField(
        max_length=8, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessed_on = models.DateField("Date of assessment", null=True, blank=True)
    presenting_needs = _text("Presenting needs")
    mental_health_history = _text("Mental-health history")
    mental_health_presentation = _text("Current mental-health presentation")
    drug_use = _text("Drug use")
    alcohol_use = _text("Alcohol use")
    learning_disability = models.CharField(
        "Learning disability", max_length=16, choices=Indicator.choices, blank=True
    )
    autism = models.CharField("Autism", max_length=16, choices=Indicator.choices, blank=True)
    adhd = models.CharField("ADHD", max_length=16, choices=Indicator.choices, blank=True)
    neurodevelopmental_notes = _text("Notes on learning disability, autism and ADHD")
    physical_health = _text("Physical health")
    trauma = _text("Trauma, including domestic and sexual abuse")
    safeguarding = _text("Safeguarding")
    housing = _text("Housing")
    finance = _text("Debt and finance")
    education_employment_training = _text("Education, employment and training")
    relationships = _text("Relationships and support")
    risk_to_self = _text("Risk to self")
    risk_to_others = _text("Risk to others")
    risk_level = models.CharField(max_length=16, choices=RiskLevel.choices, blank=True)
    formulation = _text("Formulation")
    care_threshold = models.CharField(
        "Mental-health care threshold", max_length=16, choices=CareThreshold.choices, blank=True
    )
    # When each section was last saved (section key -> ISO time), so a practitioner's
    # typed draft can be told apart from a colleague's later save of the same section.
    section_saved_at = models.JSONField(default=dict, blank=True, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=AssessmentStatus.SIGNED)
                | models.Q(signed_at__isnull=False, signed_by__isnull=False),
                name="assessment_signed_has_signer",
            )
        ]

    def __str__(self):
        return f"Assessment for {self.referral}"

    def get_absolute_url(self):
        return url_for_id("assessments:assessment_detail", self.pk)

    @property
    def is_signed(self):
        return self.status == AssessmentStatus.SIGNED

    def section_saved(self, key: str):
        """When the section was last saved, or None."""
        value = (self.section_saved_at or {}).get(key)
        return datetime.datetime.fromisoformat(value) if value else None


class InstrumentResponse(TimeStampedModel):
    """One completion of a validated instrument, stored item by item.

    Belongs to an assessment, or stands alone (an outcome measure repeated during an order).
    Scored only when every item is answered; until then it is a draft. Its flags are kept
    from the first save, draft or complete (instruments.flags), and a risk flag stamps
    `self_harm_recorded_at` and puts "self-harm or suicide" on the person's risk register
    (`risk_flag`, the register entry this response raised), which shows it on every page
    about the person.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="instrument_responses"
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instrument_responses",
    )
    code = models.CharField(max_length=16, choices=instruments.CODE_CHOICES)
    # One entry per item in order; None where the item is not yet answered.
    answers = models.JSONField(default=list)
    is_complete = models.BooleanField(default=False)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=32, blank=True)
    flags = models.JSONField(default=list, blank=True)
    # When the self-harm answer was first saved on this response; None when there is none
    # (cleared if a draft's answer is corrected back to "Not at all").
    self_harm_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The answer to the final, unscored question of PHQ-9 and GAD-7 (instruments.Instrument
    # .difficulty): kept and shown, never part of the total or of completeness.
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The risk register entry this response raised (None when it raised none, e.g. the
    # person already had a current self-harm flag). Kept after the flag is reviewed or
    # removed, so re-saving the response never raises a second one.
    risk_flag = models.ForeignKey(
        "risks.RiskFlag",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instrument_responses",
        editable=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "code"],
                condition=models.Q(assessment__isnull=False),
                name="instrument_once_per_assessment",
            ),
            models.CheckConstraint(
                condition=models.Q(is_complete=False, total__isnull=True)
                | models.Q(is_complete=True, total__isnull=False, completed_at__isnull=False),
                name="instrument_scored_only_when_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "code", "-completed_at"], name="instr_person"),
            # The risk banner and the list markers look only for flagged responses.
            models.Index(
                fields=["person", "-self_harm_recorded_at"],
                condition=models.Q(self_harm_recorded_at__isnull=False),
                name="instr_self_harm",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.total if self.is_complete else '(draft)'}"

    @property
    def instrument(self):
        return instruments.get(self.code)

    @property
    def band_label(self):
        return self.instrument.band_label(self.band) if self.band else ""

    @property
    def answered_count(self):
        return sum(1 for value in self.answers if value is not None)

    @property
    def has_self_harm_flag(self):
        return "self_harm" in (self.flags or [])

    def flag_labels(self):
        return [instruments.FLAG_LABELS.get(flag, flag) for flag in self.flags or []]

    @property
    def difficulty_label(self):
        question = self.instrument.difficulty
        if question is None or self.difficulty is None:
            return ""
        return dict(question.options).get(self.difficulty, "")


class Addendum(models.Model):
    """A correction or addition to a signed assessment; the original is never changed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="addenda")
    section = models.CharField(max_length=32, blank=True)
    reason = models.CharField("Reason for the addendum", max_length=500)
    text = models.TextField("Addendum", max_length=_TEXT)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum to {self.assessment}"


class Consent(models.Model):
    """One recorded consent decision. Withdrawal is added to the row; a new decision is a
    new row, so the history of what was agreed, when and by whom is kept."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    given = models.BooleanField()
    share_with_police = models.BooleanField(default=False)
    share_with_cps = models.BooleanField(default=False)
    share_with_court = models.BooleanField(default=False)
    share_with_probation = models.BooleanField(default=False)
    given_on = models.DateField("Date of the decision")
    notes = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["referral", "kind", "-recorded_at"], name="consent_current")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {'given' if self.given else 'refused'}"

    @property
    def is_current(self):
        return self.given and self.withdrawn_on is None

    def agencies(self) -> list[str]:
        return [agency for agency in Agency.values if getattr(self, f"share_with_{agency}")]

    def agency_labels(self) -> list[str]:
        return [Agency(agency).label for agency in self.agencies()]


class Disclosure(models.Model):
    """The assessment summary was produced for an agency under a consent."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="disclosures")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="disclosures")
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disclosed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-disclosed_at"]

    def __str__(self):
        return f"Summary of {self.assessment} shared"


class OnwardReferral(TimeStampedModel):
    """A referral on to another service, and whether the person got there."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="onward_referrals"
    )
    service = models.CharField(max_length=32, choices=OnwardService.choices)
    service_name = models.CharField(
        "Name of the service", max_length=200, blank=True, help_text="For example, the GP practice"
    )
    referred_on = models.DateField("Date referred")
    reason = models.TextField("Reason for referral", max_length=2000)
    outcome = models.CharField(
        max_length=16, choices=OnwardOutcome.choices, default=OnwardOutcome.PENDING
    )
    outcome_on = models.DateField("Date of the outcome", null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self):
        return f"Onward referral to {self.get_service_display()}"


class FormDraftQuerySet(models.QuerySet):
    def live(self):
        """Drafts not yet expired: those younger than LD_DRAFT_EXPIRY_DAYS. Housekeeping
        deletes the others each night (reporting.housekeeping.expire_stale_drafts); until
        then they are neither restored nor shown as work in progress."""
        cutoff = timezone.now() - datetime.timedelta(days=settings.LD_DRAFT_EXPIRY_DAYS)
        return self.filter(saved_at__gte=cutoff)


class FormDraft(models.Model):
    """What a practitioner had typed into one step, saved as they type.

    Kept per user and referral, outside the session, so it survives sign-out and session
    expiry; removed when the step is saved, and after LD_DRAFT_EXPIRY_DAYS.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    objects = FormDraftQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "referral", "step"], name="draft_one_per_step")
        ]

    def __str__(self):
        return f"Draft of {self.step}"
