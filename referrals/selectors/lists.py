"""The referral list and My work (its queues and "New to me"): keyset-paged, most urgent
first, each with a count that stops at a cap. Tests patch the limits here."""

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.policy import Action, Kind, permits
from core.compiled import compiled_count, compiled_for_user, compiled_rows
from core.paging import (
    CompositeKeysetOrder,
    KeysetOrder,
    KeysetPage,
    SortKey,
    keyset_page,
    parse_bool,
    parse_int,
)

from ..enums import AWAITING_STATUSES, OPEN_STATUSES, AllocationKind
from ..models import MyWorkLook, Referral, ReferralAllocation, name_key
from ..pathway import due_label
from .access import referrals_visible_to
from .registry import annotate_person_markers, current_urgency, held_elsewhere_conditions

PAGE_SIZE = 25
MY_WORK_LIMIT = 10  # per queue: most urgent first; each links to the whole queue in the list
# My work counts stop here ("1,000+"): counting every open referral of a large team costs a
# scan that grows with the table, and nobody acts on the exact figure above this.
MY_WORK_COUNT_CAP = 1000
# "New to me" the first time a user opens My work: what was allocated this long ago (as the
# caseload's treatment_requirements.caseload_week.NEW_TO_ME_FIRST_LOOK_DAYS).
NEW_TO_ME_FIRST_LOOK_DAYS = 14
NEW_TO_ME_LIMIT = 25


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


def queue_q(queue: str, *, user, now: datetime, today: date | None = None) -> Q:
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
        return reoffending_due_q(today or timezone.localdate(now))
    raise ValueError(f"Unknown work queue {queue!r}")


def reoffending_due_q(today: date) -> Q:
    """Referrals whose 12-month reoffending check (referrals.reoffending) is due by `today`,
    not done, and held by the L&D team (not by a team registered as holding it elsewhere)."""
    due = Q(reoffending_checked_on__isnull=True, reoffending_check_due_on__lte=today)
    for held_elsewhere in held_elsewhere_conditions():
        due &= ~held_elsewhere
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
    `queue` filter, read in the same order through its `sort`).

    Each queue's two queries are compiled once per role and queue (core.compiled) and run
    with the user's ids and the time: building them cost more CPU than running them."""
    now = now or timezone.now()
    limit = limit or MY_WORK_LIMIT
    values = {"user_id": user.pk, "team_id": user.team_id, "now": now}
    values["today"] = timezone.localdate(now)
    queues = {}
    for name, (_, sort) in QUEUE_ORDER.items():
        key = ("my work queue", name, user.role, limit, MY_WORK_COUNT_CAP)
        count = compiled_count(key, _queue_builder(user, name, limit, count=True), **values)
        label = f"{MY_WORK_COUNT_CAP:,}+" if count > MY_WORK_COUNT_CAP else f"{count:,}"
        rows = compiled_rows(key, _queue_builder(user, name, limit, count=False), **values)
        queues[name] = {
            "rows": mark_overdue(rows, now),
            "count": count,
            "count_label": label,
            "sort": sort,
        }
    return queues


def _queue_builder(user, name: str, limit: int, *, count: bool):
    """The queue `name` of a user like `user` (their role) with these ids at this time: its
    count capped at MY_WORK_COUNT_CAP, or its first `limit` rows."""

    def build(user_id, team_id, now, today):
        stand_in = get_user_model()(pk=user_id, team_id=team_id, role=user.role, is_active=True)
        referrals = _list_columns(referrals_visible_to(stand_in))
        queryset = referrals.filter(queue_q(name, user=stand_in, now=now, today=today))
        queryset = queryset.order_by(*_ordering(QUEUE_ORDER[name][0]))
        if count:
            return queryset.order_by().values("pk")[: MY_WORK_COUNT_CAP + 1]
        # The queue's first rows chosen on the referral table alone, then joined to their
        # person, site and assignee: the sort reads no joined row it will not show.
        first = queryset.order_by().filter(pk__in=Subquery(queryset.values("pk")[:limit]))
        return first.order_by(*queryset.query.order_by)

    return build


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
    key = ("new to me", limit, MY_WORK_COUNT_CAP)  # compiled once per role (core.compiled)

    def allocations(user, since):
        return _new_to_me(user, since).order_by(*NEW_TO_ME_ORDER.ordering())

    count = compiled_for_user(
        key,
        user,
        lambda user, since: (
            allocations(user, since).order_by().values("pk")[: MY_WORK_COUNT_CAP + 1]
        ),
        count=True,
        since=since,
    )
    label = f"{MY_WORK_COUNT_CAP:,}+" if count > MY_WORK_COUNT_CAP else f"{count:,}"
    rows = compiled_for_user(
        key,
        user,
        lambda user, since: _new_to_me_rows(allocations(user, since))[:limit],
        since=since,
    )
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
