"""Screening, the full assessment, sign-off, addenda and instruments."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.enums import AuditAction
from core.concurrency import save_if_current
from core.forms import lower_first
from referrals.enums import ClosureReason, ReferralStatus
from referrals.models import Person, Referral
from referrals.services import referral_transition
from risks.enums import RiskSource, RiskType
from risks.models import RiskFlag
from risks.services import risk_flag_raise, risk_flag_remove

from .. import instruments
from ..enums import AssessmentStatus, ConsentKind, ScreeningDecision
from ..models import Addendum, Assessment, Consent, FormDraft, InstrumentResponse, Screening
from ..sections import BY_KEY, missing_fields
from .common import audit, check_day, refuse_if_signed

# Screening ---------------------------------------------------------------------------


@transaction.atomic
def screening_complete(
    *, referral: Referral, data: dict, vulnerabilities=(), by, request=None
) -> Screening:
    """Record the screening and move the referral on.

    Side effects: referral -> screened (stamps screened_at); with "onward referral only" or
    "no further action" the referral is then closed with the matching coded reason; audit.
    """
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    screening = _screening_checked(referral=referral, data=data, by=by)
    screening.save()
    screening.vulnerabilities.set(vulnerabilities)
    referral_transition(
        referral=referral,
        to_status=ReferralStatus.SCREENED,
        by=by,
        reason="Screened",
        request=request,
        by_record=screening,
    )
    _close_if_screened_out(referral=referral, screening=screening, by=by, request=request)
    FormDraft.objects.filter(referral=referral, step="screening").delete()
    audit(
        action=AuditAction.CREATE,
        by=by,
        obj=screening,
        person_id=referral.person_id,
        request=request,
        detail=f"decision {screening.decision}",
    )
    return screening


def _screening_checked(*, referral: Referral, data: dict, by) -> Screening:
    """The unsaved screening, once the referral may be screened and the answers are valid."""
    if Screening.objects.filter(referral=referral).exists():
        raise ValidationError("This referral has already been screened.", code="screened")
    if referral.status != ReferralStatus.RECEIVED:
        raise ValidationError(
            f"Only a received referral can be screened; this one is "
            f"{referral.get_status_display().lower()}.",
            code="status",
        )
    screening = Screening(**data, referral=referral, screened_by=by)
    # The reason belongs to "no further action" only: a changed decision drops a stale one.
    if screening.decision != ScreeningDecision.NO_FURTHER_ACTION:
        screening.no_further_action_reason = ""
    elif not screening.no_further_action_reason:
        raise ValidationError(
            {"no_further_action_reason": "Select why no further action is needed"}
        )
    check_day(screening.screened_on, referral=referral, field="screened_on", label="Date screened")
    screening.full_clean(exclude=["referral", "screened_by"])
    return screening


def _close_if_screened_out(*, referral: Referral, screening: Screening, by, request):
    """A decision that ends L&D's work closes the referral with the matching coded reason."""
    if screening.decision == ScreeningDecision.ONWARD_REFERRAL_ONLY:
        closure_reason = ClosureReason.ONWARD_REFERRAL
    elif screening.decision == ScreeningDecision.NO_FURTHER_ACTION:
        closure_reason = screening.no_further_action_reason
    else:
        return
    referral_transition(
        referral=referral,
        to_status=ReferralStatus.CLOSED,
        closure_reason=closure_reason,
        by=by,
        request=request,
    )


# Assessment --------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, referral: Referral, by, request=None) -> Assessment:
    """Open the full assessment of a screened referral (returns the existing one if started)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    existing = Assessment.objects.filter(referral=referral).first()
    if existing is not None:
        return existing
    screening = Screening.objects.filter(referral=referral).first()
    if screening is None or screening.decision != ScreeningDecision.FULL_ASSESSMENT:
        raise ValidationError(
            "Complete a screening that decides a full assessment is needed first.",
            code="not_screened",
        )
    if referral.status != ReferralStatus.SCREENED:
        raise ValidationError(
            f"This referral is {referral.get_status_display().lower()}: it cannot be assessed.",
            code="status",
        )
    assessment = Assessment.objects.create(
        referral=referral, started_by=by, assessed_on=timezone.localdate()
    )
    audit(
        action=AuditAction.CREATE,
        by=by,
        obj=assessment,
        person_id=referral.person_id,
        request=request,
    )
    return assessment


@transaction.atomic
def assessment_section_save(
    *, assessment: Assessment, section_key: str, data: dict, expected_version: int, by, request=None
) -> Assessment:
    """Save one step of a draft assessment (StaleEditError if someone saved it meanwhile).

    Side effects: the user's typed draft of that step is discarded; audit.
    """
    refuse_if_signed(assessment)
    section = BY_KEY[section_key]
    unknown = set(data) - set(section.fields)
    if unknown:
        raise ValueError(f"Fields {sorted(unknown)} are not in section {section_key}")
    for name, value in data.items():
        setattr(assessment, name, value)
    if "assessed_on" in data:
        check_day(
            assessment.assessed_on,
            referral=assessment.referral,
            field="assessed_on",
            label="Date of assessment",
        )
    assessment.full_clean(exclude=["referral", "started_by", "signed_by"])
    assessment.section_saved_at = {
        **(assessment.section_saved_at or {}),
        section_key: timezone.now().isoformat(),
    }
    save_if_current(
        assessment,
        expected_version=expected_version,
        update_fields=[*data, "section_saved_at", "updated_at"],
    )
    FormDraft.objects.filter(
        user=by, referral_id=assessment.referral_id, step=f"section-{section_key}"
    ).delete()
    audit(
        action=AuditAction.CHANGE,
        by=by,
        obj=assessment,
        person_id=assessment.referral.person_id,
        request=request,
        detail=f"section {section_key}",
    )
    return assessment


@dataclass(frozen=True)
class SignBlocker:
    """One thing that stops the assessment being signed, and where it is put right: a
    section's field, an instrument's first unanswered item, or consent to be assessed."""

    message: str
    section: str = ""
    field: str = ""
    instrument: str = ""  # its code
    item: int | None = None  # the first unanswered item, counted from 1
    consent: bool = False


def sign_blockers(assessment: Assessment) -> list[SignBlocker]:
    """Everything that stops the assessment being signed, in the order of the task list."""
    blockers = []
    for section, name in missing_fields(assessment):
        field = Assessment._meta.get_field(name)
        verb = "select" if field.choices else "enter"
        blockers.append(
            SignBlocker(
                f"{section.title}: {verb} the {lower_first(field.verbose_name)}",
                section=section.key,
                field=name,
            )
        )
    for response in assessment.instrument_responses.filter(is_complete=False).order_by("id"):
        blockers.append(
            SignBlocker(
                f"{response.code} is partly answered ({response.answered_count} of "
                f"{len(response.answers)} items): finish it or discard it",
                instrument=response.code,
                item=next((n for n, v in enumerate(response.answers, 1) if v is None), None),
            )
        )
    consent = (
        Consent.objects.filter(referral_id=assessment.referral_id, kind=ConsentKind.TO_BE_ASSESSED)
        .order_by("-recorded_at", "-id")
        .first()
    )
    if consent is None or not consent.is_current:
        blockers.append(
            SignBlocker("Consent: record that the person consents to be assessed", consent=True)
        )
    return blockers


def sign_problems(assessment: Assessment) -> list[str]:
    """Everything that stops the assessment being signed, as messages a user can act on."""
    return [blocker.message for blocker in sign_blockers(assessment)]


@transaction.atomic
def assessment_sign(
    *, assessment: Assessment, by, expected_version: int, request=None
) -> Assessment:
    """Sign the assessment, after which it is read-only.

    Refuses with every missing item listed. Side effects: referral -> assessed (stamps
    assessed_at); all typed drafts of this assessment are discarded; audit.
    """
    locked = Assessment.objects.select_for_update().select_related("referral").get(pk=assessment.pk)
    refuse_if_signed(locked)
    problems = sign_problems(locked)
    if problems:
        raise ValidationError(problems, code="incomplete")
    if locked.referral.status != ReferralStatus.SCREENED:
        raise ValidationError(
            f"The referral is {locked.referral.get_status_display().lower()}: reopen it first.",
            code="status",
        )
    locked.status = AssessmentStatus.SIGNED
    locked.signed_at = timezone.now()
    locked.signed_by = by
    save_if_current(
        locked,
        expected_version=expected_version,
        update_fields=["status", "signed_at", "signed_by", "updated_at"],
    )
    referral_transition(
        referral=locked.referral,
        to_status=ReferralStatus.ASSESSED,
        by=by,
        reason="Assessment signed",
        request=request,
        by_record=locked,
    )
    FormDraft.objects.filter(referral_id=locked.referral_id).exclude(step="screening").delete()
    audit(
        action=AuditAction.SIGN,
        by=by,
        obj=locked,
        person_id=locked.referral.person_id,
        request=request,
    )
    assessment.refresh_from_db()
    return assessment


@transaction.atomic
def addendum_add(
    *, assessment: Assessment, reason: str, text: str, section: str = "", by, request=None
) -> Addendum:
    """Add a correction to a signed assessment; the signed text itself never changes."""
    if assessment.status != AssessmentStatus.SIGNED:
        raise ValidationError("Edit the draft directly: addenda are for signed assessments.")
    if section and section not in BY_KEY:
        raise ValidationError({"section": "Select a section of the assessment"})
    addendum = Addendum(
        assessment=assessment, reason=reason, text=text, section=section, added_by=by
    )
    addendum.full_clean()
    addendum.save()
    audit(
        action=AuditAction.CREATE,
        by=by,
        obj=addendum,
        person_id=assessment.referral.person_id,
        request=request,
        detail=f"addendum to assessment {assessment.pk}",
    )
    return addendum


# Instruments -------------------------------------------------------------------------


@transaction.atomic
def instrument_save(
    *,
    code: str,
    answers: list,
    by,
    assessment: Assessment | None = None,
    person=None,
    difficulty: int | None = None,
    request=None,
) -> InstrumentResponse:
    """Store an instrument's answers item by item; score it only when every item is answered.

    With an assessment, there is one response per instrument (saved again as it is
    completed); without one (an outcome measure), each call records a new response.
    Flags are stored on every save, draft or complete (instruments.flags): PHQ-9 item 9
    above 0 raises the self-harm flag at once and stamps when it was first recorded; a
    draft whose answer is corrected back to 0 loses it (a signed assessment cannot change);
    leaving a flagged item blank again is refused.
    `difficulty` is the unscored final question of PHQ-9 and GAD-7.
    Raises ValidationError naming the item when an answer is not one of its options.
    """
    try:
        raised = instruments.flags(code, answers)
        instruments.validate_difficulty(code, difficulty)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_answer") from exc
    if assessment is not None:
        refuse_if_signed(assessment)
        person = assessment.referral.person
    response = _response_to_save(code=code, assessment=assessment, person=person, by=by)
    _refuse_unanswering_a_flag(response, code, answers)
    created = response.pk is None
    response.answers = list(answers)
    response.difficulty = difficulty
    response.recorded_by = by
    response.flags = sorted(raised)
    _stamp_self_harm(response, raised)
    _score_if_complete(response, code, answers)
    response.save()
    _register_self_harm(response, raised, assessment=assessment, by=by, request=request)
    if assessment is not None:
        FormDraft.objects.filter(
            user=by, referral_id=assessment.referral_id, step=f"instrument-{code.lower()}"
        ).delete()
    audit(
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        by=by,
        obj=response,
        person_id=person.pk,
        request=request,
        detail=f"{code} {'scored' if response.is_complete else 'draft'}",
    )
    return response


def _response_to_save(*, code: str, assessment, person, by) -> InstrumentResponse:
    """An assessment keeps one response per instrument (locked, as two tabs may save it);
    an outcome measure records a new response each time.

    The assessment's row is locked first: before the response exists there is no row to
    lock, and an autosave that raises a flag can reach the server with the form's own save,
    both finding no response and both inserting one (a 500 on the unique constraint)."""
    if assessment is None:
        return InstrumentResponse(code=code, person=person, recorded_by=by)
    list(Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk"))
    return (
        InstrumentResponse.objects.select_for_update()
        .filter(assessment=assessment, code=code)
        .first()
    ) or InstrumentResponse(assessment=assessment, code=code, person=person, recorded_by=by)


def _score_if_complete(response: InstrumentResponse, code: str, answers: list):
    """A score and band only for a finished instrument: a part-answered one has neither."""
    if instruments.is_complete(answers):
        result = instruments.score(code, answers)
        response.is_complete, response.total, response.band = True, result.total, result.band
        response.completed_at = timezone.now()
    else:
        response.is_complete, response.total, response.band = False, None, ""
        response.completed_at = None


def _refuse_unanswering_a_flag(response: InstrumentResponse, code: str, answers: list):
    """A stored flag is cleared only by answering its item below the threshold (a mistake
    corrected to "Not at all"), never by leaving the item blank, e.g. from a stale form."""
    for number, _threshold, flag in instruments.get(code).flag_rules:
        if flag in (response.flags or []) and answers[number - 1] is None:
            raise ValidationError(
                f"{code} question {number} was answered and raised a "
                f"{instruments.FLAG_LABELS.get(flag, flag).lower()}: answer it again "
                "(choose the first answer only if it was entered by mistake)",
                code="flag_unanswered",
            )


def _stamp_self_harm(response: InstrumentResponse, raised: set[str]):
    """Keep the time the self-harm answer was first saved; clear it when it is gone."""
    if "self_harm" not in raised:
        response.self_harm_recorded_at = None
    elif response.self_harm_recorded_at is None:
        response.self_harm_recorded_at = timezone.now()


# Text for the register: where the flag came from, never the answer or a score.
PHQ9_FLAG_NOTE = (
    "Raised automatically from PHQ-9 question 9 (thoughts of self-harm) answered above "
    '"Not at all". Review with the person\'s assessment.'
)
PHQ9_CORRECTED_REASON = (
    'PHQ-9 question 9 was corrected to "Not at all" on the draft this flag came from, '
    "before anyone reviewed the flag."
)


def _register_self_harm(response, raised, *, assessment, by, request):
    """PHQ-9 item 9 above 0 puts "self-harm or suicide" on the person's risk register,
    owned by the assessing team: once per response (re-saving raises no other), and not
    while the person already has a current self-harm flag. A draft whose answer is
    corrected back to 0 takes off the flag it raised, with the reason kept, unless the
    flag has been reviewed since (then a person owns the decision)."""
    if "self_harm" in raised:
        if response.risk_flag_id is not None:
            return
        # Lock the person: two saves at once (two tabs, autosave and submit) raise one entry.
        person = Person.objects.select_for_update().get(pk=response.person_id)
        if RiskFlag.objects.current().filter(person=person, risk_type=RiskType.SELF_HARM).exists():
            return
        response.risk_flag = risk_flag_raise(
            person=person,
            risk_type=RiskType.SELF_HARM,
            by=by,
            team=_assessing_team(assessment, person),
            note=PHQ9_FLAG_NOTE,
            source=RiskSource.PHQ9_ITEM_9,
            request=request,
        )
        response.save(update_fields=["risk_flag"])
        return
    flag = response.risk_flag
    if flag is not None and flag.is_current and flag.last_reviewed_on is None:
        risk_flag_remove(
            flag=flag,
            expected_version=flag.version,
            reason=PHQ9_CORRECTED_REASON,
            by=by,
            request=request,
        )
        response.risk_flag = None
        response.save(update_fields=["risk_flag"])


def _assessing_team(assessment, person):
    """The L&D team that assessed: the assessment's referral's; for an outcome measure
    (no assessment), the team of the person's latest referral, else the person's team."""
    if assessment is not None:
        return assessment.referral.team
    latest = person.referrals.select_related("team").order_by("-received_at", "-id").first()
    return latest.team if latest is not None else person.team


@transaction.atomic
def instrument_discard(*, response: InstrumentResponse, by, request=None):
    """Remove an instrument from a draft assessment (a signed one keeps everything).

    A response recording thoughts of self-harm is not removed: the risk must not vanish
    with the draft. Correcting the answer (if it was entered by mistake) clears the flag.
    """
    if response.assessment is not None:
        refuse_if_signed(response.assessment)
    if response.self_harm_recorded_at is not None:
        raise ValidationError(
            f"This {response.code} records thoughts of self-harm (question 9), so it cannot be "
            "removed. Finish it, or correct question 9 if it was entered by mistake.",
            code="risk_recorded",
        )
    audit(
        action=AuditAction.CHANGE,
        by=by,
        obj=response,
        person_id=response.person_id,
        request=request,
        detail=f"{response.code} discarded",
    )
    response.delete()
