"""Enforcement screens: the decision the rule allows, warning letters, breach outcomes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_view
from core.forms import apply_errors

from .. import forms, selectors, services
from ..enums import BreachOutcome, EnforcementAction
from ..models import (
    BreachReferral,
    Failure,
    FormalWarning,
)
from ._common import (
    _form_page,
    _invalid_status,
    _Redirect,
    _redirecting,
)


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
    form = forms.EnforcementForm(request.POST or None, allowed=allowed, failure=failure)
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
            apply_errors(form, exc)
        else:
            if isinstance(record, FormalWarning):
                messages.success(request, "Warning recorded. Give the person the letter below.")
                return redirect("treatment_requirements:warning_letter", order.pk, record.pk)
            messages.success(request, "Breach referral recorded.")
            return redirect(order)
    context = {
        "form": form,
        "order": order,
        "person": order.person,
        "failure": failure,
        "breach_required": allowed == [EnforcementAction.BREACH],
        "warnings_in_force": services.warnings_in_force(failure),
        "earlier_warnings": list(
            order.warnings.filter(given_on__lte=failure.failure_date).order_by("given_on", "id")
        ),
    }
    audit_view(request, order, order.person_id, "enforcement decision")
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
        FormalWarning.objects.select_related("failure"), pk=warning_pk, order=order
    )
    audit_view(request, warning, order.person_id, "warning letter")
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
    form = forms.BreachOutcomeForm(request.POST or None, breach=breach)
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
                    "willing_on": data["willing_on"],
                },
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Breach outcome recorded.")
            return redirect(order)
    return _form_page(
        request,
        form,
        title="Record the outcome of the breach",
        caption=f"{order.person.full_name}, order {order.reference}",
        person=order.person,
        cancel_url=order.get_absolute_url(),
        intro=f"Referred for breach on {breach.referred_on:%d/%m/%Y}.",
        status=_invalid_status(form),
    )
