"""Consent, onward referrals and the printable summary for the court and probation."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_view
from accounts.enums import Role
from accounts.policy import Action
from core.view_helpers import submit

from .. import selectors, services
from ..enums import Agency
from ..forms import ConsentForm, ConsentWithdrawForm, OnwardOutcomeForm, OnwardReferralForm
from ..models import Consent, OnwardReferral
from .assessment import assessment_context

# Consent -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def consent_record(request, referral_pk):
    referral = selectors.referral_for_work(request, referral_pk, Action.CHANGE)
    form = ConsentForm(
        request.POST or None,
        initial={"given_on": timezone.localdate(), "kind": request.GET.get("kind", "")},
    )
    if request.method == "GET":
        audit_view(request, referral, referral.person_id, "consent form")
    outcome = submit(
        request,
        form,
        lambda data: services.consent_record(
            referral=referral, by=request.user, request=request, **data
        ),
    )
    if outcome:
        messages.success(request, "Consent recorded")
        return redirect(referral.get_absolute_url())
    history = referral.consents.select_related("recorded_by", "withdrawn_by")
    context = {"referral": referral, "person": referral.person, "form": form, "history": history}
    return render(request, "assessments/consent.html", context, status=outcome.status)


@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk):
    consent = get_object_or_404(Consent.objects.only("referral_id"), pk=pk)
    referral = selectors.referral_for_work(request, consent.referral_id, Action.CHANGE)
    consent = referral.consents.select_related("recorded_by").get(pk=pk)
    form = ConsentWithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "GET":
        audit_view(request, referral, referral.person_id, "consent withdrawal form")
    outcome = submit(
        request,
        form,
        lambda data: services.consent_withdraw(
            consent=consent,
            withdrawn_on=data["withdrawn_on"],
            reason=data["reason"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, _withdrawal_message(consent))
        return redirect(referral.get_absolute_url())
    context = {
        "referral": referral,
        "person": referral.person,
        "consent": consent,
        "form": form,
        "disclosures": selectors.disclosures_under(consent),
    }
    return render(request, "assessments/consent_withdraw.html", context, status=outcome.status)


def _withdrawal_message(consent):
    shared = selectors.disclosures_under(consent)
    if not shared:
        return "Consent withdrawn. Nothing had been shared under it, and nothing will be."
    last = timezone.localtime(shared[-1].disclosed_at)
    return (
        f"Consent withdrawn: nothing more will be shared. The summary had already been shared "
        f"{len(shared)} time{'s' if len(shared) != 1 else ''} (last on "
        f"{date_format(last, 'j F Y')}). That cannot be recalled: tell "
        f"{', '.join(consent.agency_labels()) or 'the agencies'} that consent has been withdrawn."
    )


# Onward referrals --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def onward_record(request, referral_pk):
    referral = selectors.referral_for_work(request, referral_pk, Action.CHANGE)
    form = OnwardReferralForm(request.POST or None, initial={"referred_on": timezone.localdate()})
    if request.method == "GET":
        audit_view(request, referral, referral.person_id, "onward referral form")
    outcome = submit(
        request,
        form,
        lambda data: services.onward_referral_record(
            referral=referral, data=data, by=request.user, request=request
        ),
    )
    if outcome:
        messages.success(request, "Onward referral recorded")
        return redirect(referral.get_absolute_url())
    context = {"referral": referral, "person": referral.person, "form": form}
    return render(request, "assessments/onward.html", context, status=outcome.status)


@require_http_methods(["GET", "POST"])
def onward_outcome(request, pk):
    onward = get_object_or_404(OnwardReferral.objects.only("referral_id"), pk=pk)
    referral = selectors.referral_for_work(request, onward.referral_id, Action.CHANGE)
    onward = referral.onward_referrals.get(pk=pk)
    form = OnwardOutcomeForm(
        request.POST or None,
        initial={"outcome": onward.outcome, "outcome_on": onward.outcome_on},
    )
    if request.method == "GET":
        audit_view(request, referral, referral.person_id, "onward outcome form")
    outcome = submit(
        request,
        form,
        lambda data: services.onward_referral_outcome(
            onward=onward, by=request.user, request=request, **data
        ),
    )
    if outcome:
        messages.success(request, "Outcome recorded")
        return redirect(referral.get_absolute_url())
    context = {"referral": referral, "person": referral.person, "form": form, "onward": onward}
    return render(request, "assessments/onward_outcome.html", context, status=outcome.status)


# The printable summary ---------------------------------------------------------------


@require_http_methods(["GET"])
def summary(request, pk):
    """What may go to the court or probation: only with current consent to share."""
    assessment = selectors.assessment_get_for_user(request, pk)
    if request.user.role == Role.PROBATION_OFFICER:
        agency = Agency.PROBATION
    else:
        agency = request.GET.get("for", Agency.COURT)
        if agency not in Agency.values:
            agency = Agency.COURT
    shared = selectors.assessment_for_sharing(assessment=assessment, agency=agency)
    consent = selectors.current_consent(assessment.referral_id, "to_share")
    context = {"assessment": assessment, "agency": Agency(agency), "agencies": Agency.choices}
    if shared is None:
        audit_view(request, assessment, assessment.referral.person_id, "summary withheld")
        context.update(consent=consent, referral=assessment.referral)
        return render(request, "assessments/summary_withheld.html", context)
    services.disclosure_record(assessment=shared, consent=consent, by=request.user, request=request)
    responses = [r for r in selectors.assessment_responses(shared).values() if r.is_complete]
    context.update(
        assessment_context(request, shared),
        consent=consent,
        completed_responses=responses,
        addenda=list(shared.addenda.select_related("added_by")),
        now=timezone.now(),
    )
    return render(request, "assessments/summary.html", context)
