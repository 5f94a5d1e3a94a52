"""The person: their page (referrals, timeline), their details' edit, and the subject
access export (a readable page and a JSON download)."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_request, audit_view
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, may, permits, scope_for
from core.view_helpers import submit

from .. import selectors, services
from ..forms import PersonForm
from ..models import PersonContact
from ..subject_access import subject_access_export
from ..subject_access_page import readable_subject_access
from .intake import duplicates_for


@require_http_methods(["GET"])
def person_detail(request, pk):
    person = selectors.person_get_for_user(request, pk)
    audit_view(request, person, person.pk)
    referrals = selectors.person_referrals(user=request.user, person=person)
    person._visible_referrals = referrals  # the timeline provider reuses these rows
    context = {
        "person": person,
        "referrals": referrals,
        "timeline": selectors.person_timeline(person, request.user),
        "may_refer": permits(request.user, Action.CREATE, Kind.REFERRAL),
        "may_edit": permits(request.user, Action.CHANGE, Kind.PERSON),
        "contact_card": _contact_card(request.user, person),
    }
    return render(request, "referrals/person_detail.html", context)


_SAFE_LABELS = {True: "Yes", False: "No", None: "Not known"}


def _contact_card(user, person) -> dict | None:
    """The "Contact details and reminders" summary card, for whoever may see them."""
    if not may(user, Action.VIEW, Kind.PERSON_CONTACT, person):
        return None
    contact = (
        PersonContact.objects.select_related("consent_recorded_by").filter(person=person).first()
    ) or PersonContact(person=person)
    # Changing them in the same scope as seeing them is the same check: not asked twice.
    same_scope = scope_for(user, Action.CHANGE, Kind.PERSON_CONTACT) == scope_for(
        user, Action.VIEW, Kind.PERSON_CONTACT
    )
    return {
        "contact": contact,
        "safe_label": _SAFE_LABELS[contact.safe_to_leave_messages],
        "may_change": same_scope or may(user, Action.CHANGE, Kind.PERSON_CONTACT, person),
    }


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = selectors.person_get_for_user(request, pk, Action.CHANGE)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    form.fields["version"].required = True
    context = {"form": form, "form_list": [form], "person": person}
    if request.method == "GET":
        audit_view(request, person, person.pk)
        return render(request, "referrals/person_edit.html", context)
    outcome = submit(
        request,
        form,
        lambda data: services.person_update(
            person=form.save(commit=False),
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, "Person's details updated")
        return redirect(person)
    if outcome.status != 409:
        context["identifier_duplicates"] = duplicates_for(request, form, where="person edit")
    return render(request, "referrals/person_edit.html", context, status=outcome.status)


# Subject access (issue 7, section 6) -----------------------------------------------------


def _subject_access_person(request, pk):
    person = selectors.person_get_for_user(request, pk, Action.EXPORT)
    audit_request(
        request,
        action=AuditAction.EXPORT,
        obj=person,
        person_id=person.pk,
        detail="subject access export",
    )
    return person


@require_http_methods(["GET"])
def subject_access(request, pk):
    """Printable page of everything held about one person (team leads of their team), in
    labels the person can read, grouped by referral."""
    person = _subject_access_person(request, pk)
    return render(
        request,
        "referrals/subject_access.html",
        {
            "person": person,
            "held": readable_subject_access(person=person),
            "generated_at": timezone.now(),
        },
    )


@require_http_methods(["GET"])
def subject_access_json(request, pk):
    """The same export as a machine-readable JSON download."""
    person = _subject_access_person(request, pk)
    export = subject_access_export(person=person)
    response = JsonResponse(export, json_dumps_params={"indent": 2})
    # Named for what it is and when it was made: never the person's record number or name.
    filename = f"subject-access-export_{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
