"""Reads of documents, always scoped to the user through accounts.policy."""

import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.timezone import localdate

from accounts.policy import Action, Kind, get_for_user_or_404, permits, scoped
from core.compiled import compiled_for_user
from core.paging import KeysetOrder, KeysetPage, keyset_page
from referrals.models import Person, Referral
from treatment_requirements.models import Order

from .models import Document

PAGE_SIZE = 20
NEWEST_FIRST = KeysetOrder("uploaded_at", descending=True, parse=datetime.datetime.fromisoformat)
_COLUMNS = ("uploaded_by", "removed_by", "referral", "order", "team")


def documents_visible_to(user, action: str = Action.VIEW) -> QuerySet:
    return scoped(user, action, Kind.DOCUMENT, Document.objects.all())


def document_get_for_user(request, pk: int, action: str = Action.VIEW) -> Document:
    """The document, or 403/404 through the access policy (which audits a refusal)."""
    queryset = Document.objects.select_related("person", *_COLUMNS)
    return get_for_user_or_404(request, action, Kind.DOCUMENT, queryset, pk=pk)


def person_documents_page(
    *, user, person: Person, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """One page of the person's documents the user may see, newest first (two queries
    whatever the page's length: the rows with their people, and nothing per row)."""
    queryset = documents_visible_to(user).filter(person=person).select_related(*_COLUMNS)
    return keyset_page(queryset, NEWEST_FIRST, page_size=PAGE_SIZE, after=after, before=before)


def link_choices(*, user, person: Person) -> list[tuple[str, str]]:
    """What a new document may be linked to: the person's referrals and orders the user may
    change or see, as ("referral-<pk>" / "order-<pk>", label)."""
    referrals = scoped(user, Action.VIEW, Kind.REFERRAL, Referral.objects.filter(person=person))
    orders = scoped(user, Action.VIEW, Kind.ORDER, Order.objects.filter(person=person))
    choices = [
        (
            f"referral-{r.pk}",
            f"Referral {r.reference}, received {localdate(r.received_at):%-d %b %Y}",
        )
        for r in referrals.order_by("-received_at", "-id")
    ]
    choices += [
        (f"order-{o.pk}", f"Order {o.reference}, made {o.made_on:%-d %b %Y}")
        for o in orders.order_by("-made_on", "-id")
    ]
    return choices


def document_events(person: Person, user) -> list[dict]:
    """Timeline events: each document the user may see, by its upload time."""
    if not permits(user, Action.VIEW, Kind.DOCUMENT):
        return []
    url = reverse("documents:person_documents", args=[person.pk])
    rows = compiled_for_user(  # compiled once per role (core.compiled)
        ("person timeline", "documents"),
        user,
        lambda user, person_id: (
            documents_visible_to(user).filter(person_id=person_id).order_by("-uploaded_at", "-id")
        ),
        person_id=person.pk,
    )
    events = []
    for document in rows:
        title = f"{document.get_document_type_display()} attached"
        if document.is_removed:
            title += " (recorded in error)"
        events.append(
            {"when": document.uploaded_at, "title": title, "detail": document.title, "url": url}
        )
    return events
