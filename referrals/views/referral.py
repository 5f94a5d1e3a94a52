"""The referral: its page, edit, status moves, assignment and transfer to another team."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.audit import audit_view
from accounts.enums import Role
from accounts.policy import Action, Kind, may
from core.view_helpers import submit

from .. import selectors, services
from ..enums import ReferralStatus
from ..forms import ReferralAssignForm, ReferralForm, ReferralTransferForm, ReferralTransitionForm


@require_http_methods(["GET"])
def referral_detail(request, pk):
    referral = selectors.referral_get_for_user(request, pk)
    audit_view(request, referral, referral.person_id)
    return _render_referral(request, referral)


def _render_referral(request, referral, *, transition_form=None, assign_form=None, status=200):
    history = referral.status_changes.select_related("changed_by").order_by("changed_at", "id")
    transition_form = transition_form or ReferralTransitionForm(referral=referral)
    assign_form = assign_form or ReferralAssignForm(referral=referral)
    context = {
        "referral": referral,
        "person": referral.person,
        "history": history,
        "is_overdue": selectors.mark_overdue([referral])[0].is_overdue,
        "transition_form": transition_form,
        "assign_form": assign_form,
        "action_forms": [transition_form, assign_form],
        "may_allocate": request.user.role == Role.TEAM_LEAD,
        "may_transfer": referral.is_open
        and may(request.user, Action.TRANSFER, Kind.REFERRAL, referral),
        "allocations": selectors.referral_allocations(referral),
        "panels": selectors.referral_panels(request, referral),
    }
    return render(request, "referrals/referral_detail.html", context, status=status)


def _form_context(form, referral):
    return {"form": form, "form_list": [form], "referral": referral, "person": referral.person}


@require_http_methods(["GET", "POST"])
def referral_edit(request, pk):
    referral = selectors.referral_get_for_user(request, pk, Action.CHANGE)
    form = ReferralForm(request.POST or None, instance=referral, user=request.user)
    form.fields["version"].required = True
    if request.method == "GET":
        audit_view(request, referral, referral.person_id)
    outcome = submit(
        request,
        form,
        lambda data: services.referral_update(
            referral=form.save(commit=False),
            expected_version=data["version"],
            vulnerabilities=data["vulnerabilities"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, f"Referral {referral.reference} updated")
        return redirect(referral)
    return render(
        request,
        "referrals/referral_edit.html",
        _form_context(form, referral),
        status=outcome.status,
    )


@require_POST
def referral_transition(request, pk):
    referral = selectors.referral_get_for_user(request, pk, Action.CHANGE)
    form = ReferralTransitionForm(request.POST, referral=referral)
    outcome = submit(
        request,
        form,
        lambda data: services.referral_transition(
            referral=referral,
            to_status=data["to_status"],
            closure_reason=data["closure_reason"],
            reason=data["reason"],
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        label = ReferralStatus(form.cleaned_data["to_status"]).label.lower()
        messages.success(request, f"Referral {referral.reference} is now {label}")
        return redirect(referral)
    return _render_referral(request, referral, transition_form=form, status=outcome.status)


@require_http_methods(["GET", "POST"])
def referral_transfer(request, pk):
    """GET: the form (another active L&D team, optionally one of its practitioners, and
    why); POST: move the referral there (services.referral_transfer). The team it left can
    no longer open it, so the confirmation is shown on My work."""
    referral = selectors.referral_get_for_user(request, pk, Action.TRANSFER)
    if not referral.is_open:
        messages.error(request, "This referral is closed: reopen it before transferring it.")
        return redirect(referral)
    form = ReferralTransferForm(request.POST or None, referral=referral)
    if request.method == "GET":
        audit_view(request, referral, referral.person_id)
    outcome = submit(
        request,
        form,
        lambda data: services.referral_transfer(
            referral=referral,
            team=data["team"],
            assignee=data["assignee"],
            reason=data["reason"],
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        team, assignee = form.cleaned_data["team"], form.cleaned_data["assignee"]
        to = f" and allocated to {assignee.display_name}" if assignee else ""
        messages.success(request, f"Referral {referral.reference} transferred to {team.name}{to}")
        return redirect("referrals:my_work")
    context = _form_context(form, referral)
    return render(request, "referrals/referral_transfer.html", context, status=outcome.status)


@require_POST
def referral_assign(request, pk):
    """A team lead allocates to anyone in the team; a practitioner can only take it."""
    referral = selectors.referral_get_for_user(request, pk, Action.CHANGE)
    form = ReferralAssignForm(request.POST, referral=referral)
    if form.is_valid():
        assignee = form.cleaned_data["assigned_to"]
        if request.user.role != Role.TEAM_LEAD and assignee != request.user:
            raise PermissionDenied("Only a team lead can allocate work to someone else.")
    outcome = submit(
        request,
        form,
        lambda data: services.referral_assign(
            referral=referral,
            assignee=data["assigned_to"],
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        assignee = form.cleaned_data["assigned_to"]
        who = "you" if assignee == request.user else (assignee or "nobody")
        messages.success(request, f"Referral {referral.reference} assigned to {who}")
        return redirect(referral)
    return _render_referral(request, referral, assign_form=form, status=outcome.status)
