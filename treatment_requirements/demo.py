"""Synthetic recommendations, orders, appointments and enforcement for demos.

Takes a share of the signed assessments the assessments step made: each gets a
recommendation ready for court, most of those a court outcome, and orders get weekly
appointments with coded outcomes, failures, warnings and the odd breach. Everything comes
from one seeded random generator and is written with bulk_create.
"""

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.enums import Role, SiteKind, TeamKind
from accounts.models import Site, Team, User

from .criteria import criteria_for
from .enforcement import enforcement_deadline, required_action
from .enums import (
    AppointmentOutcome,
    EnforcementAction,
    HearingOutcome,
    OrderType,
    RecommendationStatus,
    RequirementKind,
)
from .models import (
    Appointment,
    BreachReferral,
    CourtOutcome,
    CriterionConfirmation,
    Failure,
    Order,
    OrderEvent,
    OrderRequirement,
    ProposedRequirement,
    Recommendation,
    Warning,
)

SHARE_RECOMMENDED = 0.6
OUTCOMES = [
    (HearingOutcome.ORDER_MADE, 7),
    (HearingOutcome.NOT_MADE, 1),
    (HearingOutcome.CUSTODY, 1),
    (HearingOutcome.OTHER_DISPOSAL, 1),
]
APPOINTMENT_OUTCOMES = [
    (AppointmentOutcome.ATTENDED_COMPLIED, 30),
    (AppointmentOutcome.ACCEPTABLE_ABSENCE, 3),
    (AppointmentOutcome.UNACCEPTABLE_ABSENCE, 2),
    (AppointmentOutcome.ATTENDED_FAILED, 1),
]
EVIDENCE = {
    "care_threshold": "Care threshold recorded in the signed assessment",
    "AUDIT": "AUDIT in the possible-dependence band; morning drinking reported",
    "SADQ": "SADQ moderate dependence",
    "DAST-10": "DAST-10 substantial level; daily use reported",
}


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _kinds(rng, assessment) -> list[str]:
    kinds = []
    if assessment.care_threshold == "secondary":
        kinds.append(RequirementKind.MHTR_SECONDARY)
    elif assessment.care_threshold == "primary" or rng.random() < 0.5:
        kinds.append(RequirementKind.MHTR_PRIMARY)
    extra = rng.choice([None, RequirementKind.ATR, RequirementKind.DRR])
    if extra or not kinds:
        extra = extra or RequirementKind.DRR
        kinds.append(extra)
    return kinds


def _evidence(criterion) -> str:
    sources = [EVIDENCE[s] for s in criterion.evidence_from if s in EVIDENCE]
    return "; ".join(sources) or "Confirmed with the provider and the person at assessment"


def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    """Recommendations, court outcomes and orders for a share of the signed assessments."""
    from assessments.enums import AssessmentStatus
    from assessments.models import Assessment

    officers = list(User.objects.filter(role=Role.PROBATION_OFFICER, team__isnull=False))
    providers = list(Team.objects.filter(kind=TeamKind.TREATMENT_PROVIDER, is_active=True))
    courts = list(Site.objects.filter(kind=SiteKind.MAGISTRATES_COURT, is_active=True))
    if not (officers and providers and courts):
        return "Treatment requirements: no probation officer, provider or court: skipped"
    assessments = list(
        Assessment.objects.filter(status=AssessmentStatus.SIGNED, recommendations__isnull=True)
        .select_related("referral")
        .order_by("pk")
    )
    rng = random.Random(seed + 4)
    chosen = [a for a in assessments if rng.random() < SHARE_RECOMMENDED]
    with transaction.atomic():
        counts = _seed(rng, chosen, officers, providers, courts)
    return (
        f"Treatment requirements: {counts['recommendations']} recommendations, "
        f"{counts['orders']} orders, {counts['appointments']} appointments, "
        f"{counts['warnings']} warnings, {counts['breaches']} breach referrals"
    )


def _seed(rng, assessments, officers, providers, courts) -> dict:
    today = timezone.localdate()
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(
            assessment=a,
            person_id=a.referral.person_id,
            referral=a.referral,
            team_id=a.referral.team_id,
            status=RecommendationStatus.READY,
            ready_at=a.signed_at,
            ready_by_id=a.signed_by_id,
            created_by_id=a.signed_by_id,
        )
        for a in assessments
    )
    proposed = []
    for recommendation in recommendations:
        for kind in _kinds(rng, recommendation.assessment):
            proposed.append(
                ProposedRequirement(
                    recommendation=recommendation,
                    kind=kind,
                    provider=rng.choice(providers),
                    duration_months=rng.choice([6, 9, 12]),
                    consent_given=True,
                    consent_recorded_on=timezone.localtime(recommendation.ready_at).date(),
                )
            )
    proposed = ProposedRequirement.objects.bulk_create(proposed)
    CriterionConfirmation.objects.bulk_create(
        CriterionConfirmation(requirement=p, code=c.code, met=True, evidence=_evidence(c))
        for p in proposed
        for c in criteria_for(p.kind)
    )
    by_recommendation = {}
    for p in proposed:
        by_recommendation.setdefault(p.recommendation_id, []).append(p)
    hearings = []
    for recommendation in recommendations:
        hearing_date = timezone.localtime(recommendation.ready_at).date() + datetime.timedelta(
            days=rng.randint(7, 28)
        )
        if hearing_date > today:
            continue
        outcome = _weighted(rng, OUTCOMES)
        hearings.append(
            CourtOutcome(
                recommendation=recommendation,
                person_id=recommendation.person_id,
                hearing_date=hearing_date,
                court=rng.choice(courts),
                outcome=outcome,
                reason=""
                if outcome == HearingOutcome.ORDER_MADE
                else "Recorded from the court list",
                recorded_by_id=recommendation.created_by_id,
            )
        )
    hearings = CourtOutcome.objects.bulk_create(hearings)
    orders = []
    for hearing in hearings:
        if hearing.outcome != HearingOutcome.ORDER_MADE:
            continue
        officer = rng.choice(officers)
        longest = max(p.duration_months for p in by_recommendation[hearing.recommendation_id])
        orders.append(
            Order(
                court_outcome=hearing,
                recommendation_id=hearing.recommendation_id,
                person_id=hearing.person_id,
                referral_id=hearing.recommendation.referral_id,
                order_type=rng.choice(OrderType.values),
                made_on=hearing.hearing_date,
                start_date=hearing.hearing_date,
                end_date=hearing.hearing_date + relativedelta(months=longest + 6),
                responsible_officer=officer,
                probation_team_id=officer.team_id,
            )
        )
    orders = Order.objects.bulk_create(orders)
    requirements = OrderRequirement.objects.bulk_create(
        OrderRequirement(
            order=order,
            kind=p.kind,
            provider=p.provider,
            length_months=p.duration_months,
            start_date=order.start_date,
            end_date=order.start_date
            + relativedelta(months=p.duration_months)
            - datetime.timedelta(days=1),
            proposed=p,
        )
        for order in orders
        for p in by_recommendation[order.recommendation_id]
    )
    first_requirement = {}
    for requirement in requirements:
        first_requirement.setdefault(requirement.order_id, requirement)
    counts = {"recommendations": len(recommendations), "orders": len(orders)}
    counts.update(_follow_up(rng, orders, first_requirement, today))
    OrderEvent.objects.bulk_create(
        OrderEvent(
            recommendation_id=o.recommendation_id,
            order=o,
            by=o.responsible_officer,
            summary="Order recorded (demo data)",
        )
        for o in orders
    )
    return counts


def _follow_up(rng, orders, first_requirement, today) -> dict:
    """Weekly appointments for the first 12 weeks; past ones get outcomes and enforcement."""
    now = timezone.now()
    appointments = []
    for order in orders:
        start = timezone.make_aware(
            datetime.datetime.combine(
                order.start_date + datetime.timedelta(days=7), datetime.time(10)
            )
        )
        for week in range(12):
            when = start + datetime.timedelta(weeks=week)
            if timezone.localtime(when).date() > order.end_date:
                break
            outcome = _weighted(rng, APPOINTMENT_OUTCOMES) if when < now else ""
            if when < now and when > now - datetime.timedelta(days=3) and rng.random() < 0.5:
                outcome = ""  # due, not yet recorded: shows on the caseload
            acceptable = outcome == AppointmentOutcome.ACCEPTABLE_ABSENCE
            appointments.append(
                Appointment(
                    order=order,
                    requirement=first_requirement[order.pk],
                    starts_at=when,
                    purpose=f"{first_requirement[order.pk].short_label} session",
                    outcome=outcome,
                    excuse="Unwell" if acceptable else "",
                    evidence="GP fit note seen" if acceptable else "",
                    outcome_recorded_at=when + datetime.timedelta(hours=2) if outcome else None,
                    outcome_recorded_by=order.responsible_officer if outcome else None,
                    created_by=order.responsible_officer,
                )
            )
    appointments = Appointment.objects.bulk_create(appointments)
    failures = []
    warned: dict[int, list[datetime.date]] = {}
    for appointment in appointments:
        if appointment.outcome not in AppointmentOutcome.unacceptable_failures():
            continue
        order = appointment.order
        day = timezone.localtime(appointment.starts_at).date()
        deadline = enforcement_deadline(day)
        decided = deadline < today or rng.random() < 0.6
        if not decided:
            action = ""
        elif required_action(day, warned.get(order.pk, [])) == "breach":
            action = EnforcementAction.BREACH
        else:
            action = EnforcementAction.WARNING if rng.random() < 0.85 else EnforcementAction.BREACH
        failure = Failure(
            order=order,
            appointment=appointment,
            failure_date=day,
            description=f"You did not keep your {appointment.purpose} appointment on {day:%d/%m/%Y}.",
            deadline=deadline,
            action=action,
            action_on=min(day + datetime.timedelta(days=2), today) if action else None,
            action_by=order.responsible_officer if action else None,
            recorded_by=order.responsible_officer,
        )
        failures.append(failure)
        if action == EnforcementAction.WARNING:
            warned.setdefault(order.pk, []).append(failure.action_on)
    failures = Failure.objects.bulk_create(failures)
    warnings = [
        Warning(
            order=f.order,
            failure=f,
            given_on=f.action_on,
            letter_text=(
                f"{f.description} This failure is unacceptable. Another failure within 12 "
                "months of this warning makes you liable to be brought back before the court."
            ),
            given_by=f.order.responsible_officer,
        )
        for f in failures
        if f.action == EnforcementAction.WARNING
    ]
    breaches = [
        BreachReferral(
            order=f.order,
            failure=f,
            referred_on=f.action_on,
            details=f.description,
            referred_by=f.order.responsible_officer,
        )
        for f in failures
        if f.action == EnforcementAction.BREACH
    ]
    Warning.objects.bulk_create(warnings)
    BreachReferral.objects.bulk_create(breaches)
    return {
        "appointments": len(appointments),
        "warnings": len(warnings),
        "breaches": len(breaches),
    }
