"""The services of a made order: appointments and their outcomes, enforcement (warning, then
breach) and breach outcomes, DRR reviews and drug tests, outcome measures, termination and
the reoffending check.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from core.concurrency import StaleEditError
from treatment_requirements import services
from treatment_requirements.enums import (
    AppointmentOutcome,
    BreachOutcome,
    EnforcementAction,
    OrderStatus,
    TerminationReason,
)
from treatment_requirements.models import (
    Appointment,
    BreachReferral,
    Failure,
    FormalWarning,
    OrderEvent,
)

from .factories import (
    AppointmentFactory,
    FailureFactory,
    FormalWarningFactory,
    OrderFactory,
    OrderRequirementFactory,
    days,
)

pytestmark = pytest.mark.django_db


def _ago(n_days, hour=10):
    return timezone.make_aware(datetime.datetime.combine(days(-n_days), datetime.time(hour, 0)))


# Appointments ----------------------------------------------------------------------------


def test_appointment_schedule_fortnightly_series(order, officer):
    first = timezone.now() + datetime.timedelta(days=1)
    booked = services.appointment_schedule(
        order=order,
        starts_at=first,
        purpose="Therapy",
        recurrence="fortnightly",
        count=3,
        accept_warnings=True,
        by=officer,
    )
    assert [a.starts_at - first for a in booked] == [
        datetime.timedelta(0),
        datetime.timedelta(weeks=2),
        datetime.timedelta(weeks=4),
    ]


def test_appointment_schedule_refuses_a_series_running_past_the_order(order, officer):
    near_end = timezone.make_aware(
        datetime.datetime.combine(order.end_date - datetime.timedelta(days=7), datetime.time(10))
    )
    with pytest.raises(ValidationError) as exc:
        services.appointment_schedule(
            order=order,
            starts_at=near_end,
            purpose="Therapy",
            recurrence="weekly",
            count=3,
            by=officer,
        )
    assert "outside it" in exc.value.message_dict["starts_at"][0]
    assert Appointment.objects.filter(order=order).count() == 0


def test_appointment_schedule_refuses_before_the_order_starts(order, officer):
    before = timezone.make_aware(
        datetime.datetime.combine(order.start_date - datetime.timedelta(days=1), datetime.time(10))
    )
    with pytest.raises(ValidationError):
        services.appointment_schedule(order=order, starts_at=before, purpose="x", by=officer)


@pytest.mark.parametrize(
    "outcome",
    [
        AppointmentOutcome.ATTENDED_COMPLIED,
        AppointmentOutcome.WITHDRAWN,
    ],
)
def test_appointment_outcome_without_failure(order, officer, outcome):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    failure = services.appointment_record_outcome(
        appointment=appointment, outcome=outcome, expected_version=1, by=officer
    )
    appointment.refresh_from_db()
    assert failure is None
    assert appointment.outcome == outcome
    assert appointment.outcome_recorded_by == officer


@pytest.mark.parametrize(
    "outcome", [AppointmentOutcome.UNACCEPTABLE_ABSENCE, AppointmentOutcome.ATTENDED_FAILED]
)
def test_appointment_unacceptable_failure_opens_enforcement_with_deadline(order, officer, outcome):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    failure = services.appointment_record_outcome(
        appointment=appointment,
        outcome=outcome,
        notes="Asked to leave after shouting at staff.",
        expected_version=1,
        by=officer,
    )
    from treatment_requirements.enforcement import enforcement_deadline

    assert failure.failure_date == days(-1)
    assert failure.deadline == enforcement_deadline(days(-1), 10)
    assert failure.is_open


def test_appointment_acceptable_absence_needs_excuse_and_evidence(order, officer):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    with pytest.raises(ValidationError) as exc:
        services.appointment_record_outcome(
            appointment=appointment,
            outcome=AppointmentOutcome.ACCEPTABLE_ABSENCE,
            excuse="In hospital",
            expected_version=1,
            by=officer,
        )
    assert "evidence" in exc.value.message_dict
    services.appointment_record_outcome(
        appointment=appointment,
        outcome=AppointmentOutcome.ACCEPTABLE_ABSENCE,
        excuse="In hospital",
        evidence="Discharge letter seen",
        expected_version=1,
        by=officer,
    )
    assert Failure.objects.count() == 0


def test_appointment_outcome_refused_for_a_future_appointment(order, officer):
    appointment = AppointmentFactory(
        order=order, starts_at=timezone.now() + datetime.timedelta(hours=2)
    )
    with pytest.raises(ValidationError) as exc:
        services.appointment_record_outcome(
            appointment=appointment, outcome="attended_complied", expected_version=1, by=officer
        )
    assert "has not happened yet" in exc.value.message_dict["outcome"][0]
    appointment.refresh_from_db()
    assert appointment.outcome == ""


def test_appointment_outcome_second_recorder_is_refused(order, officer, clinician):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    services.appointment_record_outcome(
        appointment=appointment, outcome="attended_complied", expected_version=1, by=clinician
    )
    with pytest.raises(StaleEditError):
        services.appointment_record_outcome(
            appointment=appointment, outcome="unacceptable_absence", expected_version=1, by=officer
        )
    appointment.refresh_from_db()
    assert appointment.outcome == "attended_complied"
    assert Failure.objects.count() == 0


def test_appointment_reschedule_links_the_new_appointment(order, officer):
    appointment = AppointmentFactory(
        order=order, starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    new_time = timezone.now() + datetime.timedelta(days=3)
    new = services.appointment_reschedule(
        appointment=appointment,
        starts_at=new_time,
        reason="Clinic closed",
        expected_version=1,
        accept_warnings=True,
        by=officer,
    )
    appointment.refresh_from_db()
    assert appointment.outcome == AppointmentOutcome.RESCHEDULED
    assert appointment.rescheduled_to == new
    assert new.starts_at == new_time


# Enforcement -----------------------------------------------------------------------------


def test_enforcement_first_failure_warning_then_second_failure_must_be_breach(order, officer):
    first = AppointmentFactory(order=order, starts_at=_ago(20))
    second = AppointmentFactory(order=order, starts_at=_ago(5))
    failure = services.appointment_record_outcome(
        appointment=first, outcome="unacceptable_absence", expected_version=1, by=officer
    )
    assert services.allowed_actions(failure) == ["warning", "breach"]
    warning = services.failure_take_action(
        failure=failure, action=EnforcementAction.WARNING, action_on=days(-19), by=officer
    )
    assert "unacceptable" in warning.letter_text
    assert "within 12 months" in warning.letter_text
    assert "brought back before the court" in warning.letter_text
    assert "did not attend your Talking therapy session appointment" in warning.letter_text

    failure2 = services.appointment_record_outcome(
        appointment=second, outcome="unacceptable_absence", expected_version=1, by=officer
    )
    assert services.allowed_actions(failure2) == ["breach"]
    with pytest.raises(ValidationError) as exc:
        services.failure_take_action(failure=failure2, action="warning", by=officer)
    assert "must refer for breach" in exc.value.message_dict["action"][0]
    assert FormalWarning.objects.count() == 1
    failure2.refresh_from_db()
    assert failure2.action == ""

    breach = services.failure_take_action(failure=failure2, action="breach", by=officer)
    assert isinstance(breach, BreachReferral)
    assert breach.outcome == BreachOutcome.PENDING
    assert OrderEvent.objects.filter(order=order, summary__startswith="Enforcement").count() == 2
    assert AuditEvent.objects.filter(
        person_id=order.person_id, object_type__contains="warning"
    ).exists()


def test_enforcement_warning_on_another_order_is_ignored(order, officer):
    other_order = OrderFactory(responsible_officer=officer)
    FormalWarningFactory(
        failure__order=other_order, given_on=days(-10), failure__failure_date=days(-10)
    )
    failure = FailureFactory(order=order, failure_date=days(-1))
    assert services.allowed_actions(failure) == ["warning", "breach"]


def test_enforcement_action_twice_is_refused(order, officer):
    failure = FailureFactory(order=order)
    services.failure_take_action(failure=failure, action="breach", by=officer)
    with pytest.raises(ValidationError, match="already been recorded"):
        services.failure_take_action(failure=failure, action="breach", by=officer)


def test_breach_outcome_extension_once_up_to_six_months(order, officer):
    end = order.end_date
    breach = services.failure_take_action(
        failure=FailureFactory(order=order), action="breach", by=officer
    )
    with pytest.raises(ValidationError):
        services.breach_record_outcome(
            breach=breach, outcome="extended", outcome_on=days(0), extension_months=7, by=officer
        )
    services.breach_record_outcome(
        breach=breach, outcome="extended", outcome_on=days(0), extension_months=6, by=officer
    )
    order.refresh_from_db()
    assert order.end_date == end + relativedelta(months=6)
    second = services.failure_take_action(
        failure=FailureFactory(order=order), action="breach", by=officer
    )
    with pytest.raises(ValidationError, match="already been extended once"):
        services.breach_record_outcome(
            breach=second, outcome="extended", outcome_on=days(0), extension_months=1, by=officer
        )


def test_breach_outcome_revoked_ends_the_order(order, officer):
    breach = services.failure_take_action(
        failure=FailureFactory(order=order), action="breach", by=officer
    )
    services.breach_record_outcome(
        breach=breach, outcome="revoked_resentenced", outcome_on=days(0), by=officer
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.TERMINATED
    assert order.termination_reason == TerminationReason.REVOKED_BREACH


def test_breach_outcome_requirements_added(order, officer, provider_team):
    breach = services.failure_take_action(
        failure=FailureFactory(order=order), action="breach", by=officer
    )
    services.breach_record_outcome(
        breach=breach,
        outcome="requirements_added",
        outcome_on=days(0),
        added_requirement={
            "kind": "drr",
            "provider": provider_team,
            "length_months": 3,
            "willing_on": days(0),
        },
        by=officer,
    )
    added = order.requirements.get(kind="drr")
    assert added.added_on_breach
    assert added.start_date == days(0)


# DRR -------------------------------------------------------------------------------------


def test_drr_review_less_than_a_month_after_the_previous_is_refused(order, officer):
    drr = OrderRequirementFactory(
        order=order, kind="drr", length_months=12, end_date=order.end_date
    )
    first = days(10)
    services.review_schedule(requirement=drr, review_date=first, by=officer)
    with pytest.raises(ValidationError) as exc:
        services.review_schedule(
            requirement=drr,
            review_date=first + relativedelta(months=1) - datetime.timedelta(days=1),
            by=officer,
        )
    assert "at least one month apart" in exc.value.message_dict["review_date"][0]
    services.review_schedule(
        requirement=drr, review_date=first + relativedelta(months=1), by=officer
    )
    assert drr.reviews.count() == 2


def test_drr_review_before_an_existing_review_must_also_be_a_month_apart(order, officer):
    drr = OrderRequirementFactory(order=order, kind="drr", end_date=order.end_date)
    services.review_schedule(requirement=drr, review_date=days(60), by=officer)
    with pytest.raises(ValidationError):
        services.review_schedule(requirement=drr, review_date=days(45), by=officer)


def test_drr_reviews_are_required_over_12_months():
    from treatment_requirements.models import OrderRequirement

    assert OrderRequirement(kind="drr", length_months=13).needs_reviews
    assert not OrderRequirement(kind="drr", length_months=12).needs_reviews
    assert not OrderRequirement(kind="atr", length_months=24).needs_reviews


def test_drr_progress_report_saved(order, officer):
    drr = OrderRequirementFactory(order=order, kind="drr", end_date=order.end_date)
    review = services.review_schedule(requirement=drr, review_date=days(10), by=officer)
    services.review_submit_report(review=review, report="Two negative tests.", by=officer)
    review.refresh_from_db()
    assert review.report_submitted_on == days(0)


def test_drug_test_refused_on_a_non_drr_requirement(order, officer):
    atr = order.requirements.get(kind="atr")
    with pytest.raises(ValidationError):
        services.drug_test_record(
            requirement=atr,
            data={"tested_on": days(-1), "substances": "opiates", "result": "negative"},
            by=officer,
        )


# Outcome measures, termination, reoffending ---------------------------------------------


def test_outcome_measure_change_from_start_to_end(order, clinician):
    from treatment_requirements.selectors import outcome_measure_changes

    start = [2, 2, 2, 2, 2, 2, 2, 2, 1]  # 17
    end = [1, 1, 1, 1, 1, 1, 1, 1, 0]  # 8
    services.outcome_measure_record(
        order=order,
        stage="start",
        code="PHQ-9",
        answers=start,
        measured_on=days(-50),
        by=clinician,
    )
    services.outcome_measure_record(
        order=order, stage="end", code="PHQ-9", answers=end, measured_on=days(-1), by=clinician
    )
    [change] = outcome_measure_changes(order)
    assert (change.code, change.first, change.last, change.change) == ("PHQ-9", 17, 8, -9)
    assert change.is_response


def test_outcome_measure_same_stage_twice_is_refused(order, clinician):
    answers = [0] * 9
    services.outcome_measure_record(
        order=order,
        stage="start",
        code="PHQ-9",
        answers=answers,
        measured_on=days(-1),
        by=clinician,
    )
    with pytest.raises(ValidationError):
        services.outcome_measure_record(
            order=order,
            stage="start",
            code="PHQ-9",
            answers=answers,
            measured_on=days(-1),
            by=clinician,
        )


def test_outcome_measure_partly_answered_is_refused(order, clinician):
    with pytest.raises(ValidationError):
        services.outcome_measure_record(
            order=order,
            stage="start",
            code="PHQ-9",
            answers=[1] * 8 + [None],
            measured_on=days(-1),
            by=clinician,
        )


def test_order_terminate_withdraws_later_appointments(order, officer):
    later = AppointmentFactory(order=order, starts_at=timezone.now() + datetime.timedelta(days=5))
    services.order_terminate(
        order=order,
        reason="revoked_good_progress",
        terminated_on=days(0),
        expected_version=order.version,
        by=officer,
    )
    order.refresh_from_db()
    later.refresh_from_db()
    assert order.status == OrderStatus.TERMINATED
    assert later.outcome == AppointmentOutcome.WITHDRAWN
    with pytest.raises(ValidationError, match="has ended"):
        services.appointment_schedule(
            order=order, starts_at=timezone.now(), purpose="x", by=officer
        )


def test_order_terminate_other_needs_notes_and_stale_version_refused(order, officer):
    with pytest.raises(ValidationError):
        services.order_terminate(
            order=order,
            reason="other",
            terminated_on=days(0),
            expected_version=order.version,
            by=officer,
        )
    with pytest.raises(StaleEditError):
        services.order_terminate(
            order=order,
            reason="died",
            terminated_on=days(0),
            expected_version=order.version + 1,
            by=officer,
        )


def test_reoffending_check_due_12_months_after_referral(order, officer):
    referral = order.referral
    received = timezone.localtime(referral.received_at).date()
    assert referral.reoffending_check_due_on == received + relativedelta(months=12)
    event = services.reoffending_record(
        referral=referral, kind="rearrest", occurred_on=days(0), by=officer
    )
    assert event.person_id == order.person_id
    with pytest.raises(ValidationError):
        services.reoffending_record(
            referral=referral, kind="reconviction", occurred_on=days(1), by=officer
        )
