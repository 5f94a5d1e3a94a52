"""Reads for the caseload's week view, "due this week" and "New to me".

Same scope as the caseload (selectors.caseload_orders_of: the policy's caseload or provider
scope, narrowed to the officer's own orders by "My cases"). Weeks run Monday to Sunday in
local time (Europe/London), so a week across a clock change is 167 or 169 hours long.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from core.compiled import compiled_for_user
from core.paging import KeysetOrder, KeysetPage, keyset_page
from core.queries import capped_count
from referrals.selectors import new_to_me_since  # the first look's window is My work's

from .enums import MeasureStage, OrderStatus
from .models import (
    Appointment,
    CaseloadLook,
    Failure,
    OrderAllocation,
    OutcomeMeasure,
    ReviewHearing,
)
from .selectors import (
    CASELOAD_COUNT_CAP,
    CASELOAD_LIST_LIMIT,
    CASELOAD_LISTS,
    CASELOAD_PAGE_SIZE,
    ORDER_SORTS,
    CaseloadList,
    caseload_orders_of,
    may_enforce,
    with_person_markers,
)
from .working_days import ENGLAND_AND_WALES, is_bank_holiday

WEEKS = ("this", "next")
# A week's appointments are read a page at a time: an officer's week (20-60) is one page,
# a whole team's is paged, so every appointment is reachable and none is dropped silently.
WEEK_PAGE_SIZE = 200

_DATETIME = datetime.datetime.fromisoformat
WEEK_ORDER = KeysetOrder("starts_at", parse=_DATETIME)
NEW_TO_ME_ORDER = KeysetOrder("allocated_at", descending=True, parse=_DATETIME)


def week_start(today: datetime.date, week: str = "this") -> datetime.date:
    """The Monday of this week (or of the next one, week="next")."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday + datetime.timedelta(days=7 if week == "next" else 0)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def week_bounds(monday: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes from Monday 00:00 to the following Monday 00:00, local time."""
    return _local_midnight(monday), _local_midnight(monday + datetime.timedelta(days=7))


@dataclass
class WeekDay:
    date: datetime.date
    bank_holiday: bool
    appointments: list


def week_appointments(
    *, user, mine: bool, monday: datetime.date, after: str | None = None
) -> KeysetPage:
    """A page of the week's appointments on the caseload, by time, each with its order,
    person (and person markers) and requirement, in one query."""
    start, end = week_bounds(monday)
    appointments = Appointment.objects.filter(
        order__in=caseload_orders_of(user, mine=mine), starts_at__gte=start, starts_at__lt=end
    ).select_related("order", "order__person", "requirement")
    return keyset_page(
        with_person_markers(appointments), WEEK_ORDER, page_size=WEEK_PAGE_SIZE, after=after
    )


def week_days(
    monday: datetime.date, appointments, region: str = ENGLAND_AND_WALES
) -> list[WeekDay]:
    """Monday to Sunday, each with its appointments (in the order given) and whether it is
    a bank holiday in `region` (the user's team's)."""
    days = [monday + datetime.timedelta(days=n) for n in range(7)]
    by_day: dict[datetime.date, list] = {day: [] for day in days}
    for appointment in appointments:
        by_day[timezone.localdate(appointment.starts_at)].append(appointment)
    return [WeekDay(day, is_bank_holiday(day, region), by_day[day]) for day in days]


def end_measures_due(*, user, mine: bool, monday: datetime.date):
    """Active orders ending in the week from `monday` with no end-of-order outcome measure."""
    sunday = monday + datetime.timedelta(days=6)
    end_measure = OutcomeMeasure.objects.filter(order=OuterRef("pk"), stage=MeasureStage.END)
    return (
        caseload_orders_of(user, mine=mine)
        .filter(end_date__gte=monday, end_date__lte=sunday)
        .filter(~Exists(end_measure))
        .select_related("person")
    )


# What is due in a week -------------------------------------------------------------------
# One definition of each measure's rows (_week_due_querysets), read by the week page's
# counts (due_this_week) and by the list each count opens (week_due_page).


@dataclass(frozen=True)
class DueWindow:
    """The week whose due work is measured. In the week holding today, work already overdue
    is still due (enforcement deadlines, reoffending checks) and reviews count from today;
    a later week shows only what falls due from its Monday to its Sunday."""

    week: str
    today: datetime.date
    monday: datetime.date

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def current(self) -> bool:
        return self.monday <= self.today

    @property
    def first_day(self) -> datetime.date:
        """The first day a review is counted from: today, or a later week's Monday."""
        return max(self.today, self.monday)


def due_window(today: datetime.date, week: str = "this") -> DueWindow:
    return DueWindow(week=week, today=today, monday=week_start(today, week))


@dataclass(frozen=True)
class WeekDueList:
    """One measure of "Due this week": its label on the week page, the order its list is
    read and paged in (an index's order) and the caseload partial that shows its rows."""

    label: str
    next_label: str  # in a later week ("" when the measure only means something this week)
    order: KeysetOrder
    rows_template: str
    enforcement_only: bool = False  # held only by those who hold enforcement


WEEK_DUE_LISTS = {
    "outcomes": WeekDueList(
        "Outcomes to record", "", CASELOAD_LISTS["outcomes_due"].order, "outcomes_due"
    ),
    "enforcement": WeekDueList(
        "Enforcement deadlines by Sunday",
        "Enforcement deadlines",
        CASELOAD_LISTS["non_compliance"].order,
        "non_compliance",
    ),
    "reviews": WeekDueList(
        "DRR reviews from today to Sunday",
        "DRR reviews",
        CASELOAD_LISTS["reviews_due"].order,
        "reviews_due",
    ),
    "measures": WeekDueList(
        "End-of-order outcome measures",
        "End-of-order outcome measures",
        ORDER_SORTS["ending"][1],
        "week_measures",
    ),
    "reoffending": WeekDueList(
        "Reoffending checks due by Sunday",
        "Reoffending checks due",
        CASELOAD_LISTS["reoffending_due"].order,
        "reoffending_due",
        enforcement_only=True,
    ),
}


def _day(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def _span(window: DueWindow) -> str:
    """ "Monday 7 to Sunday 13 December", or across months "Monday 30 November to ..." """
    monday, sunday = window.monday, window.sunday
    first = f"{monday:%A} {monday.day}" if monday.month == sunday.month else _day(monday)
    return f"{first} to {_day(sunday)}"


def week_due_title(name: str, window: DueWindow) -> str:
    """The heading of a measure's list, naming its window ("... due by Sunday 6 December")."""
    by_sunday = f"by {_day(window.sunday)}, overdue included"
    titles = {
        "outcomes": f"Outcomes to record: appointments from {_day(window.monday)} until now",
        "enforcement": f"Enforcement deadlines {by_sunday if window.current else _span(window)}",
        "reviews": f"DRR reviews from today to {_day(window.sunday)}"
        if window.current
        else f"DRR reviews {_span(window)}",
        "measures": f"End-of-order outcome measures due: orders ending {_span(window)}",
        "reoffending": f"Reoffending checks due {by_sunday if window.current else _span(window)}",
    }
    return titles[name]


def week_due_names(user, window: DueWindow) -> list[str]:
    """The measures the user holds in this window, in the week page's order."""
    enforces = may_enforce(user)
    return [
        name
        for name, spec in WEEK_DUE_LISTS.items()
        if (enforces or not spec.enforcement_only) and (window.current or spec.next_label)
    ]


def _week_due_querysets(*, user, mine: bool, window: DueWindow) -> dict[str, QuerySet]:
    """The rows each measure counts and lists, unordered (see due_this_week)."""
    orders = caseload_orders_of(user, mine=mine)
    monday, sunday = window.monday, window.sunday
    start, end = week_bounds(monday)
    failures = Failure.objects.filter(order__in=orders, action="", deadline__lte=sunday)
    # Ended orders too: the follow-up runs 12 months from the referral, often past the end.
    checks = caseload_orders_of(user, mine=mine, active_only=False).filter(
        referral__reoffending_checked_on__isnull=True,
        referral__reoffending_check_due_on__lte=sunday,
    )
    if not window.current:  # a later week: only what falls due within it
        failures = failures.filter(deadline__gte=monday)
        checks = checks.filter(referral__reoffending_check_due_on__gte=monday)
    querysets = {
        "outcomes": Appointment.objects.filter(
            order__in=orders,
            starts_at__gte=start,
            starts_at__lt=min(timezone.now(), end),
            outcome="",
        ).select_related("order", "order__person", "requirement"),
        "enforcement": failures.select_related("order", "order__person"),
        "reviews": ReviewHearing.objects.filter(
            order__in=orders, review_date__gte=window.first_day, review_date__lte=sunday
        ).select_related("order", "order__person"),
        "measures": end_measures_due(user=user, mine=mine, monday=monday),
        "reoffending": checks.select_related("person", "referral"),
    }
    return {name: querysets[name] for name in week_due_names(user, window)}


def due_this_week(*, user, mine: bool, today: datetime.date, week: str = "this") -> dict:
    """How many of each kind of work fall due in the week (Monday to Sunday, London time),
    each counted up to CASELOAD_COUNT_CAP (+1 meaning "more"); in the week holding today:
    - outcomes: this week's appointments already started with no outcome recorded;
    - enforcement: open failures whose enforcement deadline is by Sunday (overdue included);
    - reviews: DRR reviews from today to Sunday;
    - measures: active orders ending this week with no end-of-order outcome measure;
    - reoffending: reoffending checks due by Sunday and not done (enforcement holders only).
    Next week (DueWindow): the same from its Monday to its Sunday, without outcomes (none
    can be due before an appointment starts). Each count is the length of week_due_page's
    list, read from the same queryset.
    """
    window = due_window(today, week)
    return {
        name: capped_count(queryset, CASELOAD_COUNT_CAP)
        for name, queryset in _week_due_querysets(user=user, mine=mine, window=window).items()
    }


def week_due_page(
    *,
    user,
    mine: bool,
    name: str,
    today: datetime.date,
    week: str = "this",
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """A page of the rows one of due_this_week's counts counted, in its list's order.

    KeyError for an unknown measure, one the user does not hold, or one the week lacks."""
    window = due_window(today, week)
    queryset = _week_due_querysets(user=user, mine=mine, window=window)[name]
    return keyset_page(
        with_person_markers(queryset),
        WEEK_DUE_LISTS[name].order,
        page_size=CASELOAD_PAGE_SIZE,
        after=after,
        before=before,
    )


# New to me -------------------------------------------------------------------------------


def last_look(user) -> datetime.datetime | None:
    return CaseloadLook.objects.filter(user=user).values_list("looked_at", flat=True).first()


def since_last_look(user) -> datetime.datetime:
    """Orders allocated after this are new to the user: after their last look at the
    caseload, or as `referrals.selectors.new_to_me_since` says for a first look."""
    return new_to_me_since(user, last_look(user))


def _new_to_me(user, since: datetime.datetime):
    """The user's allocations after `since` of orders still theirs and still active."""
    allocations = OrderAllocation.objects.filter(
        officer=user,
        allocated_at__gt=since,
        order__responsible_officer=user,
        order__status=OrderStatus.ACTIVE,
    ).select_related("order", "order__person", "allocated_by")
    return with_person_markers(allocations)


def new_to_me_first(*, user, since: datetime.datetime) -> CaseloadList:
    """The most recent CASELOAD_LIST_LIMIT allocations new to the user; `more` if others."""
    limit = CASELOAD_LIST_LIMIT
    rows = compiled_for_user(  # compiled once (core.compiled)
        ("caseload new to me", limit),
        user,
        lambda user, since: _new_to_me(user, since).order_by(*NEW_TO_ME_ORDER.ordering())[
            : limit + 1
        ],
        since=since,
    )
    return CaseloadList(rows[:limit], more=len(rows) > limit)


def new_to_me_page(
    *, user, since: datetime.datetime, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of the allocations new to the user, most recent first."""
    return keyset_page(
        _new_to_me(user, since),
        NEW_TO_ME_ORDER,
        page_size=CASELOAD_LIST_LIMIT,
        after=after,
        before=before,
    )
