"""The team workload: for each member of a team, what they hold and what of it is due.

- An L&D team: each practitioner's (and team lead's) open referrals, those received this
  week, awaiting screening, awaiting assessment, past their timeliness target, and
  reoffending checks due; a last row for the referrals nobody is assigned.
- A probation team: each officer's active orders, their appointments this week (Monday to
  Sunday, Europe/London), outcomes overdue, enforcement deadlines within
  ENFORCEMENT_WORKING_DAYS working days (the team's bank holidays: working_days), DRR reviews
  in the caseload's review window, and orders ending within ENDING_WITHIN_DAYS days.

Each measure is one query grouped by member, never one per member, so the page costs the
same for a team of 3 or 30. A member holding more than settings.LD_WORKLOAD_THRESHOLD active
orders or open referrals is marked. Each count is the filter of the list it links to (the
referral list, the caseload's orders), so the two agree.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.enums import Role, TeamKind
from accounts.models import Team, User
from referrals.enums import OPEN_STATUSES, ReferralStatus
from referrals.models import Referral
from referrals.selectors import overdue_q, reoffending_due_q

from .caseload_week import week_bounds, week_start
from .enums import OrderStatus
from .models import Appointment, Failure, Order, ReviewHearing
from .selectors import REVIEW_LOOKAHEAD_DAYS
from .working_days import add_working_days

ENFORCEMENT_WORKING_DAYS = 5  # a deadline on the 5th working day from today counts
ENDING_WITHIN_DAYS = 28  # an order ending on the 28th day from today counts
UNASSIGNED = "none"  # the referral list's "Not assigned" filter value
# The row of records held by someone no longer an active member of the team (left, moved or
# deactivated): they need reallocating, so they are shown, not dropped.
ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class Period:
    """The dates and times the measures are taken at (Europe/London weeks)."""

    today: datetime.date
    now: datetime.datetime

    @property
    def week_first_day(self) -> datetime.date:
        return week_start(self.today)

    @property
    def week_last_day(self) -> datetime.date:
        return self.week_first_day + datetime.timedelta(days=6)

    @property
    def week_bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Monday 00:00 of this week to Monday 00:00 of the next (exclusive), local time:
        the caseload week's own bounds (caseload_week.week_bounds)."""
        return week_bounds(self.week_first_day)


@dataclass(frozen=True)
class Measure:
    """One column: its heading, the query counting it per member (grouped by `member`), and
    the query string of the list it counts for one member (None: no such list)."""

    key: str
    label: str
    rows: Callable[[Team, Period], QuerySet]
    member_field: str
    link: Callable[[str, Period], dict] | None = None


@dataclass
class Cell:
    key: str  # the measure's
    count: int
    url: str = ""


@dataclass
class Row:
    member: User | None  # None: the referrals nobody is assigned, or ELSEWHERE's
    cells: list[Cell]
    over_threshold: bool = False
    holder: str = ""  # "" (a member), UNASSIGNED or ELSEWHERE

    @property
    def key(self) -> str:
        return str(self.member.pk) if self.member else self.holder

    @property
    def name(self) -> str:
        if self.member:
            return self.member.display_name
        if self.holder == ELSEWHERE:
            return "Someone no longer in the team"
        return "Not assigned"


@dataclass
class Workload:
    team: Team
    held: str  # what the first column counts: "active orders" or "open referrals"
    measures: list[Measure]
    rows: list[Row] = field(default_factory=list)
    threshold: int = 50


# L&D team: referrals by the practitioner assigned ----------------------------------------


def _referrals(team, period) -> QuerySet:
    return Referral.objects.filter(team=team)


def _received_this_week(team, period) -> QuerySet:
    start, end = period.week_bounds
    return _referrals(team, period).filter(received_at__gte=start, received_at__lt=end)


LD_MEASURES = [
    Measure(
        "open",
        "Open referrals",
        lambda team, p: _referrals(team, p).filter(status__in=OPEN_STATUSES),
        "assigned_to",
        lambda who, p: {"status": "open"},
    ),
    Measure(
        "received_this_week",
        "Received this week",
        _received_this_week,
        "assigned_to",
        lambda who, p: {
            "received_from": p.week_first_day.isoformat(),
            "received_to": p.week_last_day.isoformat(),
        },
    ),
    Measure(
        "awaiting_screening",
        "Awaiting screening",
        lambda team, p: _referrals(team, p).filter(status=ReferralStatus.RECEIVED),
        "assigned_to",
        lambda who, p: {"status": ReferralStatus.RECEIVED},
    ),
    Measure(
        "awaiting_assessment",
        "Awaiting assessment",
        lambda team, p: _referrals(team, p).filter(status=ReferralStatus.SCREENED),
        "assigned_to",
        lambda who, p: {"status": ReferralStatus.SCREENED},
    ),
    Measure(
        "overdue",
        "Past their timeliness target",
        lambda team, p: _referrals(team, p).filter(overdue_q(p.now)),
        "assigned_to",
        lambda who, p: {"queue": "overdue"},
    ),
    Measure(
        "reoffending_due",
        "Reoffending checks due",
        lambda team, p: _referrals(team, p).filter(reoffending_due_q(p.today)),
        "assigned_to",
        lambda who, p: {"queue": "reoffending"},
    ),
]


# Probation team: active orders by responsible officer ------------------------------------


def _active_orders(team, period) -> QuerySet:
    return Order.objects.filter(probation_team=team, status=OrderStatus.ACTIVE)


def _appointments_this_week(team, period) -> QuerySet:
    start, end = period.week_bounds
    return Appointment.objects.filter(
        order__in=_active_orders(team, period), starts_at__gte=start, starts_at__lt=end
    )


def _outcomes_overdue(team, period) -> QuerySet:
    # The caseload's "Outcomes not yet recorded": appointments whose time has passed.
    return Appointment.objects.filter(
        order__in=_active_orders(team, period), starts_at__lt=period.now, outcome=""
    )


def _enforcement_due(team, period) -> QuerySet:
    # Open failures due by the 5th working day from today, and those already past due.
    last_day = add_working_days(period.today, ENFORCEMENT_WORKING_DAYS, team.bank_holidays)
    return Failure.objects.filter(
        order__in=_active_orders(team, period), action="", deadline__lte=last_day
    )


def _reviews_due(team, period) -> QuerySet:
    # The caseload's "DRR reviews due in the next two weeks".
    return ReviewHearing.objects.filter(
        order__in=_active_orders(team, period),
        review_date__gte=period.today,
        review_date__lte=period.today + datetime.timedelta(days=REVIEW_LOOKAHEAD_DAYS),
    )


def _ending_soon(team, period) -> QuerySet:
    # Active orders past their end date are still to be ended: they count too.
    last_day = period.today + datetime.timedelta(days=ENDING_WITHIN_DAYS)
    return _active_orders(team, period).filter(end_date__lte=last_day)


PROBATION_MEASURES = [
    Measure(
        "active_orders",
        "Active orders",
        _active_orders,
        "responsible_officer",
        lambda who, p: {"cases": "team", "officer": who},
    ),
    Measure(
        "appointments_this_week",
        "Appointments this week",
        _appointments_this_week,
        "order__responsible_officer",
    ),
    Measure(
        "outcomes_overdue", "Outcomes overdue", _outcomes_overdue, "order__responsible_officer"
    ),
    Measure(
        "enforcement_due",
        f"Enforcement due within {ENFORCEMENT_WORKING_DAYS} working days",
        _enforcement_due,
        "order__responsible_officer",
    ),
    Measure(
        "reviews_due",
        f"DRR reviews in the next {REVIEW_LOOKAHEAD_DAYS} days",
        _reviews_due,
        "order__responsible_officer",
    ),
    Measure(
        "ending_soon",
        f"Orders ending within {ENDING_WITHIN_DAYS // 7} weeks",
        _ending_soon,
        "responsible_officer",
    ),
]


# The table -------------------------------------------------------------------------------


def team_members(team: Team) -> QuerySet:
    """Whose work the table shows: the team's active practitioners and team leads (L&D) or
    its active probation officers."""
    roles = (
        [Role.PROBATION_OFFICER]
        if team.kind == TeamKind.PROBATION
        else [Role.PRACTITIONER, Role.TEAM_LEAD]
    )
    return (
        User.objects.people()
        .filter(team=team, is_active=True, role__in=roles)
        .order_by("first_name", "last_name", "id")
    )


def _counts(measure: Measure, team: Team, period: Period) -> dict:
    """{holder id (None: nobody assigned): count}, in one query grouped by holder."""
    member = measure.member_field
    rows = (
        measure.rows(team, period)
        .order_by()
        .values(member_id=F(member))
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["member_id"]: row["n"] for row in rows}


def team_workload(
    *,
    team: Team,
    link_orders: bool = False,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Workload:
    """The workload table of `team`, in 1 + one query per measure whatever its size.

    A row per active member; for an L&D team, one for the referrals nobody is assigned;
    and, when there are any, one for records held by someone no longer an active member.
    `link_orders`: whether the active orders cells link to the caseload's orders (only for
    a viewer who may see the team's caseload by officer)."""
    now = now or timezone.now()
    period = Period(today=today or timezone.localdate(now), now=now)
    probation = team.kind == TeamKind.PROBATION
    measures = PROBATION_MEASURES if probation else LD_MEASURES
    members = list(team_members(team))
    counts = [_counts(measure, team, period) for measure in measures]
    links = {"probation": probation, "link_orders": link_orders}
    rows = [_row(measures, counts, period, member=member, **links) for member in members]
    if not probation:
        rows.append(_row(measures, counts, period, holder=UNASSIGNED, **links))
    elsewhere = _elsewhere_row(measures, counts, {m.pk for m in members})
    if any(cell.count for cell in elsewhere.cells):
        rows.append(elsewhere)
    threshold = settings.LD_WORKLOAD_THRESHOLD
    for row in rows:
        row.over_threshold = row.member is not None and row.cells[0].count > threshold
    return Workload(
        team=team,
        held="active orders" if probation else "open referrals",
        measures=measures,
        rows=rows,
        threshold=threshold,
    )


def _row(measures, counts, period, *, member=None, holder="", probation, link_orders) -> Row:
    key = member.pk if member else None
    cells = [
        Cell(
            measure.key,
            by_holder.get(key, 0),
            _url(measure, key, period, probation=probation, link_orders=link_orders),
        )
        for measure, by_holder in zip(measures, counts, strict=True)
    ]
    return Row(member=member, cells=cells, holder=holder)


def _elsewhere_row(measures, counts, member_ids: set) -> Row:
    """Held by someone not an active member (no list to link: it would name them)."""
    cells = [
        Cell(
            measure.key,
            sum(n for who, n in by_holder.items() if who is not None and who not in member_ids),
        )
        for measure, by_holder in zip(measures, counts, strict=True)
    ]
    return Row(member=None, cells=cells, holder=ELSEWHERE)


def _url(measure, member_id, period, *, probation, link_orders) -> str:
    """The list a cell counts, filtered by ids only (no personal data in a URL)."""
    if measure.link is None or (probation and not link_orders):
        return ""
    if probation:
        query = measure.link(str(member_id), period)
        return f"{reverse('treatment_requirements:caseload_orders')}?{urlencode(query)}"
    who = str(member_id) if member_id else UNASSIGNED
    query = {"assignee": who, **measure.link(who, period)}
    return f"{reverse('referrals:referral_list')}?{urlencode(query)}"
