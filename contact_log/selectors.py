"""Reads of the contact log, always through the access policy (Kind.CONTACT).

- `contact_get_for_user(request, pk, action)`: one contact or 403/404 (refusal audited).
- `contact_log_page(...)`: one keyset page of a person's contacts, newest first, filtered
  and searched; a fixed number of queries whatever the rows.
- `contact_events(person, user)`: the person-timeline provider (one query).
- `link_choices(user, person)`: the person's referrals, assessments and orders the user may
  see, to link a contact to one of them (three queries).
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.policy import Action, Kind, get_for_user_or_404, scoped
from assessments.models import Assessment
from core.compiled import compiled_for_user
from core.paging import KeysetOrder, KeysetPage, keyset_page
from referrals.models import Person, Referral
from treatment_requirements.models import Order

from .models import Contact, ContactAddendum

PAGE_SIZE = 20
LOG_ORDER = KeysetOrder("contact_at", descending=True, parse=datetime.datetime.fromisoformat)
LINK_KINDS = {"referral": Kind.REFERRAL, "assessment": Kind.ASSESSMENT, "order": Kind.ORDER}


def contacts_visible_to(user, action: str = Action.VIEW) -> QuerySet:
    return scoped(user, action, Kind.CONTACT, Contact.objects.all())


def contact_get_for_user(request, pk: int, action: str = Action.VIEW) -> Contact:
    queryset = Contact.objects.select_related(
        "person",
        "practitioner",
        "author_team",
        "referral",
        "assessment",
        "order",
        "in_error_by",
        "restricted_by",
        "restriction_reviewed_by",
    )
    return get_for_user_or_404(request, action, Kind.CONTACT, queryset, pk=pk)


def contact_history(contact: Contact) -> tuple[list, list]:
    """(addenda, events) of the contact, oldest first, with who added them (2 queries)."""
    addenda = list(contact.addenda.select_related("added_by"))
    events = list(contact.events.select_related("by"))
    return addenda, events


def _filtered(queryset: QuerySet, filters: dict, search: str | None) -> QuerySet:
    if filters.get("contact_type"):
        queryset = queryset.filter(contact_type=filters["contact_type"])
    if filters.get("author"):
        queryset = queryset.filter(practitioner_id=filters["author"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = datetime.datetime.combine(filters["date_from"], datetime.time.min, tz)
        queryset = queryset.filter(contact_at__gte=start)
    if filters.get("date_to"):
        end = datetime.datetime.combine(
            filters["date_to"] + datetime.timedelta(days=1), datetime.time.min, tz
        )
        queryset = queryset.filter(contact_at__lt=end)
    if search:
        in_addenda = ContactAddendum.objects.filter(contact=OuterRef("pk"), text__icontains=search)
        queryset = queryset.filter(Q(note__icontains=search) | Q(Exists(in_addenda)))
    return queryset


def contact_log_page(
    *,
    user,
    person: Person,
    filters: dict,
    search: str | None = None,
    after: str | None = None,
    before: str | None = None,
    page_size: int = PAGE_SIZE,
) -> KeysetPage:
    """One page of the person's contacts the user may see, newest first (1 query)."""
    queryset = (
        contacts_visible_to(user)
        .filter(person=person)
        .select_related("practitioner", "author_team")
        .annotate(addenda_count=Count("addenda"))
    )
    queryset = _filtered(queryset, filters, search)
    return keyset_page(queryset, LOG_ORDER, page_size=page_size, after=after, before=before)


def contact_authors(user, person: Person) -> list[User]:
    """Who wrote the person's contacts that the user may see (the author filter, 1 query)."""
    written = contacts_visible_to(user).filter(person=person, practitioner=OuterRef("pk"))
    return list(User.objects.filter(Exists(written)).order_by("first_name", "last_name", "pk"))


def link_choices(user, person: Person) -> dict[str, list]:
    """The person's records the user may see, by kind, to link a contact to one of them."""
    return {
        "referral": list(
            scoped(
                user, Action.VIEW, Kind.REFERRAL, Referral.objects.filter(person=person)
            ).order_by("-received_at", "-id")
        ),
        "assessment": list(
            scoped(
                user,
                Action.VIEW,
                Kind.ASSESSMENT,
                Assessment.objects.filter(referral__person=person),
            ).order_by("-created_at", "-id")
        ),
        "order": list(
            scoped(user, Action.VIEW, Kind.ORDER, Order.objects.filter(person=person)).order_by(
                "-made_on", "-id"
            )
        ),
    }


def linkable(user, person: Person, kind: str, pk: int):
    """The person's record of `kind` with `pk` if the user may see it, else None."""
    model = {"referral": Referral, "assessment": Assessment, "order": Order}[kind]
    person_lookup = "referral__person" if kind == "assessment" else "person"
    rows = model.objects.filter(pk=pk, **{person_lookup: person})
    return scoped(user, Action.VIEW, LINK_KINDS[kind], rows).first()


def contact_events(person: Person, user) -> list[dict]:
    """Timeline events: one per contact the user may see (1 query). No note text."""
    contacts = compiled_for_user(  # compiled once per role (core.compiled)
        ("person timeline", "contacts"),
        user,
        lambda user, person_id: (
            contacts_visible_to(user)
            .filter(person_id=person_id)
            .select_related("practitioner", "author_team")
            .order_by("-contact_at", "-id")
        ),
        person_id=person.pk,
    )
    events = []
    for contact in contacts:
        detail = f"{contact.get_outcome_display()}. By {_name(contact.practitioner)}"
        if contact.is_in_error:
            detail = f"Recorded in error. {detail}"
        if contact.is_withheld:
            detail = f"Restricted to {contact.author_team.name}. {detail}"
        events.append(
            {
                "when": contact.contact_at,
                "title": f"Contact: {contact.get_contact_type_display().lower()}",
                "detail": detail,
                "url": contact.get_absolute_url(),
            }
        )
    return events


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
