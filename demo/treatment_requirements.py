"""Synthetic recommendations, orders, appointments and enforcement for demos.

Takes a share of the signed assessments the assessments step made: each gets a
recommendation ready for court, most of those a court outcome, and orders get weekly
appointments with coded outcomes, failures, warnings and the odd breach (demo.appointments),
each order held by a probation officer with a realistic caseload. Everything comes
from one seeded random generator and is written with demo.bulk (COPY on PostgreSQL, else
bulk_create) from plain value tuples: a million referrals give over a million appointments,
too many for model instances.
"""

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.enums import Role, SiteKind, TeamKind
from accounts.models import Site, Team, User
from assessments.enums import AssessmentStatus
from assessments.models import Assessment
from demo.accounts import seed_probation_officers
from demo.appointments import follow_up
from demo.bulk import built, indexes_built_after, insert_rows, with_ids
from demo.generate import local_date, weighted_picker
from treatment_requirements.criteria import criteria_for
from treatment_requirements.enums import (
    HearingOutcome,
    OrderType,
    RecommendationStatus,
    RequirementKind,
)
from treatment_requirements.models import (
    Appointment,
    BreachReferral,
    CourtOutcome,
    CriterionConfirmation,
    Failure,
    FormalWarning,
    Order,
    OrderAllocation,
    OrderEvent,
    OrderRequirement,
    ProposedRequirement,
    Recommendation,
)

SHARE_RECOMMENDED = 0.6
OUTCOMES = [
    (HearingOutcome.ORDER_MADE, 7),
    (HearingOutcome.NOT_MADE, 1),
    (HearingOutcome.CUSTODY, 1),
    (HearingOutcome.OTHER_DISPOSAL, 1),
]
EVIDENCE = {
    "care_threshold": "Care threshold recorded in the signed assessment",
    "AUDIT": "AUDIT in the possible-dependence band; morning drinking reported",
    "SADQ": "SADQ moderate dependence",
    "DAST-10": "DAST-10 substantial level; daily use reported",
}


TABLES = [
    Recommendation,
    ProposedRequirement,
    CriterionConfirmation,
    CourtOutcome,
    Order,
    OrderRequirement,
    OrderAllocation,
    Appointment,
    Failure,
    FormalWarning,
    BreachReferral,
    OrderEvent,
]
# Probation officers' caseloads (HMI Probation: 35-50 on average; quality falls above 50).
TYPICAL_CASELOAD = 40
CASELOAD_RANGE = (20, 60)
NEW_TO_DEMO_OFFICER = 3  # the demo officer's most recent orders: "New to me" on the caseload
# How long ago they reached the officer, newest first.
NEW_TO_ME_AGES = [
    datetime.timedelta(hours=2),
    datetime.timedelta(days=1, hours=3),
    datetime.timedelta(days=3, hours=5),
]


HEARING_OUTCOME = weighted_picker(OUTCOMES)

RECOMMENDATION_FIELDS = [
    "id",
    "assessment_id",
    "person_id",
    "referral_id",
    "team_id",
    "status",
    "ready_at",
    "ready_by_id",
    "created_by_id",
]
PROPOSED_FIELDS = [
    "id",
    "recommendation_id",
    "kind",
    "provider_id",
    "duration_months",
    "consent_given",
    "consent_recorded_on",
]
CRITERION_FIELDS = ["requirement_id", "code", "met", "evidence"]
HEARING_FIELDS = [
    "id",
    "recommendation_id",
    "person_id",
    "hearing_date",
    "court_id",
    "outcome",
    "reason",
    "recorded_by_id",
]
ORDER_FIELDS = [
    "id",
    "court_outcome_id",
    "recommendation_id",
    "person_id",
    "referral_id",
    "order_type",
    "made_on",
    "start_date",
    "end_date",
    "responsible_officer_id",
    "probation_team_id",
]
REQUIREMENT_FIELDS = [
    "id",
    "order_id",
    "kind",
    "provider_id",
    "length_months",
    "start_date",
    "end_date",
    "proposed_id",
]
ALLOCATION_FIELDS = ["order_id", "officer_id", "allocated_at", "allocated_by_id"]
ORDER_EVENT_FIELDS = ["recommendation_id", "order_id", "by_id", "summary"]


def _kinds(rng, care_threshold) -> list[str]:
    kinds = []
    if care_threshold == "secondary":
        kinds.append(RequirementKind.MHTR_SECONDARY)
    elif care_threshold == "primary" or rng.random() < 0.5:
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
    officers = User.objects.filter(role=Role.PROBATION_OFFICER, team__isnull=False).exists()
    providers = list(
        Team.objects.filter(kind=TeamKind.TREATMENT_PROVIDER, is_active=True).values_list(
            "pk", flat=True
        )
    )
    courts = list(
        Site.objects.filter(kind=SiteKind.MAGISTRATES_COURT, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if not (officers and providers and courts):
        return "Treatment requirements: no probation officer, provider or court: skipped"
    assessments = list(
        Assessment.objects.filter(status=AssessmentStatus.SIGNED, recommendations__isnull=True)
        .order_by("pk")
        .values_list(
            "pk",
            "care_threshold",
            "signed_at",
            "signed_by_id",
            "referral_id",
            "referral__person_id",
            "referral__team_id",
            "referral__received_at",
        )
    )
    rng = random.Random(seed + 4)  # noqa: S311 - seeded, repeatable demo data, not a secret  # nosec B311
    chosen = [a for a in assessments if rng.random() < SHARE_RECOMMENDED]
    del assessments
    with transaction.atomic(), indexes_built_after(*TABLES):
        counts = _seed(rng, chosen, providers, courts, password)
    return (
        f"Treatment requirements: {counts['recommendations']} recommendations, "
        f"{counts['orders']} orders, {counts['appointments']} appointments, "
        f"{counts['warnings']} warnings, {counts['breaches']} breach referrals"
    )


def _seed(rng, assessments, providers, courts, password) -> dict:
    """Write recommendations, proposals, hearings and orders for the chosen assessments
    (tuples from seed_demo_step), then their appointments and enforcement."""
    today = timezone.localdate()
    recommendations = with_ids(
        Recommendation,
        [
            (a_pk, person_id, referral_id, team_id, RecommendationStatus.READY, at, by, by)
            for (a_pk, _, at, by, referral_id, person_id, team_id, _) in assessments
        ],
    )
    insert_rows(Recommendation, RECOMMENDATION_FIELDS, recommendations)
    proposed = _proposed(rng, recommendations, [a[1] for a in assessments], providers)
    by_recommendation = {}
    for p in proposed:
        by_recommendation.setdefault(p[1], []).append(p)
    hearings = _hearings(rng, recommendations, courts, today)
    referral_of = {  # recommendation id -> (referral id, received at)
        r[0]: (a[4], a[7]) for r, a in zip(recommendations, assessments, strict=True)
    }
    orders, requirements = _orders(rng, hearings, by_recommendation, referral_of, password)
    built(*TABLES[: TABLES.index(OrderAllocation) + 1])  # while appointments are generated
    first_requirement = {}
    for requirement in requirements:
        first_requirement.setdefault(requirement[1], requirement)
    counts = {"recommendations": len(recommendations), "orders": len(orders)}
    counts.update(follow_up(rng, orders, first_requirement, today))
    insert_rows(
        OrderEvent,
        ORDER_EVENT_FIELDS,
        ((o[2], o[0], o[9], "Order recorded (demo data)") for o in orders),
    )
    return counts


def _proposed(rng, recommendations, care_thresholds, providers) -> list[tuple]:
    proposed = []
    for recommendation, care_threshold in zip(recommendations, care_thresholds, strict=True):
        recorded_on = local_date(recommendation[6])
        for kind in _kinds(rng, care_threshold):
            provider = rng.choice(providers)
            proposed.append(
                [recommendation[0], kind, provider, rng.choice([6, 9, 12]), True, recorded_on]
            )
    proposed = with_ids(ProposedRequirement, proposed)
    insert_rows(ProposedRequirement, PROPOSED_FIELDS, proposed)
    evidence = {}  # the same few texts for every requirement of a kind
    insert_rows(
        CriterionConfirmation,
        CRITERION_FIELDS,
        (
            (p[0], c.code, True, evidence.get(c) or evidence.setdefault(c, _evidence(c)))
            for p in proposed
            for c in criteria_for(p[2])
        ),
    )
    return proposed


def _hearings(rng, recommendations, courts, today) -> list[tuple]:
    hearings = []
    for recommendation in recommendations:
        hearing_date = local_date(recommendation[6]) + datetime.timedelta(days=rng.randint(7, 28))
        if hearing_date > today:
            continue
        outcome = HEARING_OUTCOME(rng)
        reason = "" if outcome == HearingOutcome.ORDER_MADE else "Recorded from the court list"
        hearings.append(
            [
                recommendation[0],
                recommendation[2],
                hearing_date,
                rng.choice(courts),
                outcome,
                reason,
                recommendation[8],
            ]
        )
    hearings = with_ids(CourtOutcome, hearings)
    insert_rows(CourtOutcome, HEARING_FIELDS, hearings)
    return hearings


def _orders(rng, hearings, by_recommendation, referral_of, password):
    """Orders for the hearings that made one, with the requirements proposed for them, each
    given to a probation officer (caseload_sizes) with its allocation row."""
    orders, recorded_by = _made(rng, hearings, by_recommendation, referral_of)
    sizes = caseload_sizes(rng, len(orders))
    # Officers who hold no order yet: seeding again (or in chunks) adds caseloads, it does not
    # pile more orders on the same officers.
    busy = frozenset(Order.objects.values_list("responsible_officer_id", flat=True).distinct())
    officers = seed_probation_officers(len(sizes), password=password, busy=busy)
    holders, newest = _officer_for_each(rng, orders, sizes, officers)
    for row, (officer_id, team_id) in zip(orders, holders, strict=True):
        row += [officer_id, team_id]
    now = timezone.now()
    allocated_at = _new_to_demo_officer(orders, newest, now)
    latest = now - datetime.timedelta(minutes=30)
    orders = with_ids(Order, orders)
    insert_rows(Order, ORDER_FIELDS, orders)
    requirements = with_ids(
        OrderRequirement,
        [
            [order[0], p[2], p[3], p[4], order[7], _requirement_end(order[7], p[4]), p[0]]
            for order in orders
            for p in by_recommendation[order[2]]
        ],
    )
    insert_rows(OrderRequirement, REQUIREMENT_FIELDS, requirements)
    insert_rows(
        OrderAllocation,
        ALLOCATION_FIELDS,
        (
            (
                o[0],
                o[9],
                allocated_at.get(o[1]) or min(_afternoon(o[6]), latest),
                recorded_by[o[1]],
            )
            for o in orders
        ),
    )
    return orders, requirements


def _made(rng, hearings, by_recommendation, referral_of) -> tuple[list[list], dict]:
    """Order rows (ORDER_FIELDS without the id and the officer) for the hearings that made
    one, and who recorded each hearing (by court outcome id)."""
    orders = []
    recorded_by = {}
    for pk, recommendation_id, person_id, hearing_date, _, outcome, _, by in hearings:
        if outcome != HearingOutcome.ORDER_MADE:
            continue
        longest = max(p[4] for p in by_recommendation[recommendation_id])
        referral_id, _received_at = referral_of[recommendation_id]
        recorded_by[pk] = by
        orders.append(
            [
                pk,
                recommendation_id,
                person_id,
                referral_id,
                rng.choice(OrderType.values),
                hearing_date,
                hearing_date,
                hearing_date + relativedelta(months=longest + 6),
            ]
        )
    return orders, recorded_by


def _new_to_demo_officer(orders, newest, now) -> dict:
    """When the demo officer's newest orders reached them (by court outcome id): in the last
    few days (made then, or handed over to them since): "New to me" on their caseload, with
    an inbox reminder."""
    allocated_at = {}
    for rank, index in enumerate(reversed(newest)):
        when = now - NEW_TO_ME_AGES[rank]
        if local_date(when) < orders[index][5]:  # made today: allocated just now
            when = now - datetime.timedelta(minutes=10 * (rank + 1))
        allocated_at[orders[index][0]] = when
    return allocated_at


def caseload_sizes(rng, total: int) -> list[int]:
    """How many orders each probation officer holds: about TYPICAL_CASELOAD, each between
    CASELOAD_RANGE's bounds once there are that many orders (fewer: one officer holds them
    all), spread by random moves between officers. The first (the demo login) holds the
    median, so the demo and the benchmark sign in as a typical officer."""
    if total <= 0:
        return []
    low, high = CASELOAD_RANGE
    count = max(1, round(total / TYPICAL_CASELOAD))  # total / count stays within the range
    sizes = [total // count + (i < total % count) for i in range(count)]
    for _ in range(count * 3):
        giver, taker = rng.randrange(count), rng.randrange(count)
        room = min(sizes[giver] - low, high - sizes[taker])
        if giver != taker and room > 0:
            moved = rng.randint(0, room)
            sizes[giver] -= moved
            sizes[taker] += moved
    median = sorted(sizes)[count // 2]
    where = sizes.index(median)
    sizes[0], sizes[where] = sizes[where], sizes[0]
    return sizes


def _officer_for_each(rng, orders, sizes, officers) -> tuple[list[tuple[int, int]], list[int]]:
    """(officer id, team id) for each order: officer i holds sizes[i] orders, and the first
    (the demo login) the NEW_TO_DEMO_OFFICER most recently made ones ("New to me"), whose
    indexes come second, oldest first."""
    by_recency = sorted(range(len(orders)), key=lambda i: (orders[i][5], orders[i][0]))
    newest = by_recency[-min(NEW_TO_DEMO_OFFICER, sizes[0]) :] if sizes else []
    rest = by_recency[: len(by_recency) - len(newest)]
    rng.shuffle(rest)
    holder = [None] * len(orders)
    for index in newest:
        holder[index] = officers[0]
    position = 0
    for number, (officer, size) in enumerate(zip(officers, sizes, strict=True)):
        take = size - (len(newest) if number == 0 else 0)
        for index in rest[position : position + take]:
            holder[index] = officer
        position += take
    return holder, newest


def _afternoon(made_on: datetime.date) -> datetime.datetime:
    """When an order made that day was allocated: the afternoon after the hearing."""
    return datetime.datetime.combine(
        made_on, datetime.time(15, 0), tzinfo=timezone.get_default_timezone()
    )


def _requirement_end(start: datetime.date, months: int) -> datetime.date:
    return start + relativedelta(months=months) - datetime.timedelta(days=1)
