"""The person: likely matches at intake, their referrals, and the referrals' events on
their timeline (registered as timeline providers)."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Prefetch

from accounts.policy import Action, Kind, scoped
from core.compiled import compiled_for_user

from ..enums import AllocationKind
from ..models import Person, Referral, ReferralAllocation, ReferralStatusChange, name_key
from .access import referrals_visible_to
from .lists import mark_overdue
from .registry import register_timeline_provider


def likely_matches(*, user, given_name: str, family_name: str, date_of_birth) -> list[Person]:
    """People the user may see born on the same date, or on the date with the day and month
    the other way round (03/07 typed as 07/03), with a name that folds the same.

    Allows for case, accents, spaces and punctuation (O'Brien, O Brien, OBRIEN), given and
    family names swapped, and a shortened given name (Jon / Jonathan). Few people share a
    date of birth, so the names are compared here rather than in SQL. Exact dates come
    first; a match on the swapped date has `dob_swapped` set.
    """
    given, family = _compact_name(given_name), _compact_name(family_name)
    if not (given and family and date_of_birth):
        return []
    swapped = swapped_day_and_month(date_of_birth)
    dates = [date_of_birth] if swapped is None else [date_of_birth, swapped]
    candidates = scoped(
        user, Action.VIEW, Kind.PERSON, Person.objects.filter(date_of_birth__in=dates)
    ).order_by("pk")
    matches = []
    for person in candidates[:500]:
        their_given = person.search_given.replace(" ", "")
        their_family = person.search_family.replace(" ", "")
        same = {given, family} == {their_given, their_family}
        shortened = their_family == family and _same_start(given, their_given)
        if same or shortened:
            person.dob_swapped = person.date_of_birth != date_of_birth
            matches.append(person)
    matches.sort(key=lambda person: person.dob_swapped)  # stable: then by pk
    return matches[:10]


def swapped_day_and_month(day: date) -> date | None:
    """The date with day and month exchanged, when that is another real date."""
    if day.day == day.month or day.day > 12:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def _compact_name(text: str) -> str:
    return name_key(text).replace(" ", "")


def _same_start(a: str, b: str) -> bool:
    shorter = min(len(a), len(b))
    return shorter >= 3 and a[:shorter] == b[:shorter]


# The person's timeline --------------------------------------------------------------


def person_referrals(*, user, person: Person) -> list[Referral]:
    """The person's referrals the user may see, with their status history."""

    def build(user, person_id):
        changes = ReferralStatusChange.objects.select_related("changed_by")
        return (
            referrals_visible_to(user)
            .filter(person_id=person_id)
            .select_related("site", "assigned_to", "team")
            .prefetch_related(
                Prefetch("status_changes", queryset=changes.order_by("changed_at", "id"))
            )
            .order_by("-received_at", "-id")
        )

    # compiled once per role (core.compiled): building it cost more CPU than running it
    key = ("person referrals",)
    rows = mark_overdue(compiled_for_user(key, user, build, person_id=person.pk))
    for referral in rows:
        referral.person = person  # already loaded: saves one query per row
    return rows


def _referral_events(person: Person, user) -> Iterable[dict]:
    for referral in getattr(person, "_visible_referrals", None) or person_referrals(
        user=user, person=person
    ):
        url = referral.get_absolute_url()
        for change in referral.status_changes.all():
            if not change.from_status:
                title = f"Referral {referral.reference} received"
                detail = f"{referral.get_source_display()} at {referral.site.name}"
                when = referral.received_at
            else:
                title = (
                    f"Referral {referral.reference}: {change.get_from_status_display()} to "
                    f"{change.get_to_status_display().lower()}"
                )
                detail = change.reason
                when = change.changed_at
            yield {"when": when, "title": title, "detail": detail, "url": url}


register_timeline_provider(_referral_events)


def referral_allocations(referral: Referral) -> list[ReferralAllocation]:
    """The referral's allocation history, oldest first (the referral page; whoever may see
    the referral sees where it has been)."""
    return list(
        referral.allocations.select_related("assigned_to", "team", "allocated_by").order_by(
            "allocated_at", "id"
        )
    )


def _allocation_title(allocation: ReferralAllocation) -> str:
    ref = f"Referral R{allocation.referral_id:06d}"
    if allocation.kind == AllocationKind.TRANSFER:
        who = f" ({allocation.assigned_to.display_name})" if allocation.assigned_to else ""
        return f"{ref} transferred to {allocation.team.name}{who}"
    if allocation.assigned_to is None:
        return f"{ref} unassigned"
    return f"{ref} allocated to {allocation.assigned_to.display_name}"


def _allocation_events(person: Person, user) -> Iterable[dict]:
    """Allocations and transfers of the person's referrals the user may see (one query)."""
    visible = getattr(person, "_visible_referrals", None)
    if visible is None:
        visible = person_referrals(user=user, person=person)
    urls = {referral.pk: referral.get_absolute_url() for referral in visible}
    allocations = (
        ReferralAllocation.objects.filter(referral_id__in=urls)
        .select_related("assigned_to", "team", "allocated_by")
        .order_by("allocated_at", "id")
    )
    for allocation in allocations:
        yield {
            "when": allocation.allocated_at,
            "title": _allocation_title(allocation),
            "detail": allocation.reason,
            "url": urls[allocation.referral_id],
        }


register_timeline_provider(_allocation_events)
