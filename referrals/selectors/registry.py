"""Extension points through which other apps add to the person's and the referral's pages
and lists (register from your AppConfig.ready):

- `register_timeline_provider(func)`: func(person, user) returns an iterable of events,
  each a dict {"when": aware datetime, "title": str, "detail": str, "url": str or ""}
  (optionally "all_day": True for an event known only by its date: shown without a time).
  `person_timeline` merges every provider's events, newest first. Providers must run a
  fixed number of queries whatever the number of rows (select_related/prefetch).
- `register_follow_up_held_elsewhere(func)`: func() returns a Q selecting the referrals whose
  reoffending follow-up another team holds (treatment requirements: an order was made, so
  the supervising probation team); My work's "reoffending" queue leaves them out.
- `register_referral_panel(func)`: func(request, referral) returns None or a dict
  {"template": "app/_panel.html", "context": {...}}; the referral page includes each
  template, in registration order, in its "referral_panels" region. An optional
  "alert_template" (same context) is included at the very top of the page, for warnings
  such as a self-harm flag that must not wait below the fold.
- `register_person_alert(func)`: func(request, person) returns None or a dict
  {"template": ..., "context": {...}}; base.html shows each at the top of every page whose
  context has a `person` (the `person_alerts` tag), so a risk follows the person.
- `register_person_marker(attribute, label, expression)`: expression(person_path) is an
  expression (e.g. Exists) annotated as `attribute` on list rows; rows where it is true show
  `label` as a tag beside the person (the `person_markers` filter). Lists annotate with
  `annotate_person_markers`, which adds no query. An `urgent` marker (the default: a risk
  to life) also puts the row first in "most urgent first" (stored on the referral as
  `person_at_risk`: whatever changes what the expression reads calls
  work_order.refresh_work_order); `urgent=False` only tags it.
- `register_person_record_page(label, url_name, action, kind, position=...)`: a page of the
  person's record (its URL takes the person's id) that the record's navigation links to,
  in `position` order after "Overview", only for users the policy permits `action` on
  `kind` (the check the page's view makes); the link is current on `url_name` and on every
  view named in `current_on` (a name ending in ":" covers a whole namespace). Pages
  include "referrals/_person_record_nav.html" (`person_record_nav`).
- `register_decided_urgency(func)`: func() returns an expression over a referral giving the
  urgency decided since intake (screening decides urgency), or NULL; list rows carry
  `current_urgency`, the first decided one or else the referral's own, which My work shows
  and orders by (stored as `urgency_rank`: work_order).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import CharField, Expression, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.policy import Action, Kind, permits

from ..models import Person, Referral

TimelineProvider = Callable[[Person, object], Iterable[dict]]
ReferralPanel = Callable[[object, Referral], dict | None]
PersonAlert = Callable[[object, Person], dict | None]
_TIMELINE_PROVIDERS: list[TimelineProvider] = []
_REFERRAL_PANELS: list[ReferralPanel] = []
_HELD_ELSEWHERE: list[Callable[[], Q]] = []
_PERSON_ALERTS: list[PersonAlert] = []
_DECIDED_URGENCY: list[Callable[[], Expression]] = []
_PERSON_RECORD_PAGES: dict[str, "PersonRecordPage"] = {}
# attribute -> (label, expression over the path to the row's person)
PERSON_MARKERS: dict[str, tuple[str, Callable[[str], Expression]]] = {}
URGENT_MARKERS: set[str] = set()  # the markers "most urgent first" puts first


def register_timeline_provider(func: TimelineProvider) -> TimelineProvider:
    if func not in _TIMELINE_PROVIDERS:
        _TIMELINE_PROVIDERS.append(func)
    return func


def register_follow_up_held_elsewhere(func: Callable[[], Q]) -> Callable[[], Q]:
    if func not in _HELD_ELSEWHERE:
        _HELD_ELSEWHERE.append(func)
    return func


def register_referral_panel(func: ReferralPanel) -> ReferralPanel:
    if func not in _REFERRAL_PANELS:
        _REFERRAL_PANELS.append(func)
    return func


def register_person_alert(func: PersonAlert) -> PersonAlert:
    if func not in _PERSON_ALERTS:
        _PERSON_ALERTS.append(func)
    return func


def register_person_marker(
    attribute: str, label: str, expression: Callable[[str], Expression], *, urgent: bool = True
):
    PERSON_MARKERS[attribute] = (label, expression)
    if urgent:
        URGENT_MARKERS.add(attribute)
    else:
        URGENT_MARKERS.discard(attribute)


@dataclass(frozen=True)
class PersonRecordPage:
    label: str
    url_name: str
    action: str
    kind: str
    position: int
    current_on: tuple[str, ...] = ()

    def is_current(self, view_name: str) -> bool:
        return any(
            view_name == name or (name.endswith(":") and view_name.startswith(name))
            for name in (self.url_name, *self.current_on)
        )


OVERVIEW = PersonRecordPage("Overview", "referrals:person_detail", Action.VIEW, Kind.PERSON, 0)


def register_person_record_page(
    label: str,
    url_name: str,
    *,
    action: str,
    kind: str,
    position: int,
    current_on: tuple[str, ...] = (),
) -> None:
    _PERSON_RECORD_PAGES[url_name] = PersonRecordPage(
        label, url_name, action, kind, position, current_on
    )


def person_record_nav(user, person: Person, view_name: str) -> list[dict]:
    """The links of the person's record navigation this user may follow, in order, the one
    for the page being shown (`view_name`, e.g. "risks:register") marked current.
    Overview (the person page) comes first: whoever sees a page about the person sees it."""
    pages = sorted(_PERSON_RECORD_PAGES.values(), key=lambda page: page.position)
    permitted = [page for page in pages if permits(user, page.action, page.kind)]
    return [
        {
            "label": page.label,
            "url": reverse(page.url_name, args=[person.pk]),
            "current": page.is_current(view_name),
        }
        for page in [OVERVIEW, *permitted]
    ]


def register_decided_urgency(func: Callable[[], Expression]) -> Callable[[], Expression]:
    if func not in _DECIDED_URGENCY:
        _DECIDED_URGENCY.append(func)
    return func


def current_urgency() -> Expression:
    """The referral's urgency now: the first one decided since intake (a screening), else
    the one given at referral."""
    if not _DECIDED_URGENCY:
        return F("urgency")
    return Coalesce(*(func() for func in _DECIDED_URGENCY), F("urgency"), output_field=CharField())


def order_registrations() -> tuple:
    """What "most urgent first" is computed from among the registrations (the markers, which
    are urgent, the decided urgencies): work_order reuses its SQL while these stay the same."""
    return (tuple(PERSON_MARKERS.items()), frozenset(URGENT_MARKERS), tuple(_DECIDED_URGENCY))


def person_alerts(request, person: Person) -> list[dict]:
    return [alert for func in _PERSON_ALERTS if (alert := func(request, person))]


_MARKER_EXPRESSIONS: dict[tuple, Expression] = {}


def _marker_expression(expression: Callable[[str], Expression], person_path: str) -> Expression:
    """The marker's expression over `person_path`, built once: expressions are templates
    that annotate() copies as it resolves them, and every list row query carries them."""
    key = (expression, person_path)
    if key not in _MARKER_EXPRESSIONS:
        _MARKER_EXPRESSIONS[key] = expression(person_path)
    return _MARKER_EXPRESSIONS[key]


def annotate_person_markers(queryset: QuerySet, person_path: str = "person") -> QuerySet:
    """Each registered marker as an annotation on the rows (same query, no extra ones)."""
    return queryset.annotate(
        **{
            attribute: _marker_expression(expression, person_path)
            for attribute, (_, expression) in PERSON_MARKERS.items()
        }
    )


def held_elsewhere_conditions() -> list[Q]:
    """Each registered team's referrals whose reoffending follow-up it holds
    (register_follow_up_held_elsewhere)."""
    return [held_elsewhere() for held_elsewhere in _HELD_ELSEWHERE]


def person_timeline(person: Person, user) -> list[dict]:
    """Every registered provider's events for `person` visible to `user`, newest first."""
    events = [event for provider in _TIMELINE_PROVIDERS for event in provider(person, user)]
    return sorted(events, key=lambda event: event["when"], reverse=True)


def referral_panels(request, referral: Referral) -> list[dict]:
    return [panel for func in _REFERRAL_PANELS if (panel := func(request, referral))]
