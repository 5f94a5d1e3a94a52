"""Writes and workflows for recommendations, court outcomes and orders.

Every function validates before it writes, runs in one transaction (nothing half-saved),
and leaves an OrderEvent history row and an audit entry naming the person by id only.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.enums import AuditAction, Role, SiteKind, TeamKind
from core.concurrency import StaleEditError, save_if_current

from . import enforcement
from .criteria import criteria_for
from .enums import (
    AppointmentOutcome,
    BreachOutcome,
    EnforcementAction,
    HearingOutcome,
    MeasureStage,
    OrderStatus,
    RecommendationStatus,
    Recurrence,
    RequirementKind,
    TerminationReason,
)
from .models import (
    MAX_EXTENSION_MONTHS,
    Appointment,
    BreachReferral,
    CourtOutcome,
    CriterionConfirmation,
    DrugTest,
    Failure,
    Order,
    OrderEvent,
    OrderRequirement,
    OutcomeMeasure,
    ProposedRequirement,
    Recommendation,
    ReoffendingEvent,
    ReviewHearing,
    Warning,
)


class NotReadyError(ValidationError):
    """The recommendation cannot go to court: `messages` lists what is missing."""


COURT_SITE_KINDS = {SiteKind.MAGISTRATES_COURT, SiteKind.CROWN_COURT}
MAX_RECURRING_APPOINTMENTS = 52


def _history(*, recommendation, order=None, by, summary, obj, action, request=None):
    OrderEvent.objects.create(
        recommendation=recommendation, order=order, by=by, summary=summary[:255]
    )
    audit_record(
        action=action,
        user=by,
        obj=obj,
        person_id=recommendation.person_id,
        detail=summary,
        request=request,
    )


def _order_history(order, *, by, summary, obj=None, action=AuditAction.CHANGE, request=None):
    _history(
        recommendation=order.recommendation,
        order=order,
        by=by,
        summary=summary,
        obj=obj or order,
        action=action,
        request=request,
    )


def _lock_order(order: Order, expected_version: int | None = None) -> Order:
    locked = Order.objects.select_for_update().select_related("recommendation").get(pk=order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError()
    return locked


def _bump(order: Order):
    save_if_current(order, expected_version=order.version, update_fields=["updated_at"])


# Recommendation ------------------------------------------------------------------------


def _check_combination(kinds):
    if len(set(kinds)) != len(kinds):
        raise ValidationError({"kinds": "Propose each requirement only once"})
    if not kinds:
        raise ValidationError({"kinds": "Select at least one requirement to propose"})
    if RequirementKind.mhtr() <= set(kinds):
        raise ValidationError(
            {"kinds": "Propose either a primary-care or a secondary-care MHTR, not both"}
        )


def _check_provider(provider):
    if provider is None or provider.kind != TeamKind.TREATMENT_PROVIDER or not provider.is_active:
        raise ValidationError({"provider": "Choose an active treatment provider"})


@transaction.atomic
def recommendation_create(
    *, assessment, requirements: list[dict], notes: str = "", by, request=None
) -> Recommendation:
    """Propose treatment requirements from a signed assessment.

    `requirements` holds dicts of kind and optionally provider, duration_months and
    consent_given (the checklist completes them). Side
    effects: one unanswered criterion row per statutory criterion, history, audit entry.
    """
    if not assessment.is_signed:
        raise ValidationError("Sign the assessment before making a recommendation from it.")
    _check_combination([r["kind"] for r in requirements])
    referral = assessment.referral
    recommendation = Recommendation.objects.create(
        assessment=assessment,
        person_id=referral.person_id,
        referral=referral,
        team_id=referral.team_id,
        notes=notes,
        created_by=by,
    )
    for data in requirements:
        _proposed_create(recommendation, data)
    kinds = ", ".join(RequirementKind.short_labels()[r["kind"]] for r in requirements)
    _history(
        recommendation=recommendation,
        by=by,
        summary=f"Recommendation drafted: {kinds}",
        obj=recommendation,
        action=AuditAction.CREATE,
        request=request,
    )
    return recommendation


def _check_duration(months):
    if months is not None and not 1 <= months <= 36:
        raise ValidationError({"duration_months": "The duration must be between 1 and 36 months"})


def _proposed_create(recommendation, data):
    if data.get("provider") is not None:
        _check_provider(data["provider"])
    _check_duration(data.get("duration_months"))
    proposed = ProposedRequirement.objects.create(
        recommendation=recommendation,
        kind=data["kind"],
        provider=data.get("provider"),
        duration_months=data.get("duration_months"),
        consent_given=bool(data.get("consent_given")),
        consent_recorded_on=timezone.localdate() if data.get("consent_given") else None,
    )
    CriterionConfirmation.objects.bulk_create(
        CriterionConfirmation(requirement=proposed, code=c.code) for c in criteria_for(data["kind"])
    )
    return proposed


@transaction.atomic
def recommendation_record_criteria(
    *,
    requirement: ProposedRequirement,
    answers: dict[str, tuple[bool | None, str]],
    consent_given: bool,
    provider,
    duration_months: int,
    expected_version: int,
    by,
    request=None,
) -> ProposedRequirement:
    """Save the checklist of one proposed requirement: each criterion met or not, evidence,
    consent, provider and duration. Refused (StaleEditError) if someone saved first."""
    recommendation = Recommendation.objects.select_for_update().get(
        pk=requirement.recommendation_id
    )
    if recommendation.version != expected_version:
        raise StaleEditError()
    if recommendation.status != RecommendationStatus.DRAFT:
        raise ValidationError("This recommendation has gone to court and can no longer change.")
    if provider is not None:
        _check_provider(provider)
    _check_duration(duration_months)
    for row in requirement.criteria.all():
        met, evidence = answers.get(row.code, (None, ""))
        if met and not evidence.strip():
            raise ValidationError(
                {f"evidence_{row.code}": "Give the evidence that this criterion is met"}
            )
        row.met, row.evidence = met, evidence
        row.save(update_fields=["met", "evidence", "updated_at"])
    if consent_given and not requirement.consent_given:
        requirement.consent_recorded_on = timezone.localdate()
    requirement.consent_given = consent_given
    requirement.provider = provider
    requirement.duration_months = duration_months
    requirement.save()
    save_if_current(recommendation, expected_version=expected_version, update_fields=["updated_at"])
    _history(
        recommendation=recommendation,
        by=by,
        summary=f"Checklist saved for {requirement.short_label}",
        obj=recommendation,
        action=AuditAction.CHANGE,
        request=request,
    )
    return requirement


def recommendation_problems(recommendation: Recommendation) -> list[str]:
    """Why the recommendation cannot go to court yet: one line per unmet criterion."""
    problems = []
    person = recommendation.person
    if person.age_on(timezone.localdate()) < 18:
        problems.append("Treatment requirements apply to adults only: the person is under 18")
    requirements = list(recommendation.requirements.prefetch_related("criteria"))
    if not requirements:
        problems.append("Propose at least one requirement")
    for requirement in requirements:
        for row in requirement.criteria.all():
            if row.met is not True:
                state = "not met" if row.met is False else "not yet confirmed"
                problems.append(f"{requirement.short_label}: {row.text} ({state})")
        if requirement.provider_id is None:
            problems.append(f"{requirement.short_label}: no treatment provider is named")
        if not requirement.duration_months:
            problems.append(f"{requirement.short_label}: no duration is proposed")
        if not requirement.consent_given:
            problems.append(
                f"{requirement.short_label}: the person's willingness to comply is not recorded"
            )
    return problems


@transaction.atomic
def recommendation_mark_ready(
    *, recommendation: Recommendation, expected_version: int, by, request=None
) -> Recommendation:
    """Mark a complete recommendation ready for court; refused, listing what is missing,
    while any criterion is unmet or consent is missing."""
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if locked.version != expected_version:
        raise StaleEditError()
    if locked.status != RecommendationStatus.DRAFT:
        raise ValidationError("This recommendation is already ready for court.")
    problems = recommendation_problems(locked)
    if problems:
        raise NotReadyError(problems)
    locked.status = RecommendationStatus.READY
    locked.ready_at, locked.ready_by = timezone.now(), by
    save_if_current(
        locked, expected_version=expected_version, update_fields=["status", "ready_at", "ready_by"]
    )
    _history(
        recommendation=locked,
        by=by,
        summary="Recommendation marked ready for court",
        obj=locked,
        action=AuditAction.TRANSITION,
        request=request,
    )
    return locked


# Court outcome -------------------------------------------------------------------------


def _check_officer(officer):
    if officer is None or officer.role != Role.PROBATION_OFFICER or officer.team_id is None:
        raise ValidationError(
            {"responsible_officer": "Choose a probation officer who belongs to a probation team"}
        )


def _requirement_end(start: datetime.date, months: int) -> datetime.date:
    return start + relativedelta(months=months) - datetime.timedelta(days=1)


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

    order_data: order_type, made_on, start_date, end_date, responsible_officer. Each
    requirement: kind, provider, length_months (and optionally proposed). A requirement
    runs from the order's start for its length and must end by the order's end date.
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
    _history(
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
        responsible_officer=officer,
        probation_team_id=officer.team_id,
    )
    order.full_clean(exclude=["court_outcome", "recommendation", "person", "referral"])
    order.save()
    if not requirements:
        raise ValidationError({"requirements": "Record at least one requirement the court made"})
    _check_combination([r["kind"] for r in requirements])
    proposed = {p.kind: p for p in recommendation.requirements.all()}
    for data in requirements:
        _requirement_add(order, data, proposed=proposed.get(data["kind"]))
    return order


def _requirement_add(order, data, *, proposed=None, added_on_breach=False, start=None):
    _check_provider(data.get("provider"))
    months = data.get("length_months") or 0
    start = start or order.start_date
    if months < 1:
        raise ValidationError({"length_months": "Enter the requirement's length in months"})
    end = _requirement_end(start, months)
    if end > order.end_date:
        raise ValidationError(
            {
                "length_months": (
                    f"The {RequirementKind.short_labels()[data['kind']]} of {months} months "
                    f"would end on {end:%d/%m/%Y}, after the order ends on "
                    f"{order.end_date:%d/%m/%Y}"
                )
            }
        )
    return OrderRequirement.objects.create(
        order=order,
        kind=data["kind"],
        provider=data["provider"],
        length_months=months,
        start_date=start,
        end_date=end,
        proposed=proposed,
        added_on_breach=added_on_breach,
    )


# Appointments --------------------------------------------------------------------------


def _check_within_order(order: Order, starts_at: datetime.datetime):
    day = timezone.localtime(starts_at).date()
    if not order.start_date <= day <= order.end_date:
        raise ValidationError(
            {
                "starts_at": (
                    f"Appointments must fall within the order, from {order.start_date:%d/%m/%Y} "
                    f"to {order.end_date:%d/%m/%Y}: {day:%d/%m/%Y} is outside it"
                )
            }
        )


def _check_active(order: Order):
    if not order.is_active:
        raise ValidationError("This order has ended: it cannot be changed.")


@transaction.atomic
def appointment_schedule(
    *,
    order: Order,
    starts_at: datetime.datetime,
    purpose: str,
    location: str = "",
    requirement: OrderRequirement | None = None,
    recurrence: str = Recurrence.NONE,
    count: int = 1,
    by,
    request=None,
) -> list[Appointment]:
    """Book one appointment, or a weekly or fortnightly series of `count`.

    Every one must fall within the order's dates, or none is booked.
    """
    order = _lock_order(order)
    _check_active(order)
    if requirement is not None and requirement.order_id != order.pk:
        raise ValidationError({"requirement": "Choose a requirement of this order"})
    if recurrence == Recurrence.NONE:
        count = 1
    if not 1 <= count <= MAX_RECURRING_APPOINTMENTS:
        raise ValidationError(
            {"count": f"Book between 1 and {MAX_RECURRING_APPOINTMENTS} appointments at once"}
        )
    step = datetime.timedelta(weeks=2 if recurrence == Recurrence.FORTNIGHTLY else 1)
    times = [starts_at + step * i for i in range(count)]
    for when in times:
        _check_within_order(order, when)
    booked = Appointment.objects.bulk_create(
        Appointment(
            order=order,
            requirement=requirement,
            starts_at=when,
            purpose=purpose,
            location=location,
            created_by=by,
        )
        for when in times
    )
    _bump(order)
    first = timezone.localtime(times[0])
    _order_history(
        order,
        by=by,
        summary=f"{count} appointment(s) booked from {first:%d/%m/%Y %H:%M}",
        request=request,
    )
    return booked


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: datetime.datetime,
    reason: str,
    expected_version: int,
    by,
    request=None,
) -> Appointment:
    """Move an appointment: the old one is coded as rescheduled and linked to the new one."""
    order = _lock_order(appointment.order)
    _check_active(order)
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if current.version != expected_version:
        raise StaleEditError()
    if current.outcome:
        raise ValidationError("This appointment already has an outcome: it cannot be moved.")
    _check_within_order(order, starts_at)
    new = Appointment.objects.create(
        order=order,
        requirement=current.requirement,
        starts_at=starts_at,
        purpose=current.purpose,
        location=current.location,
        created_by=by,
    )
    current.outcome = AppointmentOutcome.RESCHEDULED
    current.outcome_notes = reason
    current.outcome_recorded_at, current.outcome_recorded_by = timezone.now(), by
    current.rescheduled_to = new
    save_if_current(current, expected_version=expected_version)
    _order_history(
        order,
        by=by,
        summary=f"Appointment rescheduled to {timezone.localtime(starts_at):%d/%m/%Y %H:%M}",
        obj=current,
        request=request,
    )
    return new


@transaction.atomic
def appointment_record_outcome(
    *,
    appointment: Appointment,
    outcome: str,
    expected_version: int,
    excuse: str = "",
    evidence: str = "",
    notes: str = "",
    by,
    request=None,
) -> Failure | None:
    """Code what happened at an appointment that has taken place.

    An unacceptable failure (unacceptable absence, or attended but failed to comply) opens
    a Failure with its enforcement deadline, which is returned. A second person recording
    the same appointment at the same time is refused (StaleEditError).
    """
    current = Appointment.objects.select_for_update().select_related("order").get(pk=appointment.pk)
    if current.version != expected_version or current.outcome:
        raise StaleEditError()
    _check_active(current.order)
    if outcome == AppointmentOutcome.RESCHEDULED:
        raise ValidationError({"outcome": "Use 'Reschedule' to move an appointment"})
    if current.starts_at > timezone.now() and outcome != AppointmentOutcome.WITHDRAWN:
        raise ValidationError(
            {"outcome": "This appointment has not happened yet: record its outcome afterwards"}
        )
    if outcome == AppointmentOutcome.ACCEPTABLE_ABSENCE and not excuse.strip():
        raise ValidationError({"excuse": "Enter the person's excuse for the absence"})
    if outcome == AppointmentOutcome.ACCEPTABLE_ABSENCE and not evidence.strip():
        raise ValidationError({"evidence": "Enter the evidence that supports the excuse"})
    current.outcome, current.excuse, current.evidence = outcome, excuse, evidence
    current.outcome_notes = notes
    current.outcome_recorded_at, current.outcome_recorded_by = timezone.now(), by
    save_if_current(current, expected_version=expected_version)
    failure = None
    if outcome in AppointmentOutcome.unacceptable_failures():
        failure_date = timezone.localtime(current.starts_at).date()
        failure = Failure.objects.create(
            order=current.order,
            appointment=current,
            failure_date=failure_date,
            description=_failure_description(current, outcome, notes),
            deadline=enforcement.enforcement_deadline(failure_date),
            recorded_by=by,
        )
    _order_history(
        current.order,
        by=by,
        summary=f"Appointment outcome: {AppointmentOutcome(outcome).label}",
        obj=current,
        request=request,
    )
    return failure


def _failure_description(appointment, outcome, notes):
    when = timezone.localtime(appointment.starts_at)
    what = (
        "did not attend"
        if outcome == AppointmentOutcome.UNACCEPTABLE_ABSENCE
        else "attended but did not comply with the requirements of"
    )
    text = f"You {what} your {appointment.purpose} appointment on {when:%d/%m/%Y} at {when:%H:%M}"
    return f"{text}. {notes}".strip() if notes else f"{text}."


# Enforcement ---------------------------------------------------------------------------


def allowed_actions(failure: Failure) -> list[str]:
    """The enforcement actions the rule allows for this failure (DOMAIN.md section 3)."""
    warning_dates = (
        Warning.objects.filter(order_id=failure.order_id)
        .exclude(failure=failure)
        .values_list("given_on", flat=True)
    )
    rule = enforcement.required_action(failure.failure_date, list(warning_dates))
    if rule == enforcement.BREACH:
        return [EnforcementAction.BREACH]
    return [EnforcementAction.WARNING, EnforcementAction.BREACH]


def warning_letter_text(*, failure: Failure, given_on: datetime.date, officer) -> str:
    """The warning letter: the failure, that it is unacceptable, and the 12-month consequence."""
    person = failure.order.person
    until = given_on + relativedelta(months=12)
    return (
        f"Dear {person.full_name},\n\n"
        f"Formal warning: {failure.order.get_order_type_display().lower()} made on "
        f"{failure.order.made_on:%d/%m/%Y}.\n\n"
        f"{failure.description}\n\n"
        "I consider this a failure to comply with your order, and that you did not have an "
        "acceptable reason. It is unacceptable.\n\n"
        "This is a formal warning. If you fail again without an acceptable reason within "
        f"12 months of this warning (that is, on or before {until:%d/%m/%Y}), you will be "
        "liable to be brought back before the court, which may add to your order or "
        "revoke it and sentence you again for the original offence.\n\n"
        f"Given on {given_on:%d/%m/%Y} by {officer.display_name}, responsible officer."
    )


@transaction.atomic
def failure_take_action(
    *,
    failure: Failure,
    action: str,
    action_on: datetime.date | None = None,
    details: str = "",
    by,
    request=None,
) -> Warning | BreachReferral:
    """Give a warning or refer for breach, as the enforcement rule allows.

    A warning where the rule requires breach is refused. Side effects: the Warning (with
    its letter text) or BreachReferral, history, audit entry.
    """
    order = _lock_order(failure.order)
    current = Failure.objects.select_for_update().get(pk=failure.pk)
    if current.action:
        raise ValidationError("Enforcement action has already been recorded for this failure.")
    action_on = action_on or timezone.localdate()
    if action_on < current.failure_date or action_on > timezone.localdate():
        raise ValidationError({"action_on": "The date must be between the failure and today"})
    if action not in allowed_actions(current):
        raise ValidationError(
            {
                "action": (
                    "A warning cannot be given: the person already had a warning on this "
                    "order in the 12 months before this failure, so you must refer for breach"
                )
            },
            code="breach_required",
        )
    current.action, current.action_on, current.action_by = action, action_on, by
    current.save(update_fields=["action", "action_on", "action_by", "updated_at"])
    if action == EnforcementAction.WARNING:
        record = Warning.objects.create(
            order=order,
            failure=current,
            given_on=action_on,
            letter_text=warning_letter_text(failure=current, given_on=action_on, officer=by),
            given_by=by,
        )
    else:
        record = BreachReferral.objects.create(
            order=order,
            failure=current,
            referred_on=action_on,
            details=details or current.description,
            referred_by=by,
        )
    _bump(order)
    _order_history(
        order,
        by=by,
        summary=f"Enforcement: {EnforcementAction(action).label.lower()}",
        obj=record,
        action=AuditAction.CREATE,
        request=request,
    )
    return record


@transaction.atomic
def breach_record_outcome(
    *,
    breach: BreachReferral,
    outcome: str,
    outcome_on: datetime.date,
    notes: str = "",
    extension_months: int = 0,
    added_requirement: dict | None = None,
    by,
    request=None,
) -> BreachReferral:
    """Record what the court did on breach: continue, add requirements, extend (once, up to
    6 months), or revoke and resentence (which ends the order)."""
    order = _lock_order(breach.order)
    current = BreachReferral.objects.select_for_update().get(pk=breach.pk)
    if current.outcome != BreachOutcome.PENDING:
        raise ValidationError("The outcome of this breach has already been recorded.")
    if outcome == BreachOutcome.PENDING:
        raise ValidationError({"outcome": "Select what the court decided"})
    if outcome_on < current.referred_on or outcome_on > timezone.localdate():
        raise ValidationError(
            {"outcome_on": "The date must be between the breach referral and today"}
        )
    _check_active(order)
    if outcome == BreachOutcome.EXTENDED:
        _extend(order, extension_months)
    elif outcome == BreachOutcome.REQUIREMENTS_ADDED:
        if not added_requirement or not added_requirement.get("kind"):
            raise ValidationError({"kind": "Select the requirement the court added"})
        _requirement_add(
            order, added_requirement, added_on_breach=True, start=max(outcome_on, order.start_date)
        )
    current.outcome, current.outcome_on, current.outcome_notes = outcome, outcome_on, notes
    current.extension_months = extension_months if outcome == BreachOutcome.EXTENDED else 0
    current.save()
    if outcome == BreachOutcome.REVOKED_RESENTENCED:
        order.status, order.terminated_on = OrderStatus.TERMINATED, outcome_on
        order.termination_reason = TerminationReason.REVOKED_BREACH
        order.termination_notes = notes
    save_if_current(order, expected_version=order.version)
    _order_history(
        order,
        by=by,
        summary=f"Breach outcome: {BreachOutcome(outcome).label}",
        obj=current,
        request=request,
    )
    return current


def _extend(order: Order, months: int):
    if order.extended_months:
        raise ValidationError(
            {"extension_months": "This order has already been extended once: it cannot be again"}
        )
    if not 1 <= (months or 0) <= MAX_EXTENSION_MONTHS:
        raise ValidationError(
            {"extension_months": f"An extension is between 1 and {MAX_EXTENSION_MONTHS} months"}
        )
    order.extended_months = months
    order.end_date = order.end_date + relativedelta(months=months)


# DRR -----------------------------------------------------------------------------------


def _drr(order: Order, requirement: OrderRequirement):
    if requirement.order_id != order.pk or requirement.kind != RequirementKind.DRR:
        raise ValidationError({"requirement": "Choose a drug rehabilitation requirement"})


@transaction.atomic
def drug_test_record(*, requirement: OrderRequirement, data: dict, by, request=None) -> DrugTest:
    """Record a drug test result taken under a DRR."""
    order = _lock_order(requirement.order)
    _drr(order, requirement)
    tested_on = data["tested_on"]
    if not requirement.start_date <= tested_on <= min(requirement.end_date, timezone.localdate()):
        raise ValidationError(
            {"tested_on": "The test date must be within the requirement and not in the future"}
        )
    test = DrugTest(order=order, requirement=requirement, recorded_by=by, **data)
    test.full_clean()
    test.save()
    _bump(order)
    _order_history(
        order,
        by=by,
        summary=f"Drug test recorded: {test.get_result_display()}",
        obj=test,
        action=AuditAction.CREATE,
        request=request,
    )
    return test


def review_date_problem(requirement: OrderRequirement, review_date: datetime.date) -> str:
    """Why a DRR review cannot be on `review_date` ("" when it can): within the requirement,
    and at least one calendar month from every other review."""
    if not requirement.start_date <= review_date <= requirement.end_date:
        return (
            f"A review must fall within the requirement, from {requirement.start_date:%d/%m/%Y} "
            f"to {requirement.end_date:%d/%m/%Y}"
        )
    for other in requirement.reviews.values_list("review_date", flat=True):
        earlier, later = sorted([other, review_date])
        if later < earlier + relativedelta(months=1):
            return (
                "Reviews must be at least one month apart: there is already a review on "
                f"{other:%d/%m/%Y}, so the earliest next review is "
                f"{other + relativedelta(months=1):%d/%m/%Y}"
            )
    return ""


@transaction.atomic
def review_schedule(
    *, requirement: OrderRequirement, review_date: datetime.date, by, request=None
) -> ReviewHearing:
    """Book a DRR court review at least one month from any other review."""
    order = _lock_order(requirement.order)
    _check_active(order)
    _drr(order, requirement)
    problem = review_date_problem(requirement, review_date)
    if problem:
        raise ValidationError({"review_date": problem})
    review = ReviewHearing.objects.create(
        order=order, requirement=requirement, review_date=review_date, scheduled_by=by
    )
    _bump(order)
    _order_history(
        order,
        by=by,
        summary=f"DRR review booked for {review_date:%d/%m/%Y}",
        obj=review,
        action=AuditAction.CREATE,
        request=request,
    )
    return review


@transaction.atomic
def review_submit_report(*, review: ReviewHearing, report: str, by, request=None) -> ReviewHearing:
    """Save the written progress report (tests, provider's view) that goes before the review."""
    order = _lock_order(review.order)
    if not report.strip():
        raise ValidationError({"progress_report": "Enter the progress report"})
    review = ReviewHearing.objects.select_for_update().get(pk=review.pk)
    review.progress_report = report
    review.report_submitted_on = timezone.localdate()
    review.save(update_fields=["progress_report", "report_submitted_on", "updated_at"])
    _bump(order)
    _order_history(
        order, by=by, summary="DRR progress report submitted", obj=review, request=request
    )
    return review


# Outcome measures, completion and reoffending ------------------------------------------


@transaction.atomic
def outcome_measure_record(
    *,
    order: Order,
    stage: str,
    code: str,
    answers: list,
    measured_on: datetime.date,
    by,
    request=None,
) -> OutcomeMeasure:
    """Repeat an instrument at the start, middle or end of the order (scored by the
    assessments app; never scored while any answer is missing)."""
    from assessments import services as assessment_services

    order = _lock_order(order)
    if stage not in MeasureStage.values:
        raise ValidationError({"stage": "Select start, middle or end"})
    if OutcomeMeasure.objects.filter(order=order, instrument_code=code, stage=stage).exists():
        raise ValidationError(
            {"stage": f"{code} has already been recorded at the {stage} of this order"}
        )
    if not order.start_date <= measured_on <= timezone.localdate():
        raise ValidationError(
            {"measured_on": "The date must be on or after the order's start and not in the future"}
        )
    if any(answer is None for answer in answers):
        raise ValidationError("Answer every question: an outcome measure is only kept complete.")
    response = assessment_services.instrument_save(
        code=code, answers=answers, person=order.person, by=by, request=request
    )
    measure = OutcomeMeasure.objects.create(
        order=order,
        stage=stage,
        instrument_code=code,
        response=response,
        measured_on=measured_on,
        recorded_by=by,
    )
    _bump(order)
    _order_history(
        order,
        by=by,
        summary=f"Outcome measure {code} ({stage}): {response.total}",
        obj=measure,
        action=AuditAction.CREATE,
        request=request,
    )
    return measure


@transaction.atomic
def order_terminate(
    *,
    order: Order,
    reason: str,
    terminated_on: datetime.date,
    notes: str = "",
    expected_version: int,
    by,
    request=None,
) -> Order:
    """End an order with a coded reason. Open appointments after the end are withdrawn."""
    order = _lock_order(order, expected_version)
    _check_active(order)
    if reason not in TerminationReason.values:
        raise ValidationError({"reason": "Select why the order ended"})
    if reason == TerminationReason.OTHER and not notes.strip():
        raise ValidationError({"notes": "Describe why the order ended"})
    if not order.start_date <= terminated_on <= timezone.localdate():
        raise ValidationError(
            {"terminated_on": "The end date must be within the order and not in the future"}
        )
    order.status, order.termination_reason = OrderStatus.TERMINATED, reason
    order.terminated_on, order.termination_notes = terminated_on, notes
    save_if_current(order, expected_version=expected_version)
    withdrawn = (
        Appointment.objects.filter(order=order, outcome="")
        .filter(starts_at__date__gt=terminated_on)
        .update(
            outcome=AppointmentOutcome.WITHDRAWN,
            outcome_notes="Order ended",
            outcome_recorded_at=timezone.now(),
            outcome_recorded_by=by,
        )
    )
    _order_history(
        order,
        by=by,
        summary=f"Order ended: {TerminationReason(reason).label} ({withdrawn} appointment(s) "
        "withdrawn)",
        action=AuditAction.TRANSITION,
        request=request,
    )
    return order


@transaction.atomic
def reoffending_record(
    *, order: Order, kind: str, occurred_on: datetime.date, notes: str = "", by, request=None
) -> ReoffendingEvent:
    """Record a re-arrest or reconviction after the referral."""
    order = _lock_order(order)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date cannot be in the future"})
    if occurred_on < timezone.localtime(order.referral.received_at).date():
        raise ValidationError({"occurred_on": "The date must be after the referral"})
    event = ReoffendingEvent(
        order=order,
        person_id=order.person_id,
        kind=kind,
        occurred_on=occurred_on,
        notes=notes,
        recorded_by=by,
    )
    event.full_clean()
    event.save()
    _bump(order)
    _order_history(
        order,
        by=by,
        summary=f"{event.get_kind_display()} recorded",
        obj=event,
        action=AuditAction.CREATE,
        request=request,
    )
    return event


@transaction.atomic
def reoffending_check_complete(
    *, order: Order, checked_on: datetime.date, by, request=None
) -> Order:
    """Record that the 12-month reoffending check was done (events are recorded separately)."""
    order = _lock_order(order)
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "The date cannot be in the future"})
    order.reoffending_checked_on = checked_on
    save_if_current(order, expected_version=order.version)
    _order_history(order, by=by, summary="12-month reoffending check done", request=request)
    return order
