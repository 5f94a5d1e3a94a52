"""DRR tests and reviews, outcome measures, ending the order and reoffending follow-up."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_view
from accounts.policy import Action, Kind, require
from assessments import instruments
from assessments.forms import InstrumentForm
from core.forms import apply_errors

from .. import forms, selectors, services
from ..enums import TerminationReason
from ..models import (
    ReviewHearing,
)
from ._common import (
    _form_page,
    _invalid_status,
    _order_for_change,
    _redirecting,
)

OUTCOME_MEASURE_CODES = ("PHQ-9", "GAD-7", "AUDIT", "DAST-10", "SADQ")


def _drr_requirements(order):
    return order.requirements.filter(kind="drr")


@_redirecting
@require_http_methods(["GET", "POST"])
def drug_test_new(request, pk):
    order = _order_for_change(request, pk)
    drr = _drr_requirements(order)
    if not drr.exists():
        raise Http404("This order has no drug rehabilitation requirement.")
    form = forms.DrugTestForm(request.POST or None, order=order, drr_requirements=drr)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        requirement = data.pop("requirement")
        try:
            test = services.drug_test_record(
                requirement=requirement, data=data, by=request.user, request=request
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            failure = getattr(test, "failure", None)
            if failure is None:
                messages.success(request, "Drug test recorded.")
                return redirect(order)
            messages.success(
                request, "Drug test recorded: an unacceptable failure to comply, for enforcement."
            )
            if selectors.may_enforce(request.user):
                return redirect("treatment_requirements:failure_action", order.pk, failure.pk)
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Record a drug test",
        caption=f"{order.person.full_name}, order {order.reference}",
        person=order.person,
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
    form = forms.ReviewForm(request.POST or None, order=order, drr_requirements=drr)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_schedule(
                requirement=form.cleaned_data["requirement"],
                review_date=form.cleaned_data["review_date"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Review hearing booked.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Book a DRR review hearing",
        caption=f"{order.person.full_name}, order {order.reference}",
        person=order.person,
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
            apply_errors(form, exc)
        else:
            messages.success(request, "Progress report saved.")
            return redirect(order)
    tests = order.drug_tests.filter(tested_on__lte=review.review_date)[:10]
    return _form_page(
        request,
        form,
        title=f"Progress report for the review on {review.review_date:%d/%m/%Y}",
        caption=f"{order.person.full_name}, order {order.reference}",
        person=order.person,
        cancel_url=order.get_absolute_url(),
        status=_invalid_status(form),
        extra={"drug_tests": list(tests)},
    )


@_redirecting
@require_http_methods(["GET", "POST"])
def review_held(request, pk, review_pk):
    order = _order_for_change(request, pk)
    review = get_object_or_404(ReviewHearing, pk=review_pk, order=order)
    form = forms.ReviewHeldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record_held(
                review=review,
                no_report_reason=form.cleaned_data["no_report_reason"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Review recorded as held.")
            return redirect(order)
    problem = services.review_report_problem(review)
    return _form_page(
        request,
        form,
        title=f"Record the review on {review.review_date:%-d %B %Y} as held",
        caption=f"{order.person.full_name}, order {order.reference}",
        person=order.person,
        cancel_url=order.get_absolute_url(),
        submit="Record as held",
        intro=(
            "No written progress report reached the court before this review. To record it "
            "as held, say why there was none."
            if problem
            else f"The progress report went to the court on {review.report_submitted_on:%d/%m/%Y}."
        ),
        status=_invalid_status(form),
    )


@_redirecting
@require_http_methods(["GET", "POST"])
def measure_new(request, pk):
    order = _order_for_change(request, pk)
    code = request.GET.get("instrument", "")
    if code not in OUTCOME_MEASURE_CODES:
        context = {"order": order, "person": order.person, "codes": OUTCOME_MEASURE_CODES}
        return render(request, "treatment_requirements/measure_choose.html", context)
    instrument = instruments.get(code)
    form = forms.OutcomeMeasureForm(request.POST or None, order=order)
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
                difficulty=instrument_form.difficulty_answer(),
                measured_on=form.cleaned_data["measured_on"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
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


def _ending_key(order):
    return f"order_end:{order.pk}"


def _pending_ending(request, order):
    """The ending typed on the form, kept in the session (free-text notes stay out of URLs)."""
    pending = request.session.get(_ending_key(order))
    if not pending:
        return None
    return pending | {"terminated_on": datetime.date.fromisoformat(pending["terminated_on"])}


@_redirecting
@require_http_methods(["GET", "POST"])
def order_terminate(request, pk):
    """Step 1 of ending an order: the reason and date, checked against the rules."""
    require(request, Action.ENFORCE, Kind.ORDER)  # ending an order: the supervising officer
    order = _order_for_change(request, pk)
    pending = _pending_ending(request, order) if request.GET.get("change") else None
    initial = pending or {"version": order.version}
    form = forms.TerminationForm(request.POST or None, initial=initial, order=order)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.order_terminate_check(
                order=order,
                reason=data["reason"],
                terminated_on=data["terminated_on"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session[_ending_key(order)] = {
                "reason": data["reason"],
                "terminated_on": data["terminated_on"].isoformat(),
                "notes": data["notes"],
                "version": data["version"],
            }
            return redirect("treatment_requirements:order_terminate_confirm", order.pk)
    return _form_page(
        request,
        form,
        title="End the order",
        caption=f"{order.person.full_name}, order {order.reference}",
        person=order.person,
        cancel_url=order.get_absolute_url(),
        submit="Continue",
        intro=f"The order's end date is {order.end_date:%d/%m/%Y}. Before then it can only be "
        "ended by the court, for example revoked for good progress.",
        status=_invalid_status(form),
    )


@_redirecting
@require_http_methods(["GET", "POST"])
def order_terminate_confirm(request, pk):
    """Step 2: the check page. GET shows what will happen; only the confirming POST ends it."""
    require(request, Action.ENFORCE, Kind.ORDER)
    order = _order_for_change(request, pk)
    pending = _pending_ending(request, order)
    if pending is None:
        return redirect("treatment_requirements:order_terminate", order.pk)
    form = forms.TerminationConfirmForm(
        request.POST or None, initial={"version": pending["version"]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.order_terminate(
                order=order,
                reason=pending["reason"],
                terminated_on=pending["terminated_on"],
                notes=pending["notes"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session.pop(_ending_key(order), None)
            messages.success(request, "The order has ended.")
            return redirect(order)
    withdrawn = order.appointments.filter(
        outcome="", starts_at__date__gt=pending["terminated_on"]
    ).count()
    context = {
        "order": order,
        "person": order.person,
        "form": form,
        "reason": TerminationReason(pending["reason"]).label,
        "terminated_on": pending["terminated_on"],
        "notes": pending["notes"],
        "withdrawn": withdrawn,
        "change_url": reverse("treatment_requirements:order_terminate", args=[order.pk])
        + "?change=1",
    }
    return render(
        request,
        "treatment_requirements/order_terminate_check.html",
        context,
        status=_invalid_status(form),
    )


def _follow_up_page(referral, order):
    """Where the follow-up forms return: the order page while probation holds it."""
    if order is not None:
        return f"{order.get_absolute_url()}#reoffending"
    return f"{referral.get_absolute_url()}#reoffending"


def _follow_up_caption(referral, order):
    held_through = f"order {order.reference}" if order else f"referral {referral.reference}"
    return f"{referral.person.full_name}, {held_through}"


def _window_intro(referral):
    first, last = referral.reoffending_window
    return (
        f"The follow-up covers the 12 months beginning with the referral: {first:%d/%m/%Y} "
        f"to {last:%d/%m/%Y}."
    )


def _referral_for_follow_up(request, pk):
    """The referral (and order) whose follow-up the user holds; the form page is audited."""
    referral, order = selectors.referral_for_follow_up(request, pk)
    if request.method == "GET":
        view_name = request.resolver_match.url_name if request.resolver_match else ""
        audit_view(request, referral, referral.person_id, view_name)
    return referral, order


@require_http_methods(["GET", "POST"])
def reoffending_new(request, pk):
    referral, order = _referral_for_follow_up(request, pk)
    form = forms.ReoffendingForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.reoffending_record(
                referral=referral, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Recorded.")
            return redirect(_follow_up_page(referral, order))
    return _form_page(
        request,
        form,
        title="Record a re-arrest or reconviction",
        caption=_follow_up_caption(referral, order),
        person=referral.person,
        cancel_url=_follow_up_page(referral, order),
        intro=_window_intro(referral),
        status=_invalid_status(form),
    )


@require_http_methods(["GET", "POST"])
def reoffending_check(request, pk):
    referral, order = _referral_for_follow_up(request, pk)
    form = forms.ReoffendingCheckForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.reoffending_check_complete(
                referral=referral,
                checked_on=form.cleaned_data["checked_on"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Reoffending check recorded.")
            return redirect(_follow_up_page(referral, order))
    return _form_page(
        request,
        form,
        title="Record the 12-month reoffending check",
        caption=_follow_up_caption(referral, order),
        person=referral.person,
        cancel_url=_follow_up_page(referral, order),
        intro=f"{_window_intro(referral)} The check is due on "
        f"{referral.reoffending_check_due_on:%d/%m/%Y}. Record any re-arrests or "
        "reconvictions found first.",
        status=_invalid_status(form),
    )
