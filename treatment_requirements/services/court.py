"""Court outcomes, and the order and requirements the court made."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.enums import AuditAction, Role, SiteKind
from core.periods import period_last_day
from core.queueing import enqueue_on_commit
from referrals.services import ALLOCATION_REMINDERS_TASK

from ..enums import (
    HearingOutcome,
    RecommendationStatus,
    RequirementKind,
)
from ..models import (
    CourtOutcome,
    Order,
    OrderAllocation,
    OrderRequirement,
    Recommendation,
)
from .history import history_record
from .requirement_checks import check_provider, check_requirement_kinds

COURT_SITE_KINDS = {SiteKind.MAGISTRATES_COURT, SiteKind.CROWN_COURT}
ADULT_AGE = 18


def _check_officer(officer):
    if officer is None or officer.role != Role.PROBATION_OFFICER or officer.team_id is None:
        raise ValidationError(
            {"responsible_officer": "Choose a probation officer who belongs to a probation team"}
        )


def _requirement_end(start: datetime.date, months: int) -> datetime.date:
    """A requirement of `months` months ends as an order of that length would."""
    return period_last_day(start, months)


def _check_adult(recommendation, sentenced_on: datetime.date):
    """Treatment requirements are for adults: 18 or over on the date of sentence."""
    if recommendation.person.age_on(sentenced_on) < ADULT_AGE:
        raise ValidationError(
            {
                "hearing_date": (
                    "Treatment requirements apply to adults only: the person was under 18 on "
                    f"the date of sentence, {sentenced_on:%d/%m/%Y}"
                )
            },
            code="under_18",
        )


@transaction.atomic
def court_outcome_record(
    *,
    recommendation: Recommendation,
    hearing_date: datetime.date,
    court,
    outcome: str,
    reason: str = "",
    order_data: dict | None = None,
    requirements: list[dict] = (),
    by,
    request=None,
) -> CourtOutcome:
    """Record the court's decision; when an order is made, create it with its requirements.

    order_data: order_type, made_on, start_date, end_date, responsible_officer, and for a
    suspended sentence order operational_period_end. Each requirement: kind, provider,
    length_months; one that was not on the recommendation also needs not_proposed_reason
    and willing_on (the date the person said they were willing to comply). A requirement
    runs from the order's start for its length and must end by the order's end date (and a
    suspended sentence order's operational period). Refused when the person was under 18
    on the hearing date (the date of sentence).
    """
    if recommendation.status != RecommendationStatus.READY:
        raise ValidationError("Only a recommendation marked ready for court can have an outcome.")
    if court is None or court.kind not in COURT_SITE_KINDS:
        raise ValidationError({"court": "Choose a magistrates' court or the Crown Court"})
    if hearing_date > timezone.localdate():
        raise ValidationError({"hearing_date": "The hearing date cannot be in the future"})
    if outcome in (HearingOutcome.NOT_MADE, HearingOutcome.OTHER_DISPOSAL) and not reason.strip():
        raise ValidationError({"reason": "Give the reason the court gave"})
    if (
        outcome == HearingOutcome.ORDER_MADE
        and Order.objects.filter(recommendation=recommendation).exists()
    ):
        raise ValidationError("An order has already been recorded for this recommendation.")
    if outcome == HearingOutcome.ORDER_MADE:
        _check_adult(recommendation, hearing_date)
    court_outcome = CourtOutcome.objects.create(
        recommendation=recommendation,
        person_id=recommendation.person_id,
        hearing_date=hearing_date,
        court=court,
        outcome=outcome,
        reason=reason,
        recorded_by=by,
    )
    order = None
    if outcome == HearingOutcome.ORDER_MADE:
        order = _order_create(court_outcome, order_data or {}, list(requirements))
    history_record(
        recommendation=recommendation,
        order=order,
        by=by,
        summary=f"Court outcome recorded: {court_outcome.get_outcome_display()}",
        obj=court_outcome,
        action=AuditAction.CREATE,
        request=request,
    )
    return court_outcome


def _order_create(court_outcome, data, requirements) -> Order:
    officer = data.get("responsible_officer")
    _check_officer(officer)
    recommendation = court_outcome.recommendation
    order = Order(
        court_outcome=court_outcome,
        recommendation=recommendation,
        person_id=recommendation.person_id,
        referral_id=recommendation.referral_id,
        order_type=data.get("order_type"),
        made_on=data.get("made_on") or court_outcome.hearing_date,
        start_date=data.get("start_date"),
        end_date=data.get("end_date"),
        operational_period_end=data.get("operational_period_end"),
        responsible_officer=officer,
        probation_team_id=officer.team_id,
    )
    order.full_clean(exclude=["court_outcome", "recommendation", "person", "referral"])
    order.save()
    # "New to me" on the officer's caseload, and their inbox reminder (rules_tr), nudged
    # as soon as this commits.
    OrderAllocation.objects.create(
        order=order, officer=officer, allocated_by=court_outcome.recorded_by
    )
    enqueue_on_commit(ALLOCATION_REMINDERS_TASK, once=True)
    if not requirements:
        raise ValidationError({"requirements": "Record at least one requirement the court made"})
    check_requirement_kinds([r["kind"] for r in requirements])
    proposed = {p.kind: p for p in recommendation.requirements.all()}
    for data in requirements:
        order_requirement_add(
            order,
            data,
            proposed=proposed.get(data["kind"]),
            sentenced_on=court_outcome.hearing_date,
        )
    return order


def order_requirement_add(
    order, data, *, proposed=None, added_on_breach=False, start=None, sentenced_on=None
):
    """Add one requirement the court made (at sentence, or on breach).

    It must have been proposed on the recommendation, or carry the officer's reason why
    the court made it anyway; and the person's willingness to comply must be recorded on
    or before `sentenced_on` (the proposed requirement's consent, or `willing_on`).
    """
    label = RequirementKind.short_labels()[data["kind"]]
    check_provider(data.get("provider"))
    months = data.get("length_months") or 0
    start = start or order.start_date
    if months < 1:
        raise ValidationError({"length_months": "Enter the requirement's length in months"})
    reason = (data.get("not_proposed_reason") or "").strip()
    if proposed is None and not added_on_breach and not reason:
        raise ValidationError(
            {
                "not_proposed_reason": (
                    f"Enter why the court made the {label}: it was not on the recommendation"
                )
            }
        )
    willing_on = _willingness(data, proposed, label, sentenced_on or start)
    end = _requirement_end(start, months)
    _check_fits(order, label, months, end)
    return OrderRequirement.objects.create(
        order=order,
        kind=data["kind"],
        provider=data["provider"],
        length_months=months,
        start_date=start,
        end_date=end,
        proposed=proposed,
        added_on_breach=added_on_breach,
        not_proposed_reason=reason if proposed is None else "",
        willing_on=willing_on,
    )


def _willingness(data, proposed, label, sentenced_on):
    """The date the person said they were willing to comply (before sentence)."""
    if proposed is not None and proposed.consent_given and not data.get("willing_on"):
        return proposed.consent_recorded_on
    willing_on = data.get("willing_on")
    if not willing_on:
        raise ValidationError(
            {
                "willing_on": (
                    f"Enter the date the person said they were willing to comply with the "
                    f"{label}: a treatment requirement needs their willingness before sentence"
                )
            }
        )
    if willing_on > sentenced_on:
        raise ValidationError(
            {
                "willing_on": (
                    f"The date the person said they were willing to comply with the {label} "
                    f"must be on or before the date of sentence, {sentenced_on:%d/%m/%Y}"
                )
            }
        )
    return willing_on


def _check_fits(order, label, months, end):
    if end > order.end_date:
        raise ValidationError(
            {
                "length_months": (
                    f"The {label} of {months} months would end on {end:%d/%m/%Y}, after the "
                    f"order ends on {order.end_date:%d/%m/%Y}"
                )
            }
        )
    if end > order.requirements_must_end_by:
        raise ValidationError(
            {
                "length_months": (
                    f"The {label} of {months} months would end on {end:%d/%m/%Y}, after the "
                    "suspended sentence order's operational period ends on "
                    f"{order.operational_period_end:%d/%m/%Y}"
                )
            }
        )
