"""The person's risk register page and its raise, review and remove forms.

Loads go through the access policy (403 for a role that may not, 404 outside its scope);
every GET of a page about the person is audited; writes are one service call each.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_view
from accounts.policy import Action, Kind, require
from core.view_helpers import form_page, submit
from referrals.selectors import person_get_for_user

from . import rules, selectors, services
from .forms import RiskFlagRaiseForm, RiskFlagRemoveForm, RiskFlagReviewForm

FLAG_FORM = "risks/flag_form.html"


@require_http_methods(["GET"])
def register(request, person_pk):
    """Every flag on the person that the user may see, current and removed, with history."""
    require(request, Action.VIEW, Kind.RISK)
    person = person_get_for_user(request, person_pk)
    audit_view(request, person, person.pk, "risk register")
    context = {
        "person": person,
        **selectors.person_flags(request.user, person),
        "shows_notes": selectors.shows_notes(request.user),
        "may_change": selectors.may_change(request.user, person),
    }
    return render(request, "risks/register.html", context)


@require_http_methods(["GET", "POST"])
def flag_raise(request, person_pk):
    require(request, Action.CREATE, Kind.RISK)
    person = person_get_for_user(request, person_pk)
    if not selectors.may_change(request.user, person):
        raise Http404("No such record, or it is outside your caseload.")
    form = RiskFlagRaiseForm(request.POST or None, initial={"raised_on": rules.today()})
    if request.method == "GET":
        audit_view(request, person, person.pk, "risk flag raise form")
    outcome = submit(
        request,
        form,
        lambda data: services.risk_flag_raise(
            person=person,
            risk_type=data["risk_type"],
            mappa_category=data["mappa_category"],
            mappa_level=data["mappa_level"],
            rosh_level=data["rosh_level"],
            raised_on=data["raised_on"],
            next_review_on=data["next_review_on"],
            note=data["note"],
            by=request.user,
            team=request.user.team,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, "Risk flag raised")
        return redirect("risks:register", person.pk)
    return form_page(
        request,
        FLAG_FORM,
        form,
        person=person,
        title="Raise a risk flag",
        submit="Raise",
        flag=None,
        status=outcome.status,
    )


def _change(request, pk, form_class, *, title, submit_label, done, save):
    flag = selectors.flag_get_for_user(request, pk, Action.CHANGE)
    person = flag.person
    if not flag.is_current:
        messages.error(request, "This flag has been removed: it cannot be changed.")
        return redirect("risks:register", person.pk)
    form = form_class(request.POST or None, initial=_initial(flag))
    if request.method == "GET":
        audit_view(request, flag, person.pk, title.lower())
    outcome = submit(request, form, lambda data: save(flag, data))
    if outcome:
        messages.success(request, f"{flag.details}: {done}")
        return redirect("risks:register", person.pk)
    return form_page(
        request,
        FLAG_FORM,
        form,
        person=person,
        title=title,
        submit=submit_label,
        flag=flag,
        status=outcome.status,
    )


def _initial(flag):
    on = rules.today()
    return {
        "version": flag.version,
        "reviewed_on": on,
        "next_review_on": rules.default_review_date(flag.risk_type, on),
    }


@require_http_methods(["GET", "POST"])
def flag_review(request, pk):
    def save(flag, data):
        services.risk_flag_review(
            flag=flag,
            expected_version=data["version"],
            reviewed_on=data["reviewed_on"],
            next_review_on=data["next_review_on"],
            note=data["note"],
            by=request.user,
            request=request,
        )

    return _change(
        request,
        pk,
        RiskFlagReviewForm,
        title="Review a risk flag",
        submit_label="Record the review",
        done="review recorded",
        save=save,
    )


@require_http_methods(["GET", "POST"])
def flag_remove(request, pk):
    def save(flag, data):
        services.risk_flag_remove(
            flag=flag,
            expected_version=data["version"],
            reason=data["reason"],
            by=request.user,
            request=request,
        )

    return _change(
        request,
        pk,
        RiskFlagRemoveForm,
        title="Remove a risk flag",
        submit_label="Remove the flag",
        done="removed (kept on the register with its history)",
        save=save,
    )
