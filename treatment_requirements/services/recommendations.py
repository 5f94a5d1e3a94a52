"""Recommendations from a signed assessment, their checklist and the gate to court."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.enums import AuditAction
from core.concurrency import StaleEditError, save_if_current

from ..criteria import criteria_for
from ..enums import (
    RecommendationStatus,
    RequirementKind,
)
from ..models import (
    CriterionConfirmation,
    ProposedRequirement,
    Recommendation,
)
from .history import history_record
from .requirement_checks import check_duration, check_provider, check_requirement_kinds


class NotReadyError(ValidationError):
    """The recommendation cannot go to court: `messages` lists what is missing."""


@transaction.atomic
def recommendation_create(
    *, assessment, requirements: list[dict], notes: str = "", by, request=None
) -> Recommendation:
    """Propose treatment requirements from a signed assessment.

    `requirements` holds dicts of kind and optionally provider, duration_months and
    consent_given (the checklist completes them). Side
    effects: one unanswered criterion row per statutory criterion, history, audit entry.
    """
    if not assessment.is_signed:
        raise ValidationError("Sign the assessment before making a recommendation from it.")
    check_requirement_kinds([r["kind"] for r in requirements])
    referral = assessment.referral
    recommendation = Recommendation.objects.create(
        assessment=assessment,
        person_id=referral.person_id,
        referral=referral,
        team_id=referral.team_id,
        notes=notes,
        created_by=by,
    )
    for data in requirements:
        _proposed_create(recommendation, data)
    kinds = ", ".join(RequirementKind.short_labels()[r["kind"]] for r in requirements)
    history_record(
        recommendation=recommendation,
        by=by,
        summary=f"Recommendation drafted: {kinds}",
        obj=recommendation,
        action=AuditAction.CREATE,
        request=request,
    )
    return recommendation


def _proposed_create(recommendation, data):
    if data.get("provider") is not None:
        check_provider(data["provider"])
    check_duration(data.get("duration_months"))
    proposed = ProposedRequirement.objects.create(
        recommendation=recommendation,
        kind=data["kind"],
        provider=data.get("provider"),
        duration_months=data.get("duration_months"),
        consent_given=bool(data.get("consent_given")),
        consent_recorded_on=timezone.localdate() if data.get("consent_given") else None,
    )
    CriterionConfirmation.objects.bulk_create(
        CriterionConfirmation(requirement=proposed, code=c.code) for c in criteria_for(data["kind"])
    )
    return proposed


@transaction.atomic
def recommendation_record_criteria(
    *,
    requirement: ProposedRequirement,
    answers: dict[str, tuple[bool | None, str]],
    consent_given: bool,
    provider,
    duration_months: int,
    expected_version: int,
    by,
    request=None,
) -> ProposedRequirement:
    """Save the checklist of one proposed requirement: each criterion met or not, evidence,
    consent, provider and duration. Refused (StaleEditError) if someone saved first."""
    recommendation = Recommendation.objects.select_for_update().get(
        pk=requirement.recommendation_id
    )
    if recommendation.version != expected_version:
        raise StaleEditError()
    if recommendation.status != RecommendationStatus.DRAFT:
        raise ValidationError("This recommendation has gone to court and can no longer change.")
    if provider is not None:
        check_provider(provider)
    check_duration(duration_months)
    for row in requirement.criteria.all():
        met, evidence = answers.get(row.code, (None, ""))
        if met and not evidence.strip():
            raise ValidationError(
                {f"evidence_{row.code}": "Give the evidence that this criterion is met"}
            )
        row.met, row.evidence = met, evidence
        row.save(update_fields=["met", "evidence", "updated_at"])
    if consent_given and not requirement.consent_given:
        requirement.consent_recorded_on = timezone.localdate()
    requirement.consent_given = consent_given
    requirement.provider = provider
    requirement.duration_months = duration_months
    requirement.save()
    save_if_current(recommendation, expected_version=expected_version, update_fields=["updated_at"])
    history_record(
        recommendation=recommendation,
        by=by,
        summary=f"Checklist saved for {requirement.short_label}",
        obj=recommendation,
        action=AuditAction.CHANGE,
        request=request,
    )
    return requirement


def recommendation_problems(recommendation: Recommendation) -> list[str]:
    """Why the recommendation cannot go to court yet: one line per unmet criterion."""
    problems = []
    person = recommendation.person
    if person.age_on(timezone.localdate()) < 18:
        problems.append("Treatment requirements apply to adults only: the person is under 18")
    requirements = list(recommendation.requirements.prefetch_related("criteria"))
    if not requirements:
        problems.append("Propose at least one requirement")
    for requirement in requirements:
        for row in requirement.criteria.all():
            if row.met is not True:
                state = "not met" if row.met is False else "not yet confirmed"
                problems.append(f"{requirement.short_label}: {row.text} ({state})")
        if requirement.provider_id is None:
            problems.append(f"{requirement.short_label}: no treatment provider is named")
        if not requirement.duration_months:
            problems.append(f"{requirement.short_label}: no duration is proposed")
        if not requirement.consent_given:
            problems.append(
                f"{requirement.short_label}: the person's willingness to comply is not recorded"
            )
    return problems


@transaction.atomic
def recommendation_mark_ready(
    *, recommendation: Recommendation, expected_version: int, by, request=None
) -> Recommendation:
    """Mark a complete recommendation ready for court; refused, listing what is missing,
    while any criterion is unmet or consent is missing."""
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if locked.version != expected_version:
        raise StaleEditError()
    if locked.status != RecommendationStatus.DRAFT:
        raise ValidationError("This recommendation is already ready for court.")
    problems = recommendation_problems(locked)
    if problems:
        raise NotReadyError(problems)
    locked.status = RecommendationStatus.READY
    locked.ready_at, locked.ready_by = timezone.now(), by
    save_if_current(
        locked, expected_version=expected_version, update_fields=["status", "ready_at", "ready_by"]
    )
    history_record(
        recommendation=locked,
        by=by,
        summary="Recommendation marked ready for court",
        obj=locked,
        action=AuditAction.TRANSITION,
        request=request,
    )
    return locked
