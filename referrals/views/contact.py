"""The person's contact details and reminder preferences (issue 18): who may change them
is the policy's `Kind.PERSON_CONTACT` (the person's L&D teams and the probation officers
of their orders, who book the appointments reminders are about)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_view
from accounts.policy import Action, Kind, get_for_user_or_404
from core.view_helpers import form_page, submit

from .. import services
from ..forms import PersonContactForm
from ..forms.contact import safe_choice
from ..models import Person, PersonContact

TEMPLATE = "referrals/person_contact.html"


def contact_of(person: Person) -> PersonContact:
    """The person's contact row, or an unsaved one with the defaults (not asked)."""
    try:
        return person.contact
    except PersonContact.DoesNotExist:
        return PersonContact(person=person)


def _initial(contact: PersonContact) -> dict:
    fields = ("mobile", "email", "address", "postcode", "language", "reminders", "channel")
    return {
        **{name: getattr(contact, name) for name in fields},
        "safe_to_leave_messages": safe_choice(contact.safe_to_leave_messages),
        "version": contact.version,
    }


@require_http_methods(["GET", "POST"])
def person_contact(request, pk):
    queryset = Person.objects.select_related("contact")
    person = get_for_user_or_404(request, Action.CHANGE, Kind.PERSON_CONTACT, queryset, pk=pk)
    contact = contact_of(person)
    form = PersonContactForm(request.POST or None, initial=_initial(contact))
    if request.method == "GET":
        audit_view(request, person, person.pk, "contact details")
    outcome = submit(
        request,
        form,
        lambda data: services.person_contact_update(
            person=person,
            values=form.contact_values(),
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, "Contact details and reminders saved")
        return redirect(person)
    return form_page(request, TEMPLATE, form, person=person, contact=contact, status=outcome.status)
