"""Requirement and outcome facts equal a direct count over the same orders."""

import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from assessments.enums import OnwardOutcome, OnwardService
from assessments.models import OnwardReferral
from reporting.models import OutcomeFact, RequirementFact
from reporting.snapshots import rebuild_day
from tests.notifications.order_records import make_order
from treatment_requirements.enums import AppointmentOutcome, RequirementKind, TerminationReason
from treatment_requirements.models import Appointment, Failure, FormalWarning, OrderRequirement

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 5, 31)


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def orders():
    first, drr = make_order(made_on=datetime.date(2026, 3, 2))
    atr = OrderRequirement.objects.create(
        order=first,
        kind=RequirementKind.ATR,
        provider=drr.provider,
        length_months=6,
        start_date=first.start_date,
        end_date=first.end_date,
    )
    outcomes = [
        AppointmentOutcome.ATTENDED_COMPLIED,
        AppointmentOutcome.UNACCEPTABLE_ABSENCE,
        AppointmentOutcome.ATTENDED_COMPLIED,
        "",
    ]
    for n, outcome in enumerate(outcomes):
        Appointment.objects.create(
            order=first,
            requirement=drr,
            starts_at=at(datetime.date(2026, 4, 1 + n)),
            purpose="Session",
            outcome=outcome,
            created_by=first.responsible_officer,
        )
    Appointment.objects.create(  # after the day: not counted
        order=first,
        requirement=atr,
        starts_at=at(DAY + datetime.timedelta(days=1)),
        purpose="Session",
        created_by=first.responsible_officer,
    )
    failure = Failure.objects.create(
        order=first,
        appointment=Appointment.objects.get(
            order=first, outcome=AppointmentOutcome.UNACCEPTABLE_ABSENCE
        ),
        failure_date=datetime.date(2026, 4, 2),
        description="Missed",
        deadline=datetime.date(2026, 4, 16),
        action="warning",
        recorded_by=first.responsible_officer,
    )
    FormalWarning.objects.create(
        order=first,
        failure=failure,
        given_on=datetime.date(2026, 4, 3),
        letter_text="Warning",
        given_by=first.responsible_officer,
    )
    ended, _ = make_order(
        made_on=datetime.date(2025, 6, 1),
        status="terminated",
        termination_reason=TerminationReason.COMPLETED,
        terminated_on=datetime.date(2026, 5, 20),
    )
    OnwardReferral.objects.create(
        referral=first.referral,
        service=OnwardService.GP,
        referred_on=datetime.date(2026, 2, 20),
        reason="Medication review",
        outcome=OnwardOutcome.ATTENDED,
        outcome_on=datetime.date(2026, 3, 1),
        recorded_by=first.referral.created_by,
    )
    make_order(made_on=DAY + datetime.timedelta(days=1))  # made after the day
    return first, ended


def test_requirement_facts_equal_direct_count(orders):
    first, ended = orders

    rebuild_day(DAY)

    rows = {
        (r.requirement_type, r.status): r for r in RequirementFact.objects.filter(snapshot_date=DAY)
    }
    assert set(rows) == {("drr", "active"), ("atr", "active"), ("drr", "completed")}
    drr = rows[("drr", "active")]
    assert (drr.requirements, drr.appointments, drr.attended, drr.missed) == (1, 4, 2, 1)
    assert (drr.warnings, rows[("atr", "active")].appointments) == (1, 0)
    assert rows[("drr", "completed")].completed == 1
    assert drr.month == datetime.date(2026, 3, 1)
    assert drr.team_id == first.probation_team_id


def test_outcome_facts_equal_direct_count(orders):
    rebuild_day(DAY)

    facts = {
        (row["measure"], row["category"]): row["n"]
        for row in OutcomeFact.objects.filter(snapshot_date=DAY)
        .values("measure", "category")
        .annotate(n=Sum("count"))
    }
    assert facts == {
        ("onward_referral", "gp"): 1,
        ("onward_attended", "gp"): 1,
        ("orders", "active"): 1,
        ("orders", "completed"): 1,
        ("warnings", ""): 1,
    }
