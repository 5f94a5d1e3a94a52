"""DRR tests and reviews, outcome measures, ending the order and reoffending follow-up."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_form_view
from accounts.policy import Action, Kind, require
from assessments import instruments
from assessments.forms import InstrumentForm
from core.view_helpers import form_page, submit

from .. import forms, selectors, services
from ..enums import TerminationReason
from ..models import ReviewHearing
from .common import FORM_PAGE, STALE_STATUS, order_caption, order_for_change

OUTCOME_MEASURE_CODES = ("PHQ-9", "GAD-7", "AUDIT", "DAST-10", "SADQ")


def _drr_requirements(order):
    return order.requirements.filter(kind="drr")


@require_http_methods(["GET", "POST"])
def drug_test_new(request, pk):
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    drr = _drr_requirements(order)
    if not drr.exists():
        raise Http404("This order has no drug rehabilitation requirement.")
    form = forms.DrugTestForm(request.POST or None, order=order, drr_requirements=drr)
    outcome = submit(request, form, lambda data: _drug_test_record(request, data))
    if outcome:
        failure = getattr(outcome.result, "failure", None)
        if failure is None:
            messages.success(request, "Drug test recorded.")
            return redirect(order)
        messages.success(
            request, "Drug test recorded: an unacceptable failure to comply, for enforcement."
        )
        if selectors.may_enforce(request.user):
            return redirect("treatment_requirements:failure_action", order.pk, failure.pk)
        return redirect(order)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Record a drug test",
        caption=order_caption(order),
        person=order.person,
        submit="Save",
        cancel_url=order.get_absolute_url(),
        status=outcome.status,
    )


def _drug_test_record(request, data):
    data = dict(data)
    requirement = data.pop("requirement")
    return services.drug_test_record(
        requirement=requirement, data=data, by=request.user, request=request
    )


@require_http_methods(["GET", "POST"])
def review_new(request, pk):
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    drr = _drr_requirements(order)
    if not drr.exists():
        raise Http404("This order has no drug rehabilitation requirement.")
    form = forms.ReviewForm(request.POST or None, order=order, drr_requirements=drr)
    outcome = submit(
        request,
        form,
        lambda data: services.review_schedule(
            requirement=data["requirement"],
            review_date=data["review_date"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, "Review hearing booked.")
        return redirect(order)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Book a DRR review hearing",
        caption=order_caption(order),
        person=order.person,
        cancel_url=order.get_absolute_url(),
        submit="Book review",
        intro="Reviews are at least one month apart; they are required when the treatment "
        "period is over 12 months.",
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
def review_report(request, pk, review_pk):
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    review = get_object_or_404(ReviewHearing, pk=review_pk, order=order)
    form = forms.ProgressReportForm(
        request.POST or None, initial={"progress_report": review.progress_report}
    )
    outcome = submit(
        request,
        form,
        lambda data: services.review_submit_report(
            review=review, report=data["progress_report"], by=request.user, request=request
        ),
    )
    if outcome:
        messages.success(request, "Progress report saved.")
        return redirect(order)
    tests = order.drug_tests.filter(tested_on__lte=review.review_date)[:10]
    return form_page(
        request,
        FORM_PAGE,
        form,
        title=f"Progress report for the review on {review.review_date:%d/%m/%Y}",
        caption=order_caption(order),
        person=order.person,
        submit="Save",
        cancel_url=order.get_absolute_url(),
        status=outcome.status,
        drug_tests=list(tests),
    )


@require_http_methods(["GET", "POST"])
def review_held(request, pk, review_pk):
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    review = get_object_or_404(ReviewHearing, pk=review_pk, order=order)
    form = forms.ReviewHeldForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: services.review_record_held(
            review=review,
            no_report_reason=data["no_report_reason"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, "Review recorded as held.")
        return redirect(order)
    problem = services.review_report_problem(review)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title=f"Record the review on {review.review_date:%-d %B %Y} as held",
        caption=order_caption(order),
        person=order.person,
        cancel_url=order.get_absolute_url(),
        submit="Record as held",
        intro=(
            "No written progress report reached the court before this review. To record it "
            "as held, say why there was none."
            if problem
            else f"The progress report went to the court on {review.report_submitted_on:%d/%m/%Y}."
        ),
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
def measure_new(request, pk):
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    code = request.GET.get("instrument", "")
    if code not in OUTCOME_MEASURE_CODES:
        context = {"order": order, "person": order.person, "codes": OUTCOME_MEASURE_CODES}
        return render(request, "treatment_requirements/measure_choose.html", context)
    instrument = instruments.get(code)
    form = forms.OutcomeMeasureForm(request.POST or None, order=order)
    instrument_form = InstrumentForm(request.POST or None, instrument=instrument)

    def record(data):
        answers = instrument_form.answers()
        if any(a is None for a in answers):
            missing = [str(n) for n, a in enumerate(answers, start=1) if a is None]
            raise ValidationError(
                f"Answer every question: item(s) {', '.join(missing)} are not answered"
            )
        return services.outcome_measure_record(
            order=order,
            stage=data["stage"],
            code=code,
            answers=answers,
            difficulty=instrument_form.difficulty_answer(),
            measured_on=data["measured_on"],
            by=request.user,
            request=request,
        )

    outcome = submit(request, form, record, forms=(instrument_form, form))
    if outcome:
        measure = outcome.result
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
    return render(
        request, "treatment_requirements/measure_form.html", context, status=outcome.status
    )


def _ending_key(order):
    return f"order_end:{order.pk}"


def _pending_ending(request, order):
    """The ending typed on the form, kept in the session (free-text notes stay out of URLs)."""
    pending = request.session.get(_ending_key(order))
    if not pending:
        return None
    return pending | {"terminated_on": datetime.date.fromisoformat(pending["terminated_on"])}


@require_http_methods(["GET", "POST"])
def order_terminate(request, pk):
    """Step 1 of ending an order: the reason and date, checked against the rules."""
    require(request, Action.ENFORCE, Kind.ORDER)  # ending an order: the supervising officer
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    pending = _pending_ending(request, order) if request.GET.get("change") else None
    initial = pending or {"version": order.version}
    form = forms.TerminationForm(request.POST or None, initial=initial, order=order)
    outcome = submit(
        request,
        form,
        lambda data: services.order_terminate_check(
            order=order,
            reason=data["reason"],
            terminated_on=data["terminated_on"],
            notes=data["notes"],
        ),
    )
    if outcome:
        data = form.cleaned_data
        request.session[_ending_key(order)] = {
            "reason": data["reason"],
            "terminated_on": data["terminated_on"].isoformat(),
            "notes": data["notes"],
            "version": data["version"],
        }
        return redirect("treatment_requirements:order_terminate_confirm", order.pk)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="End the order",
        caption=order_caption(order),
        person=order.person,
        cancel_url=order.get_absolute_url(),
        submit="Continue",
        intro=f"The order's end date is {order.end_date:%d/%m/%Y}. Before then it can only be "
        "ended by the court, for example revoked for good progress.",
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
def order_terminate_confirm(request, pk):
    """Step 2: the check page. GET shows what will happen; only the confirming POST ends it."""
    require(request, Action.ENFORCE, Kind.ORDER)
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    pending = _pending_ending(request, order)
    if pending is None:
        return redirect("treatment_requirements:order_terminate", order.pk)
    form = forms.TerminationConfirmForm(
        request.POST or None, initial={"version": pending["version"]}
    )
    outcome = submit(
        request,
        form,
        lambda data: services.order_terminate(
            order=order,
            reason=pending["reason"],
            terminated_on=pending["terminated_on"],
            notes=pending["notes"],
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
        stale_status=STALE_STATUS,
    )
    if outcome:
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
        request, "treatment_requirements/order_terminate_check.html", context, status=outcome.status
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
    audit_form_view(request, referral, referral.person_id)
    return referral, order


@require_http_methods(["GET", "POST"])
def reoffending_new(request, pk):
    referral, order = _referral_for_follow_up(request, pk)
    form = forms.ReoffendingForm(request.POST or None, referral=referral)
    outcome = submit(
        request,
        form,
        lambda data: services.reoffending_record(
            referral=referral, by=request.user, request=request, **data
        ),
    )
    if outcome:
        messages.success(request, "Recorded.")
        return redirect(_follow_up_page(referral, order))
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Record a re-arrest or reconviction",
        caption=_follow_up_caption(referral, order),
        person=referral.person,
        submit="Save",
        cancel_url=_follow_up_page(referral, order),
        intro=_window_intro(referral),
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
def reoffending_check(request, pk):
    referral, order = _referral_for_follow_up(request, pk)
    form = forms.ReoffendingCheckForm(request.POST or None, referral=referral)
    outcome = submit(
        request,
        form,
        lambda data: services.reoffending_check_complete(
            referral=referral, checked_on=data["checked_on"], by=request.user, request=request
        ),
    )
    if outcome:
        messages.success(request, "Reoffending check recorded.")
        return redirect(_follow_up_page(referral, order))
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Record the 12-month reoffending check",
        caption=_follow_up_caption(referral, order),
        person=referral.person,
        submit="Save",
        cancel_url=_follow_up_page(referral, order),
        intro=f"{_window_intro(referral)} The check is due on "
        f"{referral.reoffending_check_due_on:%d/%m/%Y}. Record any re-arrests or "
        "reconvictions found first.",
        status=outcome.status,
    )
