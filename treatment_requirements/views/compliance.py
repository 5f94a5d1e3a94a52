"""Enforcement screens: the decision the rule allows, warning letters, breach outcomes."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_form_view, audit_view
from core.view_helpers import form_page, submit

from .. import forms, selectors, services
from ..enums import BreachOutcome, EnforcementAction
from ..models import BreachReferral, Failure, FormalWarning
from .common import FORM_PAGE, order_caption


@require_http_methods(["GET", "POST"])
def failure_action(request, pk, failure_pk):
    order = selectors.order_for_enforcement(request, pk)
    if not order.is_active:
        return redirect(order)
    failure = get_object_or_404(Failure, pk=failure_pk, order=order)
    if failure.action:
        messages.error(request, "Enforcement action has already been recorded for this failure.")
        return redirect(order)
    allowed = services.allowed_actions(failure)
    form = forms.EnforcementForm(request.POST or None, allowed=allowed, failure=failure)
    outcome = submit(
        request,
        form,
        lambda data: services.failure_take_action(
            failure=failure,
            action=data["action"],
            action_on=data["action_on"],
            details=data["details"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        if isinstance(outcome.result, FormalWarning):
            messages.success(request, "Warning recorded. Give the person the letter below.")
            return redirect("treatment_requirements:warning_letter", order.pk, outcome.result.pk)
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
        request, "treatment_requirements/failure_action.html", context, status=outcome.status
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


@require_http_methods(["GET", "POST"])
def breach_outcome(request, pk, breach_pk):
    order = selectors.order_for_enforcement(request, pk)
    breach = get_object_or_404(BreachReferral, pk=breach_pk, order=order)
    if breach.outcome != BreachOutcome.PENDING:
        messages.error(request, "The outcome of this breach has already been recorded.")
        return redirect(order)
    audit_form_view(request, breach, order.person_id)  # the page names the person
    form = forms.BreachOutcomeForm(request.POST or None, breach=breach)
    outcome = submit(
        request,
        form,
        lambda data: services.breach_record_outcome(
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
        ),
    )
    if outcome:
        messages.success(request, "Breach outcome recorded.")
        return redirect(order)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Record the outcome of the breach",
        caption=order_caption(order),
        person=order.person,
        submit="Save",
        cancel_url=order.get_absolute_url(),
        intro=f"Referred for breach on {breach.referred_on:%d/%m/%Y}.",
        status=outcome.status,
    )
