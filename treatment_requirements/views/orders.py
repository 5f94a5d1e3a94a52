"""The caseload, the order page and appointments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_record
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, may, require, scope_for
from core.concurrency import StaleEditError

from .. import forms, selectors, services
from ..enums import AppointmentOutcome
from ..models import (
    Appointment,
)
from ._common import (
    _apply_errors,
    _audit_view,
    _form_page,
    _invalid_status,
    _local,
    _order_for_change,
    _redirecting,
    _rename,
)


@require_http_methods(["GET"])
def caseload(request):
    require(request, Action.VIEW, Kind.ORDER)
    may_choose = selectors.may_choose_own_cases(request.user)
    # Probation officers start from their own cases; "team" shows the whole unit's caseload.
    mine = may_choose and request.GET.get("cases", "mine") != "team"
    context = selectors.caseload(user=request.user, mine=mine)
    context.update(may_choose_own_cases=may_choose, mine=mine)
    audit_record(
        action=AuditAction.VIEW,
        user=request.user,
        object_type="treatment_requirements.caseload",
        detail="caseload",
        request=request,
    )
    return render(request, "treatment_requirements/caseload.html", context)


@require_http_methods(["GET"])
def order_detail(request, pk):
    order = selectors.order_get_for_user(request, pk)
    user = request.user
    context = {
        "order": order,
        "person": order.person,
        **selectors.order_detail(order),
        "can_change": order.is_active and scope_for(user, Action.CHANGE, Kind.ORDER) is not None,
        "can_enforce": order.is_active and selectors.may_enforce(user),
        # Reoffending is followed up after the order too (12 months from the referral).
        "can_follow_up": selectors.may_enforce(user),
        "version_form": forms.VersionForm(initial={"version": order.version}),
        # Probation may supervise an order without consent to see what led to it.
        "recommendation_visible": may(user, Action.VIEW, Kind.RECOMMENDATION, order.recommendation),
        "today": timezone.localdate(),
    }
    _audit_view(request, order, order.person_id)
    return render(request, "treatment_requirements/order_detail.html", context)


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
        person=order.person,
        submit="Book",
        cancel_url=order.get_absolute_url(),
        intro=f"The order runs from {order.start_date:%d/%m/%Y} to {order.end_date:%d/%m/%Y}.",
        status=_invalid_status(form),
    )


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
            if failure is not None and selectors.may_enforce(request.user):
                return redirect("treatment_requirements:failure_action", order.pk, failure.pk)
            return redirect(order)
    when = appointment.starts_at
    return _form_page(
        request,
        form,
        title="Record the appointment's outcome",
        caption=f"{order.person.full_name}, order {order.reference}",
        person=order.person,
        submit="Save outcome",
        cancel_url=order.get_absolute_url(),
        intro=f"{appointment.purpose}, {_local(when):%A %d %B %Y at %H:%M}.",
        status=_invalid_status(form),
    )


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
        person=order.person,
        submit="Reschedule",
        cancel_url=order.get_absolute_url(),
        intro=f"{appointment.purpose}, now {_local(appointment.starts_at):%A %d %B %Y at %H:%M}.",
        status=_invalid_status(form),
    )
