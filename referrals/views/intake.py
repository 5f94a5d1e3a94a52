"""Intake: record a referral, and the person unless they are already known
(find-or-create: likely matches and holders of a typed identifier are offered first)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_request, audit_view
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, require
from core.forms import is_record_id
from core.view_helpers import submit

from .. import selectors, services
from ..forms import MatchDecisionForm, PersonForm, ReferralForm


def _record_id(value) -> int | None:
    """A record's id typed in ASCII digits within a database integer, or None."""
    return int(value) if value and is_record_id(value) else None


@require_http_methods(["GET", "POST"])
def intake(request):
    """Record a referral; create the person unless they are already known (find-or-create)."""
    require(request, Action.CREATE, Kind.REFERRAL)
    require(request, Action.CREATE, Kind.PERSON)
    known_person = None
    person_id = _record_id(request.POST.get("person") or request.GET.get("person"))
    if person_id is not None:
        known_person = selectors.person_get_for_user(request, person_id)
    data = request.POST if request.method == "POST" else None
    referral_form = ReferralForm(data, prefix="referral", user=request.user)
    person_form = None if known_person else PersonForm(data, prefix="person", user=request.user)
    context = {
        "known_person": known_person,
        "person_form": person_form,
        "referral_form": referral_form,
        "forms": [f for f in (person_form, referral_form) if f is not None],
    }
    if request.method == "GET":
        if known_person is not None:  # the page shows who they are: a view of the person
            audit_view(request, known_person, known_person.pk)
        return render(request, "referrals/intake.html", context)
    return _intake_post(request, context)


def _intake_post(request, context):
    person_form, referral_form = context["person_form"], context["referral_form"]
    person = context["known_person"]
    decision = request.POST.get("match_decision", "")
    if person is None and _record_id(decision) is not None:
        # "Use this existing person" (a likely match, or the holder of an identifier typed):
        # only the referral is recorded, from the fields posted with the choice.
        person = selectors.person_get_for_user(request, _record_id(decision))
        person_form = None
        context.update(known_person=person, person_form=None, forms=[referral_form])
    person_ok = person_form is None or person_form.is_valid()
    if not (referral_form.is_valid() and person_ok):
        duplicates = duplicates_for(request, person_form)
        context["identifier_duplicates"] = duplicates
        # Offered as buttons of this form, so the choice is posted with everything typed.
        context["record_for"] = list(
            {d["person"].pk: d["person"] for d in duplicates if d["visible"]}.values()
        )
        return render(request, "referrals/intake.html", context, status=400)
    new_person = person is None and decision != MatchDecisionForm.NEW
    if new_person and (matches := _likely_matches(request, person_form)):
        context["matches"] = matches
        context["match_form"] = MatchDecisionForm(matches=matches)
        return render(request, "referrals/intake.html", context)
    outcome = submit(
        request,
        referral_form,
        lambda data: services.referral_intake(
            person=person,
            person_data=None if person else person_form.person_data,
            referral_data=referral_form.referral_data,
            vulnerabilities=data["vulnerabilities"],
            by=request.user,
            request=request,
        ),
        # A clash found at save time (another user was quicker): shown on the right form.
        forms=(person_form if person is None else None, referral_form),
    )
    if not outcome:
        return render(request, "referrals/intake.html", context, status=outcome.status)
    messages.success(request, f"Referral {outcome.result.reference} recorded")
    return redirect(outcome.result)


def _likely_matches(request, person_form):
    """People who may be the one typed; the view of each is audited."""
    matches = selectors.likely_matches(
        user=request.user,
        given_name=person_form.cleaned_data["given_name"],
        family_name=person_form.cleaned_data["family_name"],
        date_of_birth=person_form.cleaned_data["date_of_birth"],
    )
    for match in matches:
        audit_view(request, match, match.pk, "intake match: by name and date of birth")
    return matches


def duplicates_for(request, person_form, where="intake"):
    """People already holding an identifier typed on `person_form` (`where`: intake, the
    person's edit). One a user may see is named (the view audited); of one held only by
    other teams the page says just that a record exists in another service and which teams
    to contact, and the look-up is audited with that reason. Entries name the kinds of
    identifier found, never their values."""
    if person_form is None:
        return []
    found: dict[int, tuple] = {}  # person id -> (person, kinds of identifier)
    for field, existing in person_form.identifier_duplicates:
        found.setdefault(existing.pk, (existing, []))[1].append(field)
    shown = {}
    for person, kinds in found.values():
        shown[person.pk] = _identifier_match(request, person, f"{where} match", ", ".join(kinds))
    return [
        {"field": person_form.fields[field].label, **shown[existing.pk]}
        for field, existing in person_form.identifier_duplicates
    ]


def _identifier_match(request, person, reason, kinds) -> dict:
    """What the page may say about a person found by an identifier, audited."""
    if selectors.person_visible_to(request.user, person):
        audit_view(request, person, person.pk, f"{reason}: by {kinds}")
        return {"visible": True, "person": person}
    teams = selectors.teams_holding(person)
    team_ids = ", ".join(str(team.pk) for team in teams)
    audit_request(
        request,
        action=AuditAction.SEARCH,
        obj=person,
        person_id=person.pk,
        detail=f"{reason}: other team {team_ids}, by {kinds}",
    )
    # Not the person: only whom to contact (the teams still running).
    return {"visible": False, "teams": [team for team in teams if team.is_active]}
