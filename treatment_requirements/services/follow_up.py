"""DRR drug tests and reviews, outcome measures, ending the order and reoffending."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.enums import AuditAction
from core.concurrency import save_if_current

from ..enums import (
    AppointmentOutcome,
    MeasureStage,
    OrderStatus,
    RequirementKind,
    TerminationReason,
)
from ..models import (
    Appointment,
    DrugTest,
    Order,
    OrderRequirement,
    OutcomeMeasure,
    ReoffendingEvent,
    ReviewHearing,
    reoffending_check_due,
)
from ._common import (
    _bump,
    _check_active,
    _lock_order,
    _order_history,
)


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


@transaction.atomic
def outcome_measure_record(
    *,
    order: Order,
    stage: str,
    code: str,
    answers: list,
    measured_on: datetime.date,
    by,
    difficulty: int | None = None,
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
        code=code,
        answers=answers,
        difficulty=difficulty,
        person=order.person,
        by=by,
        request=request,
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


def reoffending_due_follows_referral(sender, referral, **kwargs):
    """A corrected referral time moves its orders' reoffending check (stored on the order)."""
    due = reoffending_check_due(referral.received_at)
    Order.objects.filter(referral=referral).exclude(reoffending_check_due_on=due).update(
        reoffending_check_due_on=due
    )
