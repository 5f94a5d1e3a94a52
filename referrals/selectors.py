"""Reads of people and referrals, always scoped to the user through accounts.policy.

Extension points for other apps (register from your AppConfig.ready):

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
from datetime import date, datetime, time, timedelta

from django.db.models import (
    CharField,
    Exists,
    Expression,
    F,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.policy import Action, Kind, get_for_user_or_404, permits, scoped
from core.paging import (
    CompositeKeysetOrder,
    KeysetOrder,
    KeysetPage,
    SortKey,
    keyset_page,
    parse_bool,
    parse_int,
)
from core.queries import capped_count

from .enums import AWAITING_STATUSES, OPEN_STATUSES, AllocationKind
from .models import (
    MyWorkLook,
    Person,
    Referral,
    ReferralAllocation,
    ReferralStatusChange,
    name_key,
)
from .pathway import due_label

PAGE_SIZE = 25
MY_WORK_LIMIT = 10  # per queue: most urgent first; each links to the whole queue in the list
# My work counts stop here ("1,000+"): counting every open referral of a large team costs a
# scan that grows with the table, and nobody acts on the exact figure above this.
MY_WORK_COUNT_CAP = 1000
# "New to me" the first time a user opens My work: what was allocated this long ago (as the
# caseload's treatment_requirements.caseload_week.NEW_TO_ME_FIRST_LOOK_DAYS).
NEW_TO_ME_FIRST_LOOK_DAYS = 14
NEW_TO_ME_LIMIT = 25

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


def person_alerts(request, person: Person) -> list[dict]:
    return [alert for func in _PERSON_ALERTS if (alert := func(request, person))]


def annotate_person_markers(queryset: QuerySet, person_path: str = "person") -> QuerySet:
    """Each registered marker as an annotation on the rows (same query, no extra ones)."""
    return queryset.annotate(
        **{
            attribute: expression(person_path)
            for attribute, (_, expression) in PERSON_MARKERS.items()
        }
    )


# Loading single records -------------------------------------------------------------


def person_get_for_user(request, pk: int, action: str = Action.VIEW) -> Person:
    """The person, or 403/404 through the access policy (which audits a refusal)."""
    queryset = Person.objects.select_related("ethnicity", "team")
    return get_for_user_or_404(request, action, Kind.PERSON, queryset, pk=pk)


def referral_get_for_user(request, pk: int, action: str = Action.VIEW) -> Referral:
    queryset = Referral.objects.select_related(
        "person", "person__ethnicity", "site", "team", "offence_category", "assigned_to"
    ).prefetch_related("vulnerabilities")
    return get_for_user_or_404(request, action, Kind.REFERRAL, queryset, pk=pk)


def person_visible_to(user, person: Person) -> bool:
    return scoped(user, Action.VIEW, Kind.PERSON, Person.objects.filter(pk=person.pk)).exists()


def person_id_by_nhs_number(nhs_number: str) -> int | None:
    """The id of the person recorded with this NHS number, or None. Not scoped: it serves
    the audit trail's search by NHS number (accounts.audit.register_person_finder), whose
    view the policy already limits to those who may search the whole trail."""
    return Person.objects.filter(nhs_number=nhs_number).values_list("pk", flat=True).first()


# Lists ------------------------------------------------------------------------------


def referrals_visible_to(user) -> QuerySet:
    return scoped(user, Action.VIEW, Kind.REFERRAL, Referral.objects.all())


def _list_columns(queryset: QuerySet) -> QuerySet:
    """The rows' person, site and assignee, person markers and current urgency (shown on
    each row). "Most urgent first" sorts by the keys stored on the referral (work_order)."""
    queryset = queryset.select_related("person", "site", "assigned_to")
    return annotate_person_markers(queryset).annotate(current_urgency=current_urgency())


def overdue_q(now: datetime) -> Q:
    """Referrals still awaiting screening or assessment past their source's target (the
    stored due_at: work_order)."""
    return Q(status__in=AWAITING_STATUSES, due_at__lt=now)


def mark_overdue(referrals: Iterable[Referral], now: datetime | None = None) -> list[Referral]:
    """Each row with `is_overdue` and `due_label` ("in 3 hours", "overdue by 2 days", ""
    when no target is left) from its stored `due_at` (pathway.due_at, work_order)."""
    now = now or timezone.now()
    rows = list(referrals)
    for referral in rows:
        referral.is_overdue = referral.due_at is not None and now > referral.due_at
        referral.due_label = due_label(referral.due_at, now)
    return rows


def _datetime(value) -> datetime:
    return datetime.fromisoformat(value)


def most_urgent_order() -> CompositeKeysetOrder:
    """The order of My work's queues and the list's "Most urgent first" (pathway.py): a
    person at risk, then urgency, then the soonest or most overdue target (none last), then
    the oldest. The keys are stored on the referral (work_order), so each queue reads its
    first rows from its partial index (Referral.Meta.indexes, "*_urgent")."""
    return _MOST_URGENT


_MOST_URGENT = CompositeKeysetOrder(
    (
        SortKey("person_at_risk", descending=True, parse=parse_bool),
        SortKey("urgency_rank", parse=parse_int),
        SortKey("due_at", parse=_datetime, nullable=True),
        SortKey("received_at", parse=_datetime),
        SortKey("id", parse=parse_int),
    )
)


def most_urgent_first() -> list[OrderBy]:
    return most_urgent_order().ordering()


def search_q(search: dict) -> Q:
    """A stored search (see forms.ReferralSearchForm.clean_q) as a filter on referrals."""
    kind, value = search["kind"], search["value"]
    if kind == "nhs_number":
        return Q(person__nhs_number=value)
    if kind == "pnc_id":
        return Q(person__pnc_id=value)
    condition = Q()
    for token in name_key(value).split():
        condition &= Q(person__search_name__contains=token)
    return condition


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _by(*keys: SortKey) -> Callable[[], CompositeKeysetOrder]:
    order = CompositeKeysetOrder(keys)
    return lambda: order


_RECEIVED = SortKey("received_at", parse=_datetime)
_LATEST = SortKey("received_at", descending=True, parse=_datetime)
# The referral list's sorts (forms.ReferralFilterForm), each paged by keyset on all its keys.
# Ties are broken by id, so a page boundary inside a run of equal names, statuses or times
# neither repeats nor skips a row. The cursor of "name" holds the folded name and that of
# "urgent" whether the person is at risk: views keep cursors behind a session token.
# "urgent" reads the keys stored on the referral (work_order); My work's queue filters each
# match a partial index in that order.
SORT_ORDERS: dict[str, Callable[[], CompositeKeysetOrder]] = {
    "urgent": most_urgent_order,
    "-received": _by(_LATEST, SortKey("id", descending=True, parse=parse_int)),
    "received": _by(_RECEIVED, SortKey("id", parse=parse_int)),
    "status": _by(SortKey("status"), _LATEST, SortKey("id", descending=True, parse=parse_int)),
    "name": _by(
        SortKey("person__search_family"),
        SortKey("person__search_given"),
        _LATEST,
        SortKey("id", descending=True, parse=parse_int),
    ),
}


def referral_list(
    *,
    user,
    filters: dict | None = None,
    search: dict | None = None,
    sort: str = "-received",
    after: str | None = None,
    before: str | None = None,
    page_size: int | None = None,
) -> KeysetPage:
    """A page of the user's referrals in the chosen sort, after (or before) a cursor
    (core.paging: `after` wins; a malformed or missing one reads the first page).

    Never counts or skips through the whole table: reads page_size + 1 rows from where the
    cursor stopped. Rows carry is_overdue, due_at and due_label (mark_overdue).
    """
    queryset = _list_columns(referrals_visible_to(user))
    filters = filters or {}
    if filters.get("queue"):
        queryset = queryset.filter(queue_q(filters["queue"], user=user, now=timezone.now()))
    if filters.get("status") == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("assignee") == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif filters.get("assignee"):
        queryset = queryset.filter(assigned_to_id=int(filters["assignee"]))
    if filters.get("source"):
        queryset = queryset.filter(source=filters["source"])
    if filters.get("site"):
        queryset = queryset.filter(site=filters["site"])
    # Whole local days as datetime bounds, so the (team, received_at) index is used.
    if filters.get("received_from"):
        queryset = queryset.filter(received_at__gte=_start_of_day(filters["received_from"]))
    if filters.get("received_to"):
        next_day = filters["received_to"] + timedelta(days=1)
        queryset = queryset.filter(received_at__lt=_start_of_day(next_day))
    if search:
        queryset = queryset.filter(search_q(search))
    order = SORT_ORDERS.get(sort, SORT_ORDERS["-received"])()
    page = keyset_page(
        queryset, order, page_size=page_size or PAGE_SIZE, after=after, before=before
    )
    page.rows = mark_overdue(page.rows)
    return page


def queue_q(queue: str, *, user, now: datetime) -> Q:
    """One of My work's queues (forms.WORK_QUEUES) as a filter on the user's referrals.

    Each matches a partial index on Referral, so a queue's rows are found without reading
    other teams' or closed referrals.
    """
    if queue == "assigned":
        return Q(status__in=OPEN_STATUSES, assigned_to=user)
    if queue == "unassigned":
        return Q(status__in=OPEN_STATUSES, assigned_to__isnull=True)
    if queue == "overdue":
        return overdue_q(now)
    if queue == "reoffending":
        return reoffending_due_q(timezone.localdate(now))
    raise ValueError(f"Unknown work queue {queue!r}")


def reoffending_due_q(today: date) -> Q:
    """Referrals whose 12-month reoffending check (referrals.reoffending) is due by `today`,
    not done, and held by the L&D team (not by a team registered as holding it elsewhere)."""
    due = Q(reoffending_checked_on__isnull=True, reoffending_check_due_on__lte=today)
    for held_elsewhere in _HELD_ELSEWHERE:
        due &= ~held_elsewhere()
    return due


# Each queue's order and the referral list's sort its "See all" link uses: the referrals
# awaiting work most urgent first (risk, urgency, time to target); the reoffending checks
# (no timeliness target left) by the date each check fell due, on their partial index.
QUEUE_ORDER = {
    "assigned": (most_urgent_first, "urgent"),
    "unassigned": (most_urgent_first, "urgent"),
    "overdue": (most_urgent_first, "urgent"),
    # check due = the day after 12 months from receipt: the list's oldest-first order
    "reoffending": (["reoffending_check_due_on", "id"], "received"),
}


def _ordering(order) -> list:
    return order() if callable(order) else order


def my_work(*, user, now: datetime | None = None, limit: int | None = None) -> dict:
    """The queues of the "My work" page, each {"rows", "count", "count_label", "sort"}: the
    first MY_WORK_LIMIT rows in the queue's order, the rest in the referral list (its
    `queue` filter, read in the same order through its `sort`)."""
    now = now or timezone.now()
    limit = limit or MY_WORK_LIMIT
    referrals = _list_columns(referrals_visible_to(user))
    queues = {}
    for name, (order, sort) in QUEUE_ORDER.items():
        queryset = referrals.filter(queue_q(name, user=user, now=now))
        queues[name] = {**_queue(queryset.order_by(*_ordering(order)), limit, now), "sort": sort}
    return queues


def _queue(queryset, limit: int, now: datetime) -> dict:
    """Rows and a count that stops at MY_WORK_COUNT_CAP (count_label shows "1,000+")."""
    count = capped_count(queryset, MY_WORK_COUNT_CAP)
    label = f"{MY_WORK_COUNT_CAP:,}+" if count > MY_WORK_COUNT_CAP else f"{count:,}"
    # The queue's first rows chosen on the referral table alone, then joined to their person,
    # site and assignee: the sort reads no joined row it will not show.
    first = queryset.order_by().filter(pk__in=Subquery(queryset.values("pk")[:limit]))
    rows = first.order_by(*queryset.query.order_by)
    return {"rows": mark_overdue(rows, now), "count": count, "count_label": label}


# New to me (My work) -------------------------------------------------------------------


def my_work_last_look(user) -> datetime | None:
    return MyWorkLook.objects.filter(user=user).values_list("looked_at", flat=True).first()


def new_to_me_since(user, looked_at: datetime | None) -> datetime:
    """Allocations after this are new to the user: after their last look at My work, or
    within the last NEW_TO_ME_FIRST_LOOK_DAYS if they never opened it."""
    if looked_at is not None:
        return looked_at
    return timezone.now() - timedelta(days=NEW_TO_ME_FIRST_LOOK_DAYS)


def _new_to_me_q(user) -> Q:
    """Allocations that gave the referral to `user` (by someone else), and, for a user who
    allocates the team's referrals, transfers into their team with nobody assigned; only
    while the referral is still where that allocation put it."""
    given = Q(assigned_to=user, referral__assigned_to=user) & ~Q(allocated_by=user)
    if permits(user, Action.ALLOCATE, Kind.REFERRAL):
        given |= Q(
            assigned_to__isnull=True,
            kind=AllocationKind.TRANSFER,
            team_id=user.team_id,
            referral__assigned_to__isnull=True,
        )
    return given & Q(referral__team_id=F("team_id"), referral__status__in=OPEN_STATUSES)


# Most recent first, as ReferralAllocation.Meta.ordering and its (assignee, time, id) index.
NEW_TO_ME_ORDER = KeysetOrder("allocated_at", descending=True, parse=datetime.fromisoformat)


def _new_to_me(user, since: datetime) -> QuerySet:
    """The allocations new to the user after `since` (_new_to_me_q), each the latest of its
    referral, unordered."""
    later = ReferralAllocation.objects.filter(
        referral=OuterRef("referral_id"), pk__gt=OuterRef("pk")
    )
    return ReferralAllocation.objects.filter(
        _new_to_me_q(user),
        allocated_at__gt=since,
        referral__in=referrals_visible_to(user),
    ).exclude(Exists(later))


def _new_to_me_rows(allocations: QuerySet) -> QuerySet:
    return annotate_person_markers(allocations, "referral__person").select_related(
        "referral", "referral__person", "allocated_by", "team"
    )


def new_to_me(*, user, since: datetime, limit: int | None = None) -> dict:
    """My work's "New to me": the user's referrals whose latest allocation (_new_to_me_q)
    came after `since`, most recent first: {"rows" (the first `limit` allocations, each with
    its referral and person), "count", "count_label"}. The count stops at MY_WORK_COUNT_CAP;
    the rest are paged by new_to_me_page()."""
    limit = limit or NEW_TO_ME_LIMIT
    allocations = _new_to_me(user, since).order_by(*NEW_TO_ME_ORDER.ordering())
    count = capped_count(allocations, MY_WORK_COUNT_CAP)
    label = f"{MY_WORK_COUNT_CAP:,}+" if count > MY_WORK_COUNT_CAP else f"{count:,}"
    rows = list(_new_to_me_rows(allocations)[:limit])
    return {"rows": rows, "count": count, "count_label": label}


def new_to_me_page(
    *, user, since: datetime, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of new_to_me's allocations, most recent first, NEW_TO_ME_LIMIT at a time: a
    referral moved on between pages drops out without moving the others."""
    return keyset_page(
        _new_to_me_rows(_new_to_me(user, since)),
        NEW_TO_ME_ORDER,
        page_size=NEW_TO_ME_LIMIT,
        after=after,
        before=before,
    )


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
    changes = ReferralStatusChange.objects.select_related("changed_by").order_by("changed_at", "id")
    queryset = (
        referrals_visible_to(user)
        .filter(person=person)
        .select_related("site", "assigned_to", "team")
        .prefetch_related(Prefetch("status_changes", queryset=changes))
        .order_by("-received_at", "-id")
    )
    rows = mark_overdue(queryset)
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


def person_timeline(person: Person, user) -> list[dict]:
    """Every registered provider's events for `person` visible to `user`, newest first."""
    events = [event for provider in _TIMELINE_PROVIDERS for event in provider(person, user)]
    return sorted(events, key=lambda event: event["when"], reverse=True)


def referral_panels(request, referral: Referral) -> list[dict]:
    return [panel for func in _REFERRAL_PANELS if (panel := func(request, referral))]
