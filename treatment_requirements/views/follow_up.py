"""DRR tests and reviews, outcome measures, ending the order and reoffending follow-up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.policy import Action, Kind, require
from assessments import instruments
from assessments.forms import InstrumentForm

from .. import forms, selectors, services
from ..models import (
    ReviewHearing,
)
from ._common import (
    _apply_errors,
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
        person=order.person,
        cancel_url=order.get_absolute_url(),
        status=_invalid_status(form),
        extra={"drug_tests": list(tests)},
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
                difficulty=instrument_form.difficulty_answer(),
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
    require(request, Action.ENFORCE, Kind.ORDER)  # ending an order: the supervising officer
    order = _order_for_change(request, pk)
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
        person=order.person,
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
        person=order.person,
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
        person=order.person,
        cancel_url=order.get_absolute_url(),
        intro=f"Due {order.reoffending_check_due_on:%d/%m/%Y}, 12 months after the referral. "
        "Record any re-arrests or reconvictions found first.",
        status=_invalid_status(form),
    )
