"""Screens for recommendations, court outcomes and the order's community follow-up.

Thin views: load through an access-checked selector, validate with a form, call one
service, redirect. Every page showing a person's record writes an audit entry.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_record
from accounts.enums import AuditAction, Role
from accounts.policy import Action, Kind, Scope, require, scope_for
from assessments import instruments
from assessments.forms import InstrumentForm
from assessments.selectors import assessment_for_sharing, assessment_get_for_user
from core.concurrency import StaleEditError

from . import forms, selectors, services
from .enforcement import BREACH, required_action
from .enums import AppointmentOutcome, BreachOutcome, HearingOutcome, RecommendationStatus
from .models import (
    Appointment,
    BreachReferral,
    Failure,
    ProposedRequirement,
    ReviewHearing,
    Warning,
)

OUTCOME_MEASURE_CODES = ("PHQ-9", "GAD-7", "AUDIT", "DAST-10", "SADQ")


def _audit_view(request, obj, person_id, detail=""):
    audit_record(
        action=AuditAction.VIEW,
        user=request.user,
        obj=obj,
        person_id=person_id,
        detail=detail,
        request=request,
    )


def _apply_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the form: next to the field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if hasattr(error, "messages") else error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _form_page(
    request, form, *, title, caption="", submit="Save", cancel_url, intro="", status=200, extra=None
):
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "cancel_url": cancel_url,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "treatment_requirements/form_page.html", context, status=status)


def _invalid_status(form):
    return 400 if form.is_bound and form.errors else 200


# Caseload ---------------------------------------------------------------------------------


@require_http_methods(["GET"])
def caseload(request):
    require(request, Action.VIEW, Kind.ORDER)
    context = selectors.caseload(user=request.user)
    context["orders"] = selectors.caseload_orders(user=request.user)
    audit_record(
        action=AuditAction.VIEW,
        user=request.user,
        object_type="treatment_requirements.caseload",
        detail="caseload",
        request=request,
    )
    return render(request, "treatment_requirements/caseload.html", context)


# Recommendation --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def recommendation_new(request, assessment_pk):
    if require(request, Action.CREATE, Kind.RECOMMENDATION) != Scope.TEAM:
        raise PermissionDenied("Only the person's L&D team can make a recommendation.")
    assessment = assessment_get_for_user(request, assessment_pk)
    person = assessment.referral.person
    form = forms.RecommendationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.recommendation_create(
                assessment=assessment,
                requirements=[{"kind": kind} for kind in form.cleaned_data["kinds"]],
                notes=form.cleaned_data["notes"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Recommendation started: complete each checklist.")
            return redirect(recommendation)
    _audit_view(request, assessment, person.pk, "recommendation form")
    return _form_page(
        request,
        form,
        title="Recommend treatment requirements",
        caption=person.full_name,
        submit="Continue",
        cancel_url=assessment.get_absolute_url(),
        intro="You will confirm each requirement's statutory criteria, with evidence, next.",
        status=_invalid_status(form),
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
    _audit_view(request, recommendation, recommendation.person_id)
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
        r for r in selectors.checklist(recommendation) if r["requirement"].pk == requirement.pk
    )
    initial = {
        "version": recommendation.version,
        "provider": requirement.provider_id,
        "duration_months": requirement.duration_months,
        "consent_given": requirement.consent_given,
    }
    form = forms.ChecklistForm(request.POST or None, initial=initial, checklist_row=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_record_criteria(
                requirement=requirement,
                answers=form.answers(),
                consent_given=form.cleaned_data["consent_given"],
                provider=form.cleaned_data["provider"],
                duration_months=form.cleaned_data["duration_months"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Checklist saved for the {requirement.short_label}.")
            return redirect(recommendation)
    _audit_view(request, recommendation, recommendation.person_id, "checklist")
    context = {
        "form": form,
        "recommendation": recommendation,
        "requirement": requirement,
        "person": recommendation.person,
    }
    return render(
        request, "treatment_requirements/checklist.html", context, status=_invalid_status(form)
    )


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
    audit_record(
        action=AuditAction.EXPORT,
        user=request.user,
        obj=recommendation,
        person_id=recommendation.person_id,
        detail="court summary printed" if shareable else "court summary without consent",
        request=request,
    )
    return render(request, "treatment_requirements/recommendation_print.html", context)


# Court outcome ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def court_outcome_new(request, pk):
    if require(request, Action.CREATE, Kind.ORDER) != Scope.TEAM:
        raise PermissionDenied("Court outcomes are recorded by the L&D team.")
    recommendation = selectors.recommendation_get_for_user(request, pk)
    proposed = list(recommendation.requirements.all())
    form = forms.CourtOutcomeForm(request.POST or None, proposed=proposed)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.court_outcome_record(
                recommendation=recommendation,
                hearing_date=form.cleaned_data["hearing_date"],
                court=form.cleaned_data["court"],
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                order_data=form.order_data()
                if form.cleaned_data["outcome"] == HearingOutcome.ORDER_MADE
                else None,
                requirements=form.requirements(),
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            order = getattr(outcome, "order", None)
            messages.success(request, f"Court outcome recorded: {outcome.get_outcome_display()}.")
            return redirect(order or recommendation)
    _audit_view(request, recommendation, recommendation.person_id, "court outcome form")
    context = {"form": form, "recommendation": recommendation, "person": recommendation.person}
    return render(
        request, "treatment_requirements/court_outcome.html", context, status=_invalid_status(form)
    )


# The order -------------------------------------------------------------------------------


@require_http_methods(["GET"])
def order_detail(request, pk):
    order = selectors.order_get_for_user(request, pk)
    user = request.user
    context = {
        "order": order,
        "person": order.person,
        **selectors.order_detail(order),
        "can_change": order.is_active and scope_for(user, Action.CHANGE, Kind.ORDER) is not None,
        "can_enforce": order.is_active and user.role == Role.PROBATION_OFFICER,
        # Reoffending is followed up after the order too (12 months from the referral).
        "can_follow_up": user.role == Role.PROBATION_OFFICER,
        "version_form": forms.VersionForm(initial={"version": order.version}),
        "recommendation_visible": scope_for(user, Action.VIEW, Kind.RECOMMENDATION) is not None,
    }
    _audit_view(request, order, order.person_id)
    return render(request, "treatment_requirements/order_detail.html", context)


def _order_for_change(request, pk):
    order = selectors.order_get_for_user(request, pk, Action.CHANGE)
    if not order.is_active:
        messages.error(request, "This order has ended: it cannot be changed.")
        raise _Redirect(order.get_absolute_url())
    return order


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _redirecting(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as exc:
            return redirect(exc.url)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_redirecting
@require_http_methods(["GET", "POST"])
def appointment_new(request, pk):
    order = _order_for_change(request, pk)
    form = forms.AppointmentForm(request.POST or None, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            booked = services.appointment_schedule(
                order=order,
                starts_at=form.starts_at(),
                purpose=form.cleaned_data["purpose"],
                location=form.cleaned_data["location"],
                requirement=form.cleaned_data["requirement"],
                recurrence=form.cleaned_data["recurrence"],
                count=form.cleaned_data["count"] or 1,
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, _rename(exc, {"starts_at": "date"}))
        else:
            messages.success(request, f"{len(booked)} appointment(s) booked.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Book appointments",
        caption=f"{order.person.full_name}, order {order.reference}",
        submit="Book",
        cancel_url=order.get_absolute_url(),
        intro=f"The order runs from {order.start_date:%d/%m/%Y} to {order.end_date:%d/%m/%Y}.",
        status=_invalid_status(form),
    )


def _rename(exc: ValidationError, names: dict) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


def _appointment(order, appointment_pk):
    return get_object_or_404(
        Appointment.objects.select_related("requirement"), pk=appointment_pk, order=order
    )


@_redirecting
@require_http_methods(["GET", "POST"])
def appointment_outcome(request, pk, appointment_pk):
    order = _order_for_change(request, pk)
    appointment = _appointment(order, appointment_pk)
    if appointment.outcome and request.method == "GET":
        messages.error(request, "This appointment's outcome has already been recorded.")
        return redirect(order)
    form = forms.AppointmentOutcomeForm(
        request.POST or None, initial={"version": appointment.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            failure = services.appointment_record_outcome(
                appointment=appointment,
                outcome=data["outcome"],
                excuse=data["excuse"],
                evidence=data["evidence"],
                notes=data["notes"],
                expected_version=data["version"],
                by=request.user,
                request=request,
            )
        except StaleEditError:
            form.add_error(
                None,
                "Someone else recorded this appointment's outcome while you were doing so. "
                "Yours has not been saved: check the order page to see theirs.",
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"Outcome recorded: {AppointmentOutcome(data['outcome']).label}."
            )
            if failure is not None and request.user.role == Role.PROBATION_OFFICER:
                return redirect("treatment_requirements:failure_action", order.pk, failure.pk)
            return redirect(order)
    when = appointment.starts_at
    return _form_page(
        request,
        form,
        title="Record the appointment's outcome",
        caption=f"{order.person.full_name}, order {order.reference}",
        submit="Save outcome",
        cancel_url=order.get_absolute_url(),
        intro=f"{appointment.purpose}, {_local(when):%A %d %B %Y at %H:%M}.",
        status=_invalid_status(form),
    )


def _local(when):
    from django.utils import timezone

    return timezone.localtime(when)


@_redirecting
@require_http_methods(["GET", "POST"])
def appointment_reschedule(request, pk, appointment_pk):
    order = _order_for_change(request, pk)
    appointment = _appointment(order, appointment_pk)
    form = forms.RescheduleForm(request.POST or None, initial={"version": appointment.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_reschedule(
                appointment=appointment,
                starts_at=form.starts_at(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, _rename(exc, {"starts_at": "date"}))
        else:
            messages.success(request, "Appointment rescheduled.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Reschedule the appointment",
        caption=f"{order.person.full_name}, order {order.reference}",
        submit="Reschedule",
        cancel_url=order.get_absolute_url(),
        intro=f"{appointment.purpose}, now {_local(appointment.starts_at):%A %d %B %Y at %H:%M}.",
        status=_invalid_status(form),
    )


# Enforcement -----------------------------------------------------------------------------


@_redirecting
@require_http_methods(["GET", "POST"])
def failure_action(request, pk, failure_pk):
    order = selectors.order_for_enforcement(request, pk)
    if not order.is_active:
        raise _Redirect(order.get_absolute_url())
    failure = get_object_or_404(Failure, pk=failure_pk, order=order)
    if failure.action:
        messages.error(request, "Enforcement action has already been recorded for this failure.")
        return redirect(order)
    allowed = services.allowed_actions(failure)
    form = forms.EnforcementForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.failure_take_action(
                failure=failure,
                action=form.cleaned_data["action"],
                action_on=form.cleaned_data["action_on"],
                details=form.cleaned_data["details"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if isinstance(record, Warning):
                messages.success(request, "Warning recorded. Give the person the letter below.")
                return redirect("treatment_requirements:warning_letter", order.pk, record.pk)
            messages.success(request, "Breach referral recorded.")
            return redirect(order)
    warnings = list(order.warnings.values_list("given_on", flat=True))
    context = {
        "form": form,
        "order": order,
        "person": order.person,
        "failure": failure,
        "breach_required": required_action(failure.failure_date, warnings) == BREACH,
        "warnings": list(order.warnings.all()),
    }
    _audit_view(request, order, order.person_id, "enforcement decision")
    return render(
        request,
        "treatment_requirements/failure_action.html",
        context,
        status=_invalid_status(form),
    )


@require_http_methods(["GET"])
def warning_letter(request, pk, warning_pk):
    order = selectors.order_get_for_user(request, pk)
    warning = get_object_or_404(
        Warning.objects.select_related("failure"), pk=warning_pk, order=order
    )
    _audit_view(request, warning, order.person_id, "warning letter")
    context = {"order": order, "person": order.person, "warning": warning}
    return render(request, "treatment_requirements/warning_letter.html", context)


@_redirecting
@require_http_methods(["GET", "POST"])
def breach_outcome(request, pk, breach_pk):
    order = selectors.order_for_enforcement(request, pk)
    breach = get_object_or_404(BreachReferral, pk=breach_pk, order=order)
    if breach.outcome != BreachOutcome.PENDING:
        messages.error(request, "The outcome of this breach has already been recorded.")
        return redirect(order)
    form = forms.BreachOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.breach_record_outcome(
                breach=breach,
                outcome=data["outcome"],
                outcome_on=data["outcome_on"],
                notes=data["notes"],
                extension_months=data["extension_months"] or 0,
                added_requirement={
                    "kind": data["kind"],
                    "provider": data["provider"],
                    "length_months": data["length_months"],
                },
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Breach outcome recorded.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Record the outcome of the breach",
        caption=f"{order.person.full_name}, order {order.reference}",
        cancel_url=order.get_absolute_url(),
        intro=f"Referred for breach on {breach.referred_on:%d/%m/%Y}.",
        status=_invalid_status(form),
    )


# DRR ---------------------------------------------------------------------------------------


def _drr_requirements(order):
    return order.requirements.filter(kind="drr")


@_redirecting
@require_http_methods(["GET", "POST"])
def drug_test_new(request, pk):
    order = _order_for_change(request, pk)
    drr = _drr_requirements(order)
    if not drr.exists():
        raise Http404("This order has no drug rehabilitation requirement.")
    form = forms.DrugTestForm(request.POST or None, drr_requirements=drr)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        requirement = data.pop("requirement")
        try:
            services.drug_test_record(
                requirement=requirement, data=data, by=request.user, request=request
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Drug test recorded.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Record a drug test",
        caption=f"{order.person.full_name}, order {order.reference}",
        cancel_url=order.get_absolute_url(),
        status=_invalid_status(form),
    )


@_redirecting
@require_http_methods(["GET", "POST"])
def review_new(request, pk):
    order = _order_for_change(request, pk)
    drr = _drr_requirements(order)
    if not drr.exists():
        raise Http404("This order has no drug rehabilitation requirement.")
    form = forms.ReviewForm(request.POST or None, drr_requirements=drr)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_schedule(
                requirement=form.cleaned_data["requirement"],
                review_date=form.cleaned_data["review_date"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Review hearing booked.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Book a DRR review hearing",
        caption=f"{order.person.full_name}, order {order.reference}",
        cancel_url=order.get_absolute_url(),
        submit="Book review",
        intro="Reviews are at least one month apart; they are required when the treatment "
        "period is over 12 months.",
        status=_invalid_status(form),
    )


@_redirecting
@require_http_methods(["GET", "POST"])
def review_report(request, pk, review_pk):
    order = _order_for_change(request, pk)
    review = get_object_or_404(ReviewHearing, pk=review_pk, order=order)
    form = forms.ProgressReportForm(
        request.POST or None, initial={"progress_report": review.progress_report}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_submit_report(
                review=review,
                report=form.cleaned_data["progress_report"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Progress report saved.")
            return redirect(order)
    tests = order.drug_tests.filter(tested_on__lte=review.review_date)[:10]
    return _form_page(
        request,
        form,
        title=f"Progress report for the review on {review.review_date:%d/%m/%Y}",
        caption=f"{order.person.full_name}, order {order.reference}",
        cancel_url=order.get_absolute_url(),
        status=_invalid_status(form),
        extra={"drug_tests": list(tests)},
    )


# Outcome measures, completion and reoffending ----------------------------------------------


@_redirecting
@require_http_methods(["GET", "POST"])
def measure_new(request, pk):
    order = _order_for_change(request, pk)
    code = request.GET.get("instrument", "")
    if code not in OUTCOME_MEASURE_CODES:
        context = {"order": order, "person": order.person, "codes": OUTCOME_MEASURE_CODES}
        return render(request, "treatment_requirements/measure_choose.html", context)
    instrument = instruments.get(code)
    form = forms.OutcomeMeasureForm(request.POST or None)
    instrument_form = InstrumentForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid() and instrument_form.is_valid():
        answers = instrument_form.answers()
        try:
            if any(a is None for a in answers):
                missing = [str(n) for n, a in enumerate(answers, start=1) if a is None]
                raise ValidationError(
                    f"Answer every question: item(s) {', '.join(missing)} are not answered"
                )
            measure = services.outcome_measure_record(
                order=order,
                stage=form.cleaned_data["stage"],
                code=code,
                answers=answers,
                measured_on=form.cleaned_data["measured_on"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{code} recorded: total {measure.response.total}.")
            if measure.response.has_self_harm_flag:
                messages.error(
                    request,
                    "Self-harm risk: PHQ-9 question 9 is above 'Not at all'. Assess the risk to "
                    "self now and follow your service's safety procedure.",
                )
            return redirect(order)
    context = {
        "order": order,
        "person": order.person,
        "form": form,
        "instrument_form": instrument_form,
        "instrument": instrument,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "treatment_requirements/measure_form.html", context, status=status)


@_redirecting
@require_http_methods(["GET", "POST"])
def order_terminate(request, pk):
    order = _order_for_change(request, pk)
    if request.user.role != Role.PROBATION_OFFICER:
        raise PermissionDenied("Only the probation team can end an order.")
    form = forms.TerminationForm(request.POST or None, initial={"version": order.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.order_terminate(
                order=order,
                reason=data["reason"],
                terminated_on=data["terminated_on"],
                notes=data["notes"],
                expected_version=data["version"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The order has ended.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="End the order",
        caption=f"{order.person.full_name}, order {order.reference}",
        cancel_url=order.get_absolute_url(),
        submit="End the order",
        status=_invalid_status(form),
    )


@require_http_methods(["GET", "POST"])
def reoffending_new(request, pk):
    order = selectors.order_for_enforcement(request, pk)
    form = forms.ReoffendingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reoffending_record(
                order=order, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Recorded.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Record a re-arrest or reconviction",
        caption=f"{order.person.full_name}, order {order.reference}",
        cancel_url=order.get_absolute_url(),
        status=_invalid_status(form),
    )


@require_http_methods(["GET", "POST"])
def reoffending_check(request, pk):
    order = selectors.order_for_enforcement(request, pk)
    form = forms.ReoffendingCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reoffending_check_complete(
                order=order,
                checked_on=form.cleaned_data["checked_on"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Reoffending check recorded.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Record the 12-month reoffending check",
        caption=f"{order.person.full_name}, order {order.reference}",
        cancel_url=order.get_absolute_url(),
        intro=f"Due {order.reoffending_check_due:%d/%m/%Y}, 12 months after the referral. "
        "Record any re-arrests or reconvictions found first.",
        status=_invalid_status(form),
    )
