"""Recommendation screens: propose, checklist, gate, court summary, court outcome."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_request, audit_view
from accounts.enums import AuditAction, Role
from accounts.policy import Action, Kind, Scope, require, scope_for
from assessments.selectors import assessment_for_sharing, assessment_get_for_user
from core.view_helpers import form_page, submit

from .. import forms, selectors, services
from ..enums import HearingOutcome, RecommendationStatus
from ..models import ProposedRequirement
from .common import FORM_PAGE, STALE_STATUS


@require_http_methods(["GET", "POST"])
def recommendation_new(request, assessment_pk):
    if require(request, Action.CREATE, Kind.RECOMMENDATION) != Scope.TEAM:
        raise PermissionDenied("Only the person's L&D team can make a recommendation.")
    assessment = assessment_get_for_user(request, assessment_pk)
    person = assessment.referral.person
    form = forms.RecommendationCreateForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.recommendation_create(
            assessment=assessment,
            requirements=[{"kind": kind} for kind in data["kinds"]],
            notes=data["notes"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, "Recommendation started: complete each checklist.")
        return redirect(outcome.result)
    audit_view(request, assessment, person.pk, "recommendation form")
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Recommend treatment requirements",
        caption=person.full_name,
        person=person,
        submit="Continue",
        cancel_url=assessment.get_absolute_url(),
        intro="You will confirm each requirement's statutory criteria, with evidence, next.",
        status=outcome.status,
    )


@require_http_methods(["GET"])
def recommendation_detail(request, pk):
    recommendation = selectors.recommendation_get_for_user(request, pk)
    can_change = (
        scope_for(request.user, Action.CHANGE, Kind.RECOMMENDATION) == Scope.TEAM
        and recommendation.status == RecommendationStatus.DRAFT
    )
    context = {
        "recommendation": recommendation,
        "person": recommendation.person,
        "checklist": selectors.checklist(recommendation),
        "problems": services.recommendation_problems(recommendation),
        "can_change": can_change,
        "can_record_outcome": (
            scope_for(request.user, Action.CREATE, Kind.ORDER) == Scope.TEAM
            and recommendation.status == RecommendationStatus.READY
        ),
        "court_outcomes": list(recommendation.court_outcomes.select_related("court")),
        "orders": list(recommendation.orders.all()),
        "version_form": forms.VersionForm(initial={"version": recommendation.version}),
    }
    audit_view(request, recommendation, recommendation.person_id)
    return render(request, "treatment_requirements/recommendation_detail.html", context)


def _recommendation_for_change(request, pk):
    if scope_for(request.user, Action.CHANGE, Kind.RECOMMENDATION) != Scope.TEAM:
        require(request, Action.CHANGE, Kind.RECOMMENDATION)
        raise PermissionDenied("Only the person's L&D team can change a recommendation.")
    return selectors.recommendation_get_for_user(request, pk, Action.CHANGE)


@require_http_methods(["GET", "POST"])
def requirement_checklist(request, pk, requirement_pk):
    recommendation = _recommendation_for_change(request, pk)
    requirement = get_object_or_404(
        ProposedRequirement.objects.prefetch_related("criteria"),
        pk=requirement_pk,
        recommendation=recommendation,
    )
    row = next(
        r
        for r in selectors.checklist(recommendation, suggest=True)
        if r["requirement"].pk == requirement.pk
    )
    initial = {
        "version": recommendation.version,
        "provider": requirement.provider_id,
        "duration_months": requirement.duration_months,
        "consent_given": requirement.consent_given,
    }
    form = forms.ChecklistForm(request.POST or None, initial=initial, checklist_row=row)
    outcome = submit(
        request,
        form,
        lambda data: services.recommendation_record_criteria(
            requirement=requirement,
            answers=form.answers(),
            consent_given=data["consent_given"],
            provider=data["provider"],
            duration_months=data["duration_months"],
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
        stale_status=STALE_STATUS,
    )
    if outcome:
        messages.success(request, f"Checklist saved for the {requirement.short_label}.")
        return redirect(recommendation)
    audit_view(request, recommendation, recommendation.person_id, "checklist")
    context = {
        "form": form,
        "recommendation": recommendation,
        "requirement": requirement,
        "person": recommendation.person,
    }
    return render(request, "treatment_requirements/checklist.html", context, status=outcome.status)


@require_POST
def recommendation_ready(request, pk):
    recommendation = _recommendation_for_change(request, pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return redirect(recommendation)
    try:
        services.recommendation_mark_ready(
            recommendation=recommendation,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        if isinstance(exc, services.NotReadyError):
            messages.error(
                request,
                "The recommendation is not ready for court: "
                f"{len(exc.messages)} criterion or consent item(s) still need attention.",
            )
        else:
            messages.error(request, exc.messages[0])
        return redirect(recommendation)
    messages.success(request, "The recommendation is ready for court.")
    return redirect(recommendation)


@require_http_methods(["GET"])
def recommendation_print(request, pk):
    """The court/PSR summary: criteria and evidence, only as far as consent to share allows."""
    recommendation = selectors.recommendation_get_for_user(request, pk)
    # Probation reads it for the pre-sentence report; everyone else prepares it for the court.
    agency = "probation" if request.user.role == Role.PROBATION_OFFICER else "court"
    shareable = assessment_for_sharing(assessment=recommendation.assessment, agency=agency)
    context = {
        "recommendation": recommendation,
        "person": recommendation.person,
        "checklist": selectors.checklist(recommendation),
        "shareable": shareable is not None,
        "problems": services.recommendation_problems(recommendation),
    }
    audit_request(
        request,
        action=AuditAction.EXPORT,
        obj=recommendation,
        person_id=recommendation.person_id,
        detail="court summary printed" if shareable else "court summary without consent",
    )
    return render(request, "treatment_requirements/recommendation_print.html", context)


@require_http_methods(["GET", "POST"])
def court_outcome_new(request, pk):
    if require(request, Action.CREATE, Kind.ORDER) != Scope.TEAM:
        raise PermissionDenied("Court outcomes are recorded by the L&D team.")
    recommendation = selectors.recommendation_get_for_user(request, pk)
    proposed = list(recommendation.requirements.all())
    form = forms.CourtOutcomeForm(
        request.POST or None, recommendation=recommendation, proposed=proposed
    )
    submitted = submit(
        request,
        form,
        lambda data: services.court_outcome_record(
            recommendation=recommendation,
            hearing_date=data["hearing_date"],
            court=data["court"],
            outcome=data["outcome"],
            reason=data["reason"],
            order_data=form.order_data() if data["outcome"] == HearingOutcome.ORDER_MADE else None,
            requirements=form.requirements(),
            by=request.user,
            request=request,
        ),
    )
    if submitted:
        outcome = submitted.result
        messages.success(request, f"Court outcome recorded: {outcome.get_outcome_display()}.")
        return redirect(getattr(outcome, "order", None) or recommendation)
    audit_view(request, recommendation, recommendation.person_id, "court outcome form")
    context = {"form": form, "recommendation": recommendation, "person": recommendation.person}
    return render(
        request, "treatment_requirements/court_outcome.html", context, status=submitted.status
    )
