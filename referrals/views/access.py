"""Access to this record: a person's exclusion and restriction lists (restricted records,
referrals.restrictions), kept by the team leads of a team holding the person."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_view
from accounts.policy import Action
from core.view_helpers import posted, submit

from .. import restrictions, selectors
from ..enums import RecordAccessKind
from ..forms import RecordAccessAddForm


@require_http_methods(["GET", "POST"])
def record_access(request, pk):
    person = selectors.person_get_for_user(request, pk, Action.RESTRICT)
    form = RecordAccessAddForm(posted(request), person=person)
    if request.method == "GET":
        audit_view(request, person, person.pk)
    outcome = submit(
        request,
        form,
        lambda data: restrictions.access_entry_add(
            person=person,
            user=data["user"],
            kind=data["kind"],
            reason=data["reason"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        if outcome.result:
            messages.success(request, "Access to this record changed")
        return redirect("referrals:record_access", pk=person.pk)
    entries = restrictions.access_entries(person)
    context = {
        "person": person,
        "form": form,
        "form_list": [form],
        "excluded": entries[restrictions.EXCLUDED],
        "allowed": entries[RecordAccessKind.ALLOWED],
    }
    return render(request, "referrals/record_access.html", context, status=outcome.status)


@require_http_methods(["POST"])
def record_access_remove(request, pk, entry_id):
    """Take one member of staff off the lists; a second submit changes nothing."""
    person = selectors.person_get_for_user(request, pk, Action.RESTRICT)
    if restrictions.access_entry_remove(
        entry_id=entry_id, person=person, by=request.user, request=request
    ):
        messages.success(request, "Access to this record changed")
    if selectors.person_visible_to(request.user, person):
        return redirect("referrals:record_access", pk=person.pk)
    # They took themselves off a restriction that names others: the record is gone for them.
    messages.success(request, "You no longer have access to that record")
    return redirect(reverse("referrals:my_work"))
