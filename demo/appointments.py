"""Synthetic appointments and enforcement for the demo's orders: weekly appointments with
coded outcomes, and for the unacceptable ones a failure, decided by the enforcement rule as
a warning or a breach referral. Written with demo.bulk from plain value tuples, a chunk of
orders at a time (a million referrals give over a million appointments)."""

import datetime

from django.utils import timezone

from demo.bulk import insert_rows, with_ids
from demo.generate import local_date, weighted_picker
from treatment_requirements.enforcement import (
    enforcement_deadline,
    required_action,
    warning_period_last_day,
)
from treatment_requirements.enums import AppointmentOutcome, EnforcementAction, RequirementKind
from treatment_requirements.models import Appointment, BreachReferral, Failure, FormalWarning

APPOINTMENT_OUTCOMES = [
    (AppointmentOutcome.ATTENDED_COMPLIED, 30),
    (AppointmentOutcome.ACCEPTABLE_ABSENCE, 3),
    (AppointmentOutcome.UNACCEPTABLE_ABSENCE, 2),
    (AppointmentOutcome.ATTENDED_FAILED, 1),
]
APPOINTMENT_OUTCOME = weighted_picker(APPOINTMENT_OUTCOMES)
UNACCEPTABLE = AppointmentOutcome.unacceptable_failures()
ORDER_CHUNK = 20_000  # orders whose appointments are generated and written at a time

APPOINTMENT_FIELDS = [
    "id",
    "order_id",
    "requirement_id",
    "starts_at",
    "purpose",
    "outcome",
    "excuse",
    "evidence",
    "outcome_recorded_at",
    "outcome_recorded_by_id",
    "created_by_id",
]
FAILURE_FIELDS = [
    "id",
    "order_id",
    "appointment_id",
    "failure_date",
    "description",
    "deadline",
    "action",
    "action_on",
    "action_by_id",
    "recorded_by_id",
]
WARNING_FIELDS = ["order_id", "failure_id", "given_on", "letter_text", "given_by_id"]
BREACH_FIELDS = ["order_id", "failure_id", "referred_on", "details", "referred_by_id"]


def follow_up(rng, orders, first_requirement, today) -> dict:
    """Weekly appointments for the first 12 weeks; past ones get outcomes and enforcement."""
    now = timezone.now()
    missed = []  # (appointment id, order id, officer id, starts at, purpose)
    appointments = 0
    for start in range(0, len(orders), ORDER_CHUNK):
        rows = _appointments(rng, orders[start : start + ORDER_CHUNK], first_requirement, now)
        rows = with_ids(Appointment, rows)
        appointments += insert_rows(Appointment, APPOINTMENT_FIELDS, rows)
        missed += [(r[0], r[1], r[10], r[3], r[4]) for r in rows if r[5] in UNACCEPTABLE]
    failures = _failures(rng, missed, today)
    warnings = [
        (
            f[1],
            f[0],
            f[7],
            f"{f[4]} This failure is unacceptable. Another failure within 12 months of this "
            f"warning (that is, from {f[7]:%d/%m/%Y} up to and including "
            f"{warning_period_last_day(f[7]):%d/%m/%Y}) makes you liable to be brought back "
            "before the court.",
            f[9],
        )
        for f in failures
        if f[6] == EnforcementAction.WARNING
    ]
    breaches = [
        (f[1], f[0], f[7], f[4], f[9]) for f in failures if f[6] == EnforcementAction.BREACH
    ]
    return {
        "appointments": appointments,
        "warnings": insert_rows(FormalWarning, WARNING_FIELDS, warnings),
        "breaches": insert_rows(BreachReferral, BREACH_FIELDS, breaches),
    }


# What the weekly appointment is for, by the order's first requirement.
APPOINTMENT_PURPOSES = {
    RequirementKind.MHTR_PRIMARY: "Talking therapy session",
    RequirementKind.MHTR_SECONDARY: "Community mental health team review",
    RequirementKind.DRR: "Drug treatment key work",
    RequirementKind.ATR: "Alcohol treatment key work",
}

# Office hours in half-hour slots (chosen by order id, so no random draw moves).
APPOINTMENT_SLOTS = [datetime.time(hour, minute) for hour in range(9, 17) for minute in (0, 30)]


def _appointments(rng, orders, first_requirement, now) -> list[list]:
    """Appointment rows (APPOINTMENT_FIELDS without the id) for a chunk of orders."""
    rows = []
    recent = now - datetime.timedelta(days=3)
    zone = timezone.get_default_timezone()
    for order in orders:
        order_id, end_date, officer_id = order[0], order[8], order[9]
        requirement = first_requirement[order_id]
        purpose = APPOINTMENT_PURPOSES[requirement[2]]
        start = datetime.datetime.combine(
            order[7] + datetime.timedelta(days=7),
            APPOINTMENT_SLOTS[order_id % len(APPOINTMENT_SLOTS)],  # same slot every week
            tzinfo=zone,
        )
        for week in range(12):
            when = start + datetime.timedelta(weeks=week)
            if when.date() > end_date:
                break
            past = when < now
            outcome = APPOINTMENT_OUTCOME(rng) if past else ""
            if past and when > recent and rng.random() < 0.5:
                outcome = ""  # due, not yet recorded: shows on the caseload
            acceptable = outcome == AppointmentOutcome.ACCEPTABLE_ABSENCE
            rows.append(
                [
                    order_id,
                    requirement[0],
                    when,
                    purpose,
                    outcome,
                    "Unwell" if acceptable else "",
                    "GP fit note seen" if acceptable else "",
                    when + datetime.timedelta(hours=2) if outcome else None,
                    officer_id if outcome else None,
                    officer_id,
                ]
            )
    return rows


def _failures(rng, missed, today) -> list[tuple]:
    """Failure rows for the unacceptable appointments, each decided by the enforcement
    rule: a warning unless one was given on the same order in the previous 12 months."""
    rows = []
    warned: dict[int, list[datetime.date]] = {}
    deadlines = {}
    for appointment_id, order_id, officer_id, starts_at, purpose in missed:
        day = local_date(starts_at)
        if day not in deadlines:
            deadlines[day] = enforcement_deadline(day)
        deadline = deadlines[day]
        decided = deadline < today or rng.random() < 0.6
        if not decided:
            action = ""
        elif required_action(day, warned.get(order_id, [])) == "breach":
            action = EnforcementAction.BREACH
        else:
            action = EnforcementAction.WARNING if rng.random() < 0.85 else EnforcementAction.BREACH
        action_on = min(day + datetime.timedelta(days=2), today) if action else None
        rows.append(
            [
                order_id,
                appointment_id,
                day,
                f"You did not keep your {purpose} appointment on {day:%d/%m/%Y}.",
                deadline,
                action,
                action_on,
                officer_id if action else None,
                officer_id,
            ]
        )
        if action == EnforcementAction.WARNING:
            warned.setdefault(order_id, []).append(action_on)
    rows = with_ids(Failure, rows)
    insert_rows(Failure, FAILURE_FIELDS, rows)
    return rows
