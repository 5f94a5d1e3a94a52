"""The worlds of the team workload tests (test_team_workload, test_team_workload_access):
a standing clock, a probation unit and an L&D team with work at every boundary. Import the
fixtures by their function names; tests ask for them by the names given.

The clock is Wednesday 26 August 2026, 12:00 in London (BST): this week runs from Monday
24 August 00:00 to Sunday 30 August 23:59 London time, and Monday 31 August is the summer
bank holiday, so the 5th working day from today is Thursday 3 September.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.enums import Role
from referrals.enums import ReferralStatus
from tests.factories import ReferralFactory, UserFactory
from treatment_requirements import workload
from treatment_requirements.enums import AppointmentOutcome, OrderStatus
from treatment_requirements.models import ReviewHearing

from .factories import (
    AppointmentFactory,
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 8, 26, 12, 0, tzinfo=LONDON)
TODAY = NOW.date()
EARLY = datetime.date(2026, 1, 5)  # orders made long before the measures' windows


def at(day: int, hour: int, minute: int = 0, month: int = 8) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture(name="clock")
def clock_fixture(db):
    """Wednesday 26 August 2026, 12:00 in London, standing still."""
    with time_machine.travel(NOW, tick=False):
        yield


def order_held(officer, *, ends=datetime.date(2027, 1, 4), team=None, **kwargs):
    """An order made long before the measures' windows, held by `officer`."""
    return OrderFactory(
        responsible_officer=officer,
        probation_team=team or officer.team,
        court_outcome__hearing_date=EARLY,
        end_date=ends,
        **kwargs,
    )


def workload_table(team, **kwargs):
    """The team's workload as {member id or holder: {measure: count}}."""
    table = workload.team_workload(team=team, today=TODAY, now=NOW, **kwargs)
    return {
        (row.member.pk if row.member else row.holder): {c.key: c.count for c in row.cells}
        for row in table.rows
    }


@pytest.fixture(name="unit")
def unit_fixture(clock):
    """Officers Ann (many things due, at every boundary), Ben (a little) and Cal (nothing) of
    one unit; Dee of another unit with the same due items, never counted in this one."""
    unit = ProbationTeamFactory(name="Workload unit")
    other = ProbationTeamFactory(name="Other unit")
    ann = ProbationOfficerFactory(team=unit, first_name="Ann", username="ann")
    ben = ProbationOfficerFactory(team=unit, first_name="Ben", username="ben")
    cal = ProbationOfficerFactory(team=unit, first_name="Cal", username="cal")
    dee = ProbationOfficerFactory(team=other, first_name="Dee", username="dee")
    for officer in (ann, dee):
        busy_officer(officer)
    ended = order_held(ann, status=OrderStatus.TERMINATED, termination_reason="completed")
    AppointmentFactory(order=ended, starts_at=at(25, 10))  # an ended order's: never counted
    FailureFactory(order=ended, failure_date=datetime.date(2026, 8, 3), deadline=TODAY)
    order_held(dee, team=unit)  # held by someone who moved to another unit: still this unit's
    ben_order = order_held(ben)
    AppointmentFactory(order=ben_order, starts_at=at(27, 9), outcome="")
    return {"unit": unit, "other": other, "ann": ann, "ben": ben, "cal": cal, "dee": dee}


def busy_officer(officer):
    """Two active orders, one ending on the 28th day from today and one on the 29th, with
    appointments, failures and reviews either side of each boundary."""
    ending = order_held(officer, ends=TODAY + datetime.timedelta(days=28))
    order_held(officer, ends=TODAY + datetime.timedelta(days=29))
    for starts_at, outcome in [
        (at(23, 23, 59), ""),  # Sunday last week: outcome overdue, not this week
        (at(24, 0, 0), AppointmentOutcome.ATTENDED_COMPLIED),  # Monday 00:00: this week
        (at(26, 11, 59), ""),  # this morning, no outcome: this week and overdue
        (at(26, 12, 1), ""),  # later today: this week, not yet due
        (at(30, 23, 59), ""),  # Sunday 23:59: this week
        (at(31, 0, 0), ""),  # Monday 00:00 next week: not this week
    ]:
        AppointmentFactory(order=ending, starts_at=starts_at, outcome=outcome)
    for deadline, action in [
        (datetime.date(2026, 8, 20), ""),  # past its deadline, still open: due
        (datetime.date(2026, 9, 3), ""),  # the 5th working day (31 August a bank holiday)
        (datetime.date(2026, 9, 4), ""),  # the 6th: not yet
        (datetime.date(2026, 8, 27), "warning"),  # acted on: not due
    ]:
        FailureFactory(
            order=ending, failure_date=datetime.date(2026, 8, 3), deadline=deadline, action=action
        )
    drr = OrderRequirementFactory(order=ending, kind="drr", length_months=6)
    for review_date in (
        TODAY - datetime.timedelta(days=1),
        TODAY,
        TODAY + datetime.timedelta(days=14),
        TODAY + datetime.timedelta(days=15),
    ):
        ReviewHearing.objects.create(
            order=ending, requirement=drr, review_date=review_date, scheduled_by=officer
        )


# What the unit's Ann (and Dee, in the other unit) count on each measure.
ANN = {
    "active_orders": 2,
    "appointments_this_week": 4,
    "outcomes_overdue": 2,
    "enforcement_due": 2,
    "reviews_due": 2,
    "ending_soon": 1,
}


@pytest.fixture(name="ld")
def ld_fixture(clock, team, other_team):
    """Practitioners Pat (referrals at every boundary) and Rob (one), the team lead, and
    referrals nobody is assigned; another team's referrals, one even assigned to Pat."""
    pat = UserFactory(role=Role.PRACTITIONER, team=team, first_name="Pat")
    rob = UserFactory(role=Role.PRACTITIONER, team=team, first_name="Rob")
    lead = UserFactory(role=Role.TEAM_LEAD, team=team, first_name="Lea", username="lead")
    stranger = UserFactory(role=Role.PRACTITIONER, team=other_team, first_name="Sam")

    def referral(assignee, received_at, status=ReferralStatus.RECEIVED, on_team=team, **kwargs):
        extra = {"closure_reason": "other"} if status == ReferralStatus.CLOSED else {}
        return ReferralFactory(
            person__team=on_team,
            person__created_by=lead if on_team == team else stranger,
            assigned_to=assignee,
            received_at=received_at,
            status=status,
            **extra,
            **kwargs,
        )

    for assignee in (pat, None):
        referral(assignee, NOW - datetime.timedelta(hours=13))  # custody target 12 h: overdue
        referral(assignee, NOW - datetime.timedelta(hours=11))  # within its target
        referral(assignee, at(23, 23, 59), ReferralStatus.SCREENED)  # last week; overdue
        referral(assignee, at(24, 0, 0), ReferralStatus.ASSESSED)  # Monday 00:00: this week
        referral(assignee, at(24, 9, 0), ReferralStatus.CLOSED)  # this week, closed
        # received 12 months ago: its reoffending check is due
        referral(
            assignee, at(3, 9, 0, month=7) - datetime.timedelta(days=365), ReferralStatus.CLOSED
        )
    referral(rob, NOW - datetime.timedelta(hours=1))
    # held by someone who left (account closed) or moved to another team: still this team's
    gone = UserFactory(role=Role.PRACTITIONER, team=team, first_name="Gus", is_active=False)
    referral(gone, NOW - datetime.timedelta(hours=1))
    referral(stranger, NOW - datetime.timedelta(hours=2))
    referral(pat, NOW - datetime.timedelta(hours=1), on_team=other_team)
    referral(stranger, NOW - datetime.timedelta(hours=1), on_team=other_team)
    return {"team": team, "pat": pat, "rob": rob, "lead": lead, "stranger": stranger}
