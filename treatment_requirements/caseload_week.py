"""Reads for the caseload's week view, "due this week" and "New to me".

Same scope as the caseload (selectors._caseload_orders: the policy's caseload or provider
scope, narrowed to the officer's own orders by "My cases"). Weeks run Monday to Sunday in
local time (Europe/London), so a week across a clock change is 167 or 169 hours long.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.paging import KeysetOrder, KeysetPage, keyset_page
from core.queries import capped_count

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
    CaseloadList,
    _caseload_orders,
    _with_markers,
    may_enforce,
)
from .working_days import is_bank_holiday

WEEKS = ("this", "next")
# A week's appointments are read a page at a time: an officer's week (20-60) is one page,
# a whole team's is paged, so every appointment is reachable and none is dropped silently.
WEEK_PAGE_SIZE = 200
# "New to me" the first time a user opens the caseload: what was allocated this long ago.
NEW_TO_ME_FIRST_LOOK_DAYS = 14

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
        order__in=_caseload_orders(user, mine=mine), starts_at__gte=start, starts_at__lt=end
    ).select_related("order", "order__person", "requirement")
    return keyset_page(
        _with_markers(appointments), WEEK_ORDER, page_size=WEEK_PAGE_SIZE, after=after
    )


def week_days(monday: datetime.date, appointments) -> list[WeekDay]:
    """Monday to Sunday, each with its appointments (in the order given) and whether it is
    an England bank holiday."""
    days = [monday + datetime.timedelta(days=n) for n in range(7)]
    by_day: dict[datetime.date, list] = {day: [] for day in days}
    for appointment in appointments:
        by_day[timezone.localdate(appointment.starts_at)].append(appointment)
    return [WeekDay(day, is_bank_holiday(day), by_day[day]) for day in days]


def end_measures_due(*, user, mine: bool, monday: datetime.date):
    """Active orders ending this week with no end-of-order outcome measure recorded."""
    sunday = monday + datetime.timedelta(days=6)
    end_measure = OutcomeMeasure.objects.filter(order=OuterRef("pk"), stage=MeasureStage.END)
    return (
        _caseload_orders(user, mine=mine)
        .filter(end_date__gte=monday, end_date__lte=sunday)
        .filter(~Exists(end_measure))
        .select_related("person")
        .order_by("end_date", "id")
    )


def due_this_week(*, user, mine: bool, today: datetime.date) -> dict[str, int]:
    """How many of each kind of work fall due in the week (Monday to Sunday) holding today,
    each counted up to CASELOAD_COUNT_CAP (+1 meaning "more"):
    - outcomes: this week's appointments already started with no outcome recorded;
    - enforcement: open failures whose enforcement deadline is by Sunday (overdue included);
    - reviews: DRR reviews from today to Sunday;
    - measures: active orders ending this week with no end-of-order outcome measure;
    - reoffending: reoffending checks due by Sunday and not done (enforcement holders only).
    """
    monday = week_start(today)
    sunday = monday + datetime.timedelta(days=6)
    start, end = week_bounds(monday)
    orders = _caseload_orders(user, mine=mine)
    now = timezone.now()
    cap = CASELOAD_COUNT_CAP
    counts = {
        "outcomes": capped_count(
            Appointment.objects.filter(
                order__in=orders, starts_at__gte=start, starts_at__lt=min(now, end), outcome=""
            ),
            cap,
        ),
        "enforcement": capped_count(
            Failure.objects.filter(order__in=orders, action="", deadline__lte=sunday), cap
        ),
        "reviews": capped_count(
            ReviewHearing.objects.filter(
                order__in=orders, review_date__gte=today, review_date__lte=sunday
            ),
            cap,
        ),
        "measures": capped_count(end_measures_due(user=user, mine=mine, monday=monday), cap),
    }
    if may_enforce(user):
        counts["reoffending"] = capped_count(
            _caseload_orders(user, mine=mine, active_only=False).filter(
                referral__reoffending_checked_on__isnull=True,
                referral__reoffending_check_due_on__lte=sunday,
            ),
            cap,
        )
    return counts


# New to me -------------------------------------------------------------------------------


def last_look(user) -> datetime.datetime | None:
    return CaseloadLook.objects.filter(user=user).values_list("looked_at", flat=True).first()


def new_to_me_since(user, looked_at: datetime.datetime | None) -> datetime.datetime:
    """Orders allocated after this are new to the user: after their last look, or within
    the last NEW_TO_ME_FIRST_LOOK_DAYS if they never opened the caseload."""
    if looked_at is not None:
        return looked_at
    return timezone.now() - datetime.timedelta(days=NEW_TO_ME_FIRST_LOOK_DAYS)


def _new_to_me(user, since: datetime.datetime):
    """The user's allocations after `since` of orders still theirs and still active."""
    allocations = OrderAllocation.objects.filter(
        officer=user,
        allocated_at__gt=since,
        order__responsible_officer=user,
        order__status=OrderStatus.ACTIVE,
    ).select_related("order", "order__person", "allocated_by")
    return _with_markers(allocations)


def new_to_me_first(*, user, since: datetime.datetime) -> CaseloadList:
    """The most recent CASELOAD_LIST_LIMIT allocations new to the user; `more` if others."""
    limit = CASELOAD_LIST_LIMIT
    rows = list(_new_to_me(user, since).order_by(*NEW_TO_ME_ORDER.ordering())[: limit + 1])
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
