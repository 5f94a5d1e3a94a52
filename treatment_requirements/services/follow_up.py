"""DRR drug tests and reviews, outcome measures, ending the order and reoffending."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.enums import AuditAction
from core.concurrency import save_if_current
from referrals.models import Referral

from ..enums import (
    AppointmentOutcome,
    BreachOutcome,
    DrugTestResult,
    MeasureStage,
    OrderStatus,
    RequirementKind,
    TerminationReason,
)
from ..models import (
    Appointment,
    BreachReferral,
    DrugTest,
    Order,
    OrderEvent,
    OrderRequirement,
    OutcomeMeasure,
    ReoffendingEvent,
    ReviewHearing,
)
from ..signals import ORDER_ENDED, appointments_changed
from .compliance import failure_open
from .order_change import order_change


def _drr(order: Order, requirement: OrderRequirement):
    if requirement.order_id != order.pk or requirement.kind != RequirementKind.DRR:
        raise ValidationError({"requirement": "Choose a drug rehabilitation requirement"})


def drug_test_record(*, requirement: OrderRequirement, data: dict, by, request=None) -> DrugTest:
    """Record a drug test result taken under a DRR.

    A refused or tampered test is a failure to comply: `data["excuse_accepted"]` says
    whether the officer accepts the person's excuse (True, with the excuse and the evidence)
    or not (False). An unacceptable one opens a Failure with its enforcement deadline, as a
    missed appointment does. Side effects (as every order change, `order_change`): the
    order's version, history, audit entry.
    """
    with order_change(requirement.order, by=by, request=request) as change:
        order = change.order
        _drr(order, requirement)
        tested_on = data["tested_on"]
        latest = min(requirement.end_date, timezone.localdate())
        if not requirement.start_date <= tested_on <= latest:
            raise ValidationError(
                {"tested_on": "The test date must be within the requirement and not in the future"}
            )
        data = _drug_test_judgement(data)
        test = DrugTest(order=order, requirement=requirement, recorded_by=by, **data)
        test.full_clean()
        test.save()
        summary = f"Drug test recorded: {test.get_result_display()}"
        if test.excuse_accepted is not None:
            summary += " (acceptable)" if test.excuse_accepted else " (unacceptable)"
        if test.excuse_accepted is False:
            failure_open(
                order=order,
                drug_test=test,
                failure_date=tested_on,
                description=_drug_test_failure_description(test),
                by=by,
            )
        change.describe(summary, obj=test, action=AuditAction.CREATE)
    return test


def _drug_test_judgement(data: dict) -> dict:
    """Check the acceptable/unacceptable judgement a refused or tampered test needs; other
    results carry none."""
    data = {"excuse_accepted": None, "excuse": "", "evidence": "", **data}
    if data.get("result") not in DrugTestResult.failures():
        return {**data, "excuse_accepted": None, "excuse": "", "evidence": ""}
    if data["excuse_accepted"] is None:
        raise ValidationError(
            {"excuse_accepted": "Select whether the person had an acceptable reason"}
        )
    if data["excuse_accepted"] and not data["excuse"].strip():
        raise ValidationError({"excuse": "Enter the person's excuse"})
    if data["excuse_accepted"] and not data["evidence"].strip():
        raise ValidationError({"evidence": "Enter the evidence that supports the excuse"})
    return data


def _drug_test_failure_description(test: DrugTest) -> str:
    what = (
        "refused to give a sample for"
        if test.result == DrugTestResult.REFUSED
        else "tampered with or substituted the sample you gave for"
    )
    return (
        f"You {what} a drug test under your drug rehabilitation requirement on "
        f"{test.tested_on:%d/%m/%Y} (testing for {test.substances})."
    )


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


def review_schedule(
    *, requirement: OrderRequirement, review_date: datetime.date, by, request=None
) -> ReviewHearing:
    """Book a DRR court review at least one month from any other review. Side effects
    (`order_change`): the order's version, history, audit entry."""
    with order_change(requirement.order, by=by, request=request) as change:
        order = change.order
        _drr(order, requirement)
        problem = review_date_problem(requirement, review_date)
        if problem:
            raise ValidationError({"review_date": problem})
        review = ReviewHearing.objects.create(
            order=order, requirement=requirement, review_date=review_date, scheduled_by=by
        )
        change.describe(
            f"DRR review booked for {review_date:%d/%m/%Y}", obj=review, action=AuditAction.CREATE
        )
    return review


def review_submit_report(*, review: ReviewHearing, report: str, by, request=None) -> ReviewHearing:
    """Save the written progress report (tests, provider's view) that goes before the review.
    Side effects (`order_change`): the order's version, history, audit entry."""
    with order_change(review.order, by=by, request=request) as change:
        if not report.strip():
            raise ValidationError({"progress_report": "Enter the progress report"})
        review = ReviewHearing.objects.select_for_update().get(pk=review.pk)
        review.progress_report = report
        review.report_submitted_on = timezone.localdate()
        review.save(update_fields=["progress_report", "report_submitted_on", "updated_at"])
        change.describe("DRR progress report submitted", obj=review)
    return review


def review_report_problem(review: ReviewHearing) -> str:
    """Why the review has no written progress report that went to the court before it
    ("" when it has one, submitted on or before the review date)."""
    if review.report_before_hearing:
        return ""
    if review.progress_report.strip() and review.report_submitted_on:
        return (
            f"The progress report was submitted on {review.report_submitted_on:%d/%m/%Y}, "
            f"after the review on {review.review_date:%d/%m/%Y}: enter why no report went to "
            "the court before the review"
        )
    return (
        "No written progress report went to the court before this review: enter why there was none"
    )


def review_record_held(
    *, review: ReviewHearing, no_report_reason: str = "", by, request=None
) -> ReviewHearing:
    """Record that a DRR review hearing was held on its date.

    A review is held on the written progress report the court had before it (docs/domain.md
    "Treatment requirements and their criteria"): without one submitted on or before the
    review date, the officer must say why there was none (stored on the review). Side
    effects (`order_change`): the order's version, history, audit entry.
    """
    with order_change(review.order, by=by, request=request) as change:
        review = ReviewHearing.objects.select_for_update().get(pk=review.pk)
        if review.held_on:
            raise ValidationError("This review has already been recorded as held.")
        if review.review_date > timezone.localdate():
            raise ValidationError(
                f"The review is on {review.review_date:%d/%m/%Y}: record it as held on or "
                "after that date"
            )
        problem = review_report_problem(review)
        reason = no_report_reason.strip()
        if problem and not reason:
            raise ValidationError({"no_report_reason": problem})
        review.held_on, review.held_recorded_by = review.review_date, by
        review.no_report_reason = reason if problem else ""
        review.save(update_fields=["held_on", "held_recorded_by", "no_report_reason", "updated_at"])
        summary = f"DRR review held on {review.held_on:%d/%m/%Y}"
        if problem:
            summary += " without a progress report before it (reason recorded)"
        change.describe(summary, obj=review)
    return review


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
    assessments app; never scored while any answer is missing). Side effects: the
    instrument response (assessments), and as every order change (`order_change`) the
    order's version, history, audit entry."""
    from assessments import services as assessment_services

    with order_change(order, by=by, request=request) as change:
        order = change.order
        _check_outcome_measure(order, stage, code, answers, measured_on)
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
        change.describe(
            f"Outcome measure {code} ({stage}): {response.total}",
            obj=measure,
            action=AuditAction.CREATE,
        )
    return measure


def _check_outcome_measure(order: Order, stage, code, answers, measured_on) -> None:
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


def order_terminate_check(
    *, order: Order, reason: str, terminated_on: datetime.date, notes: str = ""
) -> None:
    """Refuse (ValidationError) an ending the rules do not allow; writes nothing.

    No ending while a breach referral awaits the court's outcome; "Completed" only on or
    after the order's end date (an earlier end is the court revoking it for good progress).
    """
    pending = (
        BreachReferral.objects.filter(order=order, outcome=BreachOutcome.PENDING)
        .order_by("referred_on")
        .first()
    )
    if pending is not None:
        raise ValidationError(
            "This order cannot be ended while a breach referral awaits the court: record the "
            f"outcome of the breach referral made on {pending.referred_on:%d/%m/%Y} first",
            code="breach_pending",
        )
    if reason not in TerminationReason.values:
        raise ValidationError({"reason": "Select why the order ended"})
    if reason == TerminationReason.OTHER and not notes.strip():
        raise ValidationError({"notes": "Describe why the order ended"})
    if not order.start_date <= terminated_on <= timezone.localdate():
        raise ValidationError(
            {"terminated_on": "The end date must be within the order and not in the future"}
        )
    if reason == TerminationReason.COMPLETED and terminated_on < order.end_date:
        raise ValidationError(
            {
                "terminated_on": (
                    f"An order is completed on or after its end date, {order.end_date:%d/%m/%Y}. "
                    "To end it earlier, the court revokes it for good progress: select "
                    "'Revoked for good progress'"
                )
            },
            code="completed_early",
        )


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
    """End an order with a coded reason, as `order_terminate_check` allows. Open
    appointments after the end are withdrawn. Side effects (`order_change`, stale edits
    refused): the order's version, history, audit entry; `appointments_changed`
    ("order_ended") with the withdrawn appointments."""
    with order_change(order, by=by, request=request, expected_version=expected_version) as change:
        order = change.order
        order_terminate_check(order=order, reason=reason, terminated_on=terminated_on, notes=notes)
        order.status, order.termination_reason = OrderStatus.TERMINATED, reason
        order.terminated_on, order.termination_notes = terminated_on, notes
        open_after_end = Appointment.objects.filter(order=order, outcome="").filter(
            starts_at__date__gt=terminated_on
        )
        ended = list(open_after_end.order_by("starts_at", "pk"))
        withdrawn = open_after_end.update(
            outcome=AppointmentOutcome.WITHDRAWN,
            outcome_notes="Order ended",
            outcome_recorded_at=timezone.now(),
            outcome_recorded_by=by,
        )
        appointments_changed.send(
            sender=Appointment,
            change=ORDER_ENDED,
            appointments=ended,
            replaced=None,
            by=by,
            send_to_person=False,
        )
        change.describe(
            f"Order ended: {TerminationReason(reason).label} ({withdrawn} appointment(s) "
            "withdrawn)",
            action=AuditAction.TRANSITION,
        )
    return order


# Reoffending follow-up: every referral, with or without an order (referrals.reoffending).
# Who may record it is decided by the view's loader (selectors.referral_for_follow_up).


def _lock_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _follow_up_history(referral: Referral, *, by, summary, obj, action, request=None):
    """The audit entry, and a history row on each order made from the referral."""
    for order in Order.objects.filter(referral=referral).select_related("recommendation"):
        OrderEvent.objects.create(
            recommendation=order.recommendation, order=order, by=by, summary=summary[:255]
        )
    audit_record(
        action=action,
        user=by,
        obj=obj,
        person_id=referral.person_id,
        detail=summary,
        request=request,
    )


@transaction.atomic
def reoffending_record(
    *,
    referral: Referral,
    kind: str,
    occurred_on: datetime.date,
    notes: str = "",
    by,
    request=None,
) -> ReoffendingEvent:
    """Record a re-arrest or reconviction within the 12 months beginning with the referral.

    Side effects: the event, an audit entry, a history row on each order of the referral.
    """
    referral = _lock_referral(referral)
    first, last = referral.reoffending_window
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "The date cannot be in the future"})
    if not first <= occurred_on <= last:
        raise ValidationError(
            {
                "occurred_on": "The date must be within the 12 months beginning with the "
                f"referral: from {first:%d/%m/%Y} to {last:%d/%m/%Y}"
            }
        )
    if referral.reoffending_events.filter(kind=kind, occurred_on=occurred_on).exists():
        raise ValidationError({"occurred_on": "This is already recorded for this referral"})
    event = ReoffendingEvent(
        referral=referral,
        person_id=referral.person_id,
        kind=kind,
        occurred_on=occurred_on,
        notes=notes,
        recorded_by=by,
    )
    event.full_clean()
    event.save()
    _follow_up_history(
        referral,
        by=by,
        summary=f"{event.get_kind_display()} recorded for referral {referral.reference}",
        obj=event,
        action=AuditAction.CREATE,
        request=request,
    )
    return event


@transaction.atomic
def reoffending_check_complete(
    *, referral: Referral, checked_on: datetime.date, by, request=None
) -> Referral:
    """Record that the 12-month reoffending check of the referral was done, once its window
    has ended (events are recorded separately). Side effects: audit entry, order history.
    """
    referral = _lock_referral(referral)
    if referral.reoffending_checked_on is not None:
        raise ValidationError(
            {
                "checked_on": "The 12-month check was already recorded on "
                f"{referral.reoffending_checked_on:%d/%m/%Y}"
            }
        )
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "The date cannot be in the future"})
    due = referral.reoffending_check_due_on
    if checked_on < due:
        raise ValidationError(
            {
                "checked_on": f"The check can be recorded from {due:%d/%m/%Y}, when the 12 "
                "months beginning with the referral have ended"
            }
        )
    referral.reoffending_checked_on = checked_on
    save_if_current(
        referral, expected_version=referral.version, update_fields=["reoffending_checked_on"]
    )
    _follow_up_history(
        referral,
        by=by,
        summary=f"12-month reoffending check done for referral {referral.reference}",
        obj=referral,
        action=AuditAction.CHANGE,
        request=request,
    )
    return referral
