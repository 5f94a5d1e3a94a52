"""Reads of the risk register, scoped through accounts.policy.

Who sees what: every role that may see the person sees their flags (type, MAPPA/ROSH
level, dates, who raised them, review status). The free text (the flag's note, review
notes, removal reasons) is for the person's L&D teams only (`shows_notes`: the policy's
TEAM scope); probation and providers get the flag without clinical detail.
"""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse

from accounts.policy import Action, Kind, Scope, get_for_user_or_404, permits, scope_for, scoped
from core.compiled import compiled_for_user
from referrals.models import Person
from referrals.selectors import person_visible_to

from . import rules
from .enums import RiskType
from .models import RiskFlag, RiskFlagEvent


def flags_visible(user, action: str = Action.VIEW) -> QuerySet:
    """Flags `user` may `action`; none if a scope is not registered (fail closed)."""
    try:
        return scoped(user, action, Kind.RISK, RiskFlag.objects.all())
    except LookupError:
        return RiskFlag.objects.none()


def shows_notes(user) -> bool:
    """The flag's free text is shown to the person's L&D teams only."""
    return scope_for(user, Action.VIEW, Kind.RISK) == Scope.TEAM


def may_change(user, person: Person) -> bool:
    """May `user` raise, review and remove flags on this person? The policy's TEAM scope
    for flags is the person's TEAM scope (risks.scopes), so ask it about the person."""
    if scope_for(user, Action.CREATE, Kind.RISK) != Scope.TEAM:
        return False
    return person_visible_to(user, person)


def person_flags(user, person: Person) -> dict:
    """The register page: the person's current and removed flags that `user` may see, each
    with its history (two queries)."""
    flags = list(
        flags_visible(user)
        .filter(person=person)
        .select_related("raised_by", "team", "removed_by")
        .prefetch_related(Prefetch("events", queryset=RiskFlagEvent.objects.select_related("by")))
        .order_by("removed_on", "next_review_on", "id")
    )
    on = rules.today()
    for flag in flags:
        flag.status = flag.review_status(on)
        flag.status_label = rules.REVIEW_STATUS_LABELS.get(flag.status, "")
    return {
        "current": [flag for flag in flags if flag.is_current],
        "removed": [flag for flag in flags if not flag.is_current],
        "today": on,
    }


def flag_get_for_user(request, pk: int, action: str = Action.CHANGE) -> RiskFlag:
    """One flag through the policy: 403 if the role may not, 404 if out of scope."""
    queryset = RiskFlag.objects.select_related("person", "team", "raised_by")
    try:
        return get_for_user_or_404(request, action, Kind.RISK, queryset, pk=pk)
    except LookupError as exc:
        raise Http404("No such record, or it is outside your caseload.") from exc


def risk_events(person: Person, user) -> list[dict]:
    """Person-timeline events (referrals.selectors.register_timeline_provider): each flag
    raised, reviewed or removed that the user may see, by date, without any note. One query."""
    events = compiled_for_user(  # compiled once per role (core.compiled)
        ("person timeline", "risk flag events"),
        user,
        lambda user, person_id: RiskFlagEvent.objects.filter(
            flag__in=flags_visible(user).filter(person_id=person_id)
        ).select_related("flag"),
        person_id=person.pk,
    )
    url = reverse("risks:register", args=[person.pk])
    return [
        {
            "when": datetime.datetime.combine(event.happened_on, datetime.time(), rules.LONDON),
            "all_day": True,
            "title": f"Risk flag {event.get_kind_display().lower()}: {event.flag.details}",
            "detail": "",
            "url": url,
        }
        for event in events
    ]


# The risk that follows the person ------------------------------------------------------


def person_risk_alert(request, person: Person) -> dict | None:
    """The banner at the top of every page about the person (registered with
    referrals.selectors.register_person_alert): their current flags, with review status,
    for every role that may see the flags. No note text. One query."""
    user = request.user
    if not permits(user, Action.VIEW, Kind.RISK):
        return None
    flags = compiled_for_user(  # compiled once per role (core.compiled)
        ("person risk alert",),
        user,
        lambda user, person_id: (
            flags_visible(user)
            .current()
            .filter(person_id=person_id)
            .select_related("team")
            .order_by("raised_on", "id")
        ),
        person_id=person.pk,
    )
    if not flags:
        return None
    on = rules.today()
    for flag in flags:
        flag.status = flag.review_status(on)
        flag.status_label = rules.REVIEW_STATUS_LABELS.get(flag.status, "")
    return {
        "template": "risks/_person_risk_banner.html",
        "context": {"risk_flags": flags, "person_id": person.pk},
    }


def _current_flag_exists(person_path: str, **filters) -> Exists:
    return Exists(
        RiskFlag.objects.filter(person_id=OuterRef(person_path), removed_on__isnull=True, **filters)
    )


def self_harm_flagged(person_path: str) -> Exists:
    """For list rows: the row's person has a current self-harm or suicide flag."""
    return _current_flag_exists(person_path, risk_type=RiskType.SELF_HARM)


def other_risk_flagged(person_path: str) -> Exists:
    """For list rows: the row's person has a current flag of any other type."""
    return Exists(
        RiskFlag.objects.filter(person_id=OuterRef(person_path), removed_on__isnull=True).exclude(
            risk_type=RiskType.SELF_HARM
        )
    )


# attribute -> (label, expression, urgent: put first in "most urgent first")
MARKERS = {
    "self_harm_risk": ("Self-harm risk", self_harm_flagged, True),
    "risk_flagged": ("Risk flag", other_risk_flagged, False),
}
