"""How recommendations and orders show on the referral page and the person's timeline.

Registered from TreatmentRequirementsConfig.ready through the referrals extension points:

- `referral_panel(request, referral)`: the "Treatment requirements" panel (recommendations
  made from the referral's assessment, any order, and the next step), or None when the user
  may see neither recommendations nor orders. At most 6 queries, whatever the row count.
- `reoffending_panel(request, referral)`: the referral's reoffending follow-up (every
  referral, with or without an order) and, for whoever holds it, the links to record it.
- `treatment_events(person, user)`: timeline events (recommendation made / ready, court
  outcomes, orders made, warnings, breach referrals and their outcomes, orders ended),
  each scoped through the access policy. 6 queries whatever the row count.
"""

import datetime
from collections import defaultdict

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.policy import Action, Kind, Scope, permits, scope_for, scoped
from core.compiled import compiled_for_user
from referrals.models import Person, Referral

from .enums import BreachOutcome, OrderStatus, RecommendationStatus, RequirementKind
from .models import (
    CourtOutcome,
    Failure,
    Order,
    OrderAllocation,
    OrderRequirement,
    ProposedRequirement,
    Recommendation,
)
from .selectors import may_follow_up

# The referral page ------------------------------------------------------------------------


def reoffending_panel(request, referral: Referral) -> dict:
    """The referral's reoffending follow-up, for everyone who may see the referral page (its
    L&D team), with the links to record it for whoever holds it. 3 queries."""
    by_probation = Order.objects.filter(referral=referral).exists()
    return {
        "template": "treatment_requirements/_reoffending_panel.html",
        "context": {
            "referral": referral,
            "reoffending": list(referral.reoffending_events.all()),
            "can_follow_up": may_follow_up(request.user, referral, has_order=by_probation),
            "held_by": "the supervising probation team, as an order was made"
            if by_probation
            else "the L&D team",
        },
    }


def referral_panel(request, referral: Referral) -> dict | None:
    """Recommendations and orders of this referral that the user may see, and what next."""
    user = request.user
    may_see_recommendations = permits(user, Action.VIEW, Kind.RECOMMENDATION)
    may_see_orders = permits(user, Action.VIEW, Kind.ORDER)
    if not (may_see_recommendations or may_see_orders):
        return None
    assessment = _assessment(user, referral)
    recommendations = list(
        scoped(
            user,
            Action.VIEW,
            Kind.RECOMMENDATION,
            Recommendation.objects.filter(referral=referral),
        )
        .prefetch_related(
            Prefetch("requirements", queryset=ProposedRequirement.objects.order_by("id"))
        )
        .order_by("-created_at", "-id")
    )
    orders = list(
        scoped(user, Action.VIEW, Kind.ORDER, Order.objects.filter(referral=referral))
        .select_related("responsible_officer", "probation_team")
        .prefetch_related(
            Prefetch("requirements", queryset=OrderRequirement.objects.select_related("provider"))
        )
        .order_by("-made_on", "-id")
    )
    ordered = {order.recommendation_id for order in orders}
    may_record_outcome = scope_for(user, Action.CREATE, Kind.ORDER) == Scope.TEAM
    for recommendation in recommendations:
        recommendation.awaits_outcome = (
            may_record_outcome
            and recommendation.status == RecommendationStatus.READY
            and recommendation.pk not in ordered
        )
    may_recommend = scope_for(user, Action.CREATE, Kind.RECOMMENDATION) == Scope.TEAM
    if not (recommendations or orders or (may_recommend and assessment is not None)):
        return None  # nothing this user may see or do here
    return {
        "template": "treatment_requirements/_referral_panel.html",
        "context": {
            "referral": referral,
            "assessment": assessment,
            "recommendations": recommendations,
            "orders": orders,
            # A draft in progress is continued from its own page, not started again.
            "may_recommend": may_recommend
            and assessment is not None
            and assessment.is_signed
            and not any(r.status == RecommendationStatus.DRAFT for r in recommendations),
            "may_recommend_later": may_recommend
            and assessment is not None
            and not assessment.is_signed,
        },
    }


def _assessment(user, referral: Referral):
    from assessments.models import Assessment

    if scope_for(user, Action.VIEW, Kind.ASSESSMENT) is None:
        return None
    return scoped(
        user, Action.VIEW, Kind.ASSESSMENT, Assessment.objects.filter(referral=referral)
    ).first()


# The person's timeline --------------------------------------------------------------------


def treatment_events(person: Person, user) -> list[dict]:
    """Recommendation, court, order and enforcement events for `person` the user may see."""
    events: list[dict] = []
    if permits(user, Action.VIEW, Kind.RECOMMENDATION):
        events += _recommendation_events(person, user)
    if permits(user, Action.VIEW, Kind.ORDER):
        events += _order_events(person, user)
    return events


# The timeline's queries are compiled once per role (core.compiled) and run with the user's
# and the person's ids: building them cost more CPU than running them.


def _rows(name: str, person: Person, user, build) -> list:
    return compiled_for_user(("person timeline", name), user, build, person_id=person.pk)


def _recommendations(user, person_id) -> QuerySet:
    queryset = Recommendation.objects.filter(person_id=person_id)
    return scoped(user, Action.VIEW, Kind.RECOMMENDATION, queryset)


def _orders(user, person_id) -> QuerySet:
    return scoped(user, Action.VIEW, Kind.ORDER, Order.objects.filter(person_id=person_id))


def _recommendation_events(person: Person, user) -> list[dict]:
    recommendations = _rows("recommendations", person, user, _recommendations)
    proposals = _rows(
        "proposed requirements",
        person,
        user,
        lambda user, person_id: ProposedRequirement.objects.filter(
            recommendation__in=_recommendations(user, person_id)
        ).order_by("id"),
    )
    kinds: dict[int, list[str]] = defaultdict(list)
    for proposed in proposals:
        kinds[proposed.recommendation_id].append(RequirementKind.short_labels()[proposed.kind])
    events = []
    for recommendation in recommendations:
        url = recommendation.get_absolute_url()
        proposed = ", ".join(kinds[recommendation.pk]) or "No requirements proposed yet"
        events.append(
            _event(
                recommendation.created_at,
                f"Recommendation {recommendation.reference} made",
                proposed,
                url,
            )
        )
        if recommendation.ready_at:
            events.append(
                _event(
                    recommendation.ready_at,
                    f"Recommendation {recommendation.reference} ready for court",
                    proposed,
                    url,
                )
            )
    outcomes = _rows(
        "court outcomes",
        person,
        user,
        lambda user, person_id: CourtOutcome.objects.filter(
            recommendation__in=_recommendations(user, person_id)
        ).select_related("court"),
    )
    for outcome in outcomes:
        events.append(
            _event(
                outcome.created_at,
                f"Court outcome: {outcome.get_outcome_display().lower()}",
                f"{outcome.court.name}" + (f": {outcome.reason}" if outcome.reason else ""),
                reverse(
                    "treatment_requirements:recommendation_detail", args=[outcome.recommendation_id]
                ),
                day=outcome.hearing_date,
            )
        )
    return events


def _order_events(person: Person, user) -> list[dict]:
    orders = _rows("orders", person, user, _orders)
    requirements = _rows(
        "order requirements",
        person,
        user,
        lambda user, person_id: OrderRequirement.objects.filter(
            order__in=_orders(user, person_id)
        ).order_by("id"),
    )
    kinds: dict[int, list[str]] = defaultdict(list)
    for requirement in requirements:
        kinds[requirement.order_id].append(
            f"{RequirementKind.short_labels()[requirement.kind]} {requirement.length_months} months"
        )
    events = []
    urls = {}
    for order in orders:
        url = urls[order.pk] = order.get_absolute_url()
        requirements = ", ".join(kinds[order.pk]) or "No requirements"
        events.append(
            _event(
                order.created_at,
                f"{order.get_order_type_display()} {order.reference} made",
                f"{requirements}; ends {order.end_date:%d/%m/%Y}",
                url,
                day=order.made_on,
            )
        )
        if order.status == OrderStatus.TERMINATED and order.terminated_on:
            events.append(
                _event(
                    order.updated_at,
                    f"Order {order.reference} ended: {order.get_termination_reason_display()}",
                    order.termination_notes,
                    url,
                    day=order.terminated_on,
                )
            )
    events += _reallocation_events(person, user, urls)
    events += _enforcement_events(person, user, urls)
    return events


def _enforcement_events(person: Person, user, urls: dict) -> list[dict]:
    """Warnings given, breach referrals and their outcomes, in the order of the failures."""
    failures = _rows(
        "failures",
        person,
        user,
        lambda user, person_id: (
            Failure.objects.filter(order__in=_orders(user, person_id))
            .exclude(action="")
            .select_related("warning", "breach")
            .order_by("failure_date", "id")
        ),
    )
    events = []
    for failure in failures:
        url = urls.get(failure.order_id, "")
        why = f"For the failure to comply on {failure.failure_date:%d/%m/%Y}"
        warning = getattr(failure, "warning", None)
        if warning is not None:
            events.append(
                _event(warning.created_at, "Formal warning given", why, url, day=warning.given_on)
            )
        breach = getattr(failure, "breach", None)
        if breach is not None:
            events.append(
                _event(
                    breach.created_at,
                    "Referred for breach proceedings",
                    why,
                    url,
                    day=breach.referred_on,
                )
            )
            if breach.outcome != BreachOutcome.PENDING and breach.outcome_on:
                events.append(
                    _event(
                        breach.updated_at,
                        f"Breach outcome: {breach.get_outcome_display().lower()}",
                        breach.outcome_notes,
                        url,
                        day=breach.outcome_on,
                    )
                )
    return events


def _reallocation_events(person: Person, user, urls: dict) -> list[dict]:
    """Each change of responsible officer (services.order_reallocate): the allocation made
    with the order has no reason and is the "made" event already."""
    allocations = _rows(
        "order allocations",
        person,
        user,
        lambda user, person_id: (
            OrderAllocation.objects.filter(order__in=_orders(user, person_id))
            .exclude(reason="")
            .select_related("officer", "officer__team")
            .order_by("allocated_at", "id")
        ),
    )
    return [
        _event(
            allocation.allocated_at,
            f"Order CO{allocation.order_id:06d} handed to {allocation.officer.display_name}"
            + (f", {allocation.officer.team.name}" if allocation.officer.team else ""),
            allocation.reason,
            urls.get(allocation.order_id, ""),
        )
        for allocation in allocations
    ]


def _event(when, title, detail, url, *, day: datetime.date | None = None) -> dict:
    """A timeline event. For an event known by its date (`day`), `when` is the time it was
    recorded: used when that was the same day, otherwise the start of the day, marked
    all_day so the timeline shows the date without a made-up time."""
    all_day = day is not None and timezone.localtime(when).date() != day
    if all_day:
        when = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return {"when": when, "all_day": all_day, "title": title, "detail": detail, "url": url}
