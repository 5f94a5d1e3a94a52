"""The person's contact log, adding a contact, a contact's page and its corrections.

Every page showing contacts is audited (the person's id, never note text). The note search
is posted and kept in the session behind an opaque token (core.search_tokens), so no text
reaches a URL; filters (codes, dates, a staff id) and the page cursor may.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_request, audit_view
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, permits, require
from core.paging import page_links
from core.search_tokens import store_search, stored_search
from core.view_helpers import form_page, submit
from referrals.selectors import person_get_for_user
from treatment_requirements.views.common import FORM_PAGE

from . import selectors, services
from .forms import (
    AddendumForm,
    ContactFilterForm,
    ContactForm,
    ContactSearchForm,
    InErrorForm,
    RestrictForm,
    ReviewForm,
)

SEARCH_SESSION_KEY = "contact_log_searches"
FILTER_PARAMS = ("contact_type", "date_from", "date_to", "author")


def _query(params, **extra) -> str:
    kept = {k: params[k] for k in FILTER_PARAMS if params.get(k)}
    kept.update({k: v for k, v in extra.items() if v})
    return urlencode(kept)


def _person_search(request, person) -> tuple[str, str | None]:
    """(token, text) of the stored search, only if it was made on this person's log."""
    token = request.GET.get("search", "")
    stored = stored_search(request, SEARCH_SESSION_KEY, token)
    if not stored or stored.get("person") != person.pk:
        return "", None
    return token, stored["text"]


@require_http_methods(["GET", "POST"])
def contact_log(request, pk):
    """The person's contacts the user may see, newest first, filtered, searched and paged."""
    require(request, Action.VIEW, Kind.CONTACT)
    person = person_get_for_user(request, pk)
    token, search = _person_search(request, person)
    search_form = ContactSearchForm(request.POST or None)
    if request.method == "POST" and search_form.is_valid():
        audit_request(
            request,
            action=AuditAction.SEARCH,
            object_type="contact_log.contact",
            person_id=person.pk,
            detail="contact log note search",
        )
        token = store_search(
            request,
            SEARCH_SESSION_KEY,
            {"person": person.pk, "text": search_form.cleaned_data["q"]},
        )
        url = reverse("contact_log:contact_log", args=[person.pk])
        return redirect(f"{url}?{_query(request.GET, search=token)}")
    if request.method == "GET" and search:
        search_form = ContactSearchForm(initial={"q": search})
    filter_form = ContactFilterForm(
        request.GET or None, authors=selectors.contact_authors(request.user, person)
    )
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = selectors.contact_log_page(
        user=request.user,
        person=person,
        filters=filters,
        search=search,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    context = {
        "person": person,
        "page": page,
        "search": search,
        "search_form": search_form,
        "filter_form": filter_form,
        "error_forms": [search_form, filter_form],
        "filtered": bool(filters and any(filters.values())),
        "clear_search_query": _query(request.GET),
        "may_create": permits(request.user, Action.CREATE, Kind.CONTACT),
        **page_links(page, _query(request.GET, search=token)),
    }
    audit_view(request, person, person.pk, "contact log")
    status = 400 if request.method == "POST" else 200
    return render(request, "contact_log/contact_log.html", context, status=status)


@require_http_methods(["GET", "POST"])
def contact_new(request, pk):
    """Add a contact to the person's log (the user's team becomes its author team)."""
    require(request, Action.CREATE, Kind.CONTACT)
    person = person_get_for_user(request, pk)
    form = ContactForm(
        request.POST or None,
        links=selectors.link_choices(request.user, person),
        initial={"date": timezone.localdate(), "time": timezone.localtime().strftime("%H:%M")},
    )
    outcome = submit(
        request,
        form,
        lambda data: services.contact_create(
            person=person,
            by=request.user,
            contact_type=data["contact_type"],
            contact_at=data["contact_at"],
            outcome=data["outcome"],
            note=data["note"],
            with_whom=data["with_whom"],
            link=form.link_value(),
            restriction_reason=data["restriction"],
            request=request,
        ),
        rename={"contact_at": "date"},
    )
    if outcome:
        messages.success(request, "Contact added to the log")
        return redirect(outcome.result.get_absolute_url())
    if request.method == "GET":
        audit_view(request, person, person.pk, "contact new")
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Add a contact",
        caption=person.full_name,
        person=person,
        submit="Save contact",
        cancel_url=reverse("contact_log:contact_log", args=[person.pk]),
        status=outcome.status,
    )


@require_http_methods(["GET"])
def contact_detail(request, pk):
    contact = selectors.contact_get_for_user(request, pk)
    addenda, events = selectors.contact_history(contact)
    may_change = permits(request.user, Action.CHANGE, Kind.CONTACT)
    context = {
        "person": contact.person,
        "contact": contact,
        "addenda": addenda,
        "events": events,
        "may_change": may_change and not contact.is_in_error,
        "may_restrict": may_change and not contact.is_withheld,
        "may_review": may_change
        and contact.is_withheld
        and contact.restricted_by_id != request.user.pk,
    }
    audit_view(request, contact, contact.person_id, "contact")
    return render(request, "contact_log/contact_detail.html", context)


# Corrections and restriction: one form page each, stale-edit protected -------------------

_STEPS = {
    "addendum": (AddendumForm, "Add an addendum", "Save addendum", "Addendum added"),
    "in_error": (
        InErrorForm,
        "Mark as recorded in error",
        "Mark as recorded in error",
        "Contact marked as recorded in error",
    ),
    "restrict": (RestrictForm, "Restrict this note", "Restrict note", "Note restricted"),
    "review": (ReviewForm, "Review the restriction", "Save decision", "Restriction reviewed"),
}


def _call(step, contact, data, request):
    common = {
        "contact": contact,
        "expected_version": data["version"],
        "by": request.user,
        "request": request,
    }
    if step == "addendum":
        return services.contact_addendum_add(text=data["text"], reason=data["reason"], **common)
    if step == "in_error":
        return services.contact_mark_in_error(reason=data["reason"], **common)
    if step == "restrict":
        return services.contact_restrict(reason=data["reason"], **common)
    return services.contact_restriction_review(decision=data["decision"], **common)


def _step_refusal(step, contact) -> str:
    """Why this step does not apply to the contact now, or ""."""
    if step in ("addendum", "in_error") and contact.is_in_error:
        return services.IN_ERROR_MESSAGE
    if step == "restrict" and contact.is_withheld:
        return "This note is already restricted."
    if step == "review" and not contact.is_withheld:
        return services.NOT_WITHHELD_MESSAGE
    return ""


def _contact_step(request, pk, step):
    contact = selectors.contact_get_for_user(request, pk, Action.CHANGE)
    if refusal := _step_refusal(step, contact):
        messages.error(request, refusal)
        return redirect(contact.get_absolute_url())
    form_class, title, submit_label, done = _STEPS[step]
    form = form_class(request.POST or None, initial={"version": contact.version})
    outcome = submit(request, form, lambda data: _call(step, contact, data, request))
    if outcome:
        messages.success(request, done)
        return redirect(contact.get_absolute_url())
    if request.method == "GET":
        audit_view(request, contact, contact.person_id, f"contact {step}")
    when = timezone.localtime(contact.contact_at)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title=title,
        caption=f"{contact.get_contact_type_display()}, {when:%-d %B %Y %H:%M}",
        person=contact.person,
        submit=submit_label,
        cancel_url=contact.get_absolute_url(),
        intro=f"The note: {Truncator(contact.note).chars(300)}",
        status=outcome.status,
        contact=contact,
    )


@require_http_methods(["GET", "POST"])
def contact_addendum(request, pk):
    return _contact_step(request, pk, "addendum")


@require_http_methods(["GET", "POST"])
def contact_in_error(request, pk):
    return _contact_step(request, pk, "in_error")


@require_http_methods(["GET", "POST"])
def contact_restrict(request, pk):
    return _contact_step(request, pk, "restrict")


@require_http_methods(["GET", "POST"])
def contact_review(request, pk):
    return _contact_step(request, pk, "review")
