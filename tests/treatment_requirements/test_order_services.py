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
    HearingOutcome,
    OrderStatus,
    RecommendationStatus,
    RequirementKind,
    TerminationReason,
)
from treatment_requirements.models import (
    Appointment,
    BreachReferral,
    CourtOutcome,
    Failure,
    Order,
    OrderEvent,
    Warning,
)

from .factories import (
    AppointmentFactory,
    CourtFactory,
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProviderTeamFactory,
    RecommendationFactory,
    WarningFactory,
    days,
    propose,
    ready_recommendation,
)

pytestmark = pytest.mark.django_db


def _ago(n_days, hour=10):
    return timezone.make_aware(datetime.datetime.combine(days(-n_days), datetime.time(hour, 0)))


# Recommendation ------------------------------------------------------------------------


def test_recommendation_create_refuses_a_draft_assessment(practitioner):
    from tests.assessments.factories import complete_assessment

    assessment = complete_assessment()
    with pytest.raises(ValidationError, match="Sign the assessment"):
        services.recommendation_create(
            assessment=assessment, requirements=[{"kind": "atr"}], by=practitioner
        )


def test_recommendation_create_makes_one_unanswered_row_per_criterion(practitioner):
    from tests.assessments.factories import signed_assessment

    recommendation = services.recommendation_create(
        assessment=signed_assessment(),
        requirements=[{"kind": "mhtr_secondary"}, {"kind": "drr"}],
        by=practitioner,
    )
    rows = {r.kind: [c.met for c in r.criteria.all()] for r in recommendation.requirements.all()}
    assert rows == {"mhtr_secondary": [None] * 4, "drr": [None] * 4}
    assert OrderEvent.objects.filter(recommendation=recommendation).count() == 1


def test_recommendation_create_refuses_primary_and_secondary_mhtr(practitioner):
    from tests.assessments.factories import signed_assessment

    with pytest.raises(ValidationError, match="not both"):
        services.recommendation_create(
            assessment=signed_assessment(),
            requirements=[{"kind": "mhtr_primary"}, {"kind": "mhtr_secondary"}],
            by=practitioner,
        )


def test_recommendation_gate_lists_each_unmet_criterion_and_missing_consent(practitioner):
    recommendation = RecommendationFactory()
    propose(recommendation, RequirementKind.ATR, all_met=False, consent_given=False)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_mark_ready(
            recommendation=recommendation, expected_version=1, by=practitioner
        )
    assert exc.value.messages == [
        "ATR: The person is dependent on alcohol (not yet confirmed)",
        "ATR: The dependency requires and may be susceptible to treatment (not yet confirmed)",
        "ATR: Arrangements have been made for treatment by a person with the necessary "
        "qualifications or experience (not yet confirmed)",
        "ATR: the person's willingness to comply is not recorded",
    ]
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DRAFT


def test_recommendation_gate_refuses_a_criterion_marked_not_met(practitioner):
    recommendation = RecommendationFactory()
    proposed = propose(recommendation, RequirementKind.DRR)
    row = proposed.criteria.get(code="drug_dependency")
    row.met = False
    row.save()
    problems = services.recommendation_problems(recommendation)
    assert problems == [
        "DRR: The person is dependent on, or has a propensity to misuse, drugs (not met)"
    ]


def test_recommendation_mark_ready_when_every_criterion_met_and_consented(practitioner):
    recommendation = RecommendationFactory()
    propose(recommendation, RequirementKind.MHTR_PRIMARY)
    propose(recommendation, RequirementKind.ATR)
    services.recommendation_mark_ready(
        recommendation=recommendation, expected_version=1, by=practitioner
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.READY
    assert recommendation.ready_by == practitioner


def test_record_criteria_needs_evidence_for_a_met_criterion(practitioner, provider_team):
    recommendation = RecommendationFactory()
    proposed = propose(recommendation, RequirementKind.ATR, all_met=False)
    with pytest.raises(ValidationError) as exc:
        services.recommendation_record_criteria(
            requirement=proposed,
            answers={"alcohol_dependency": (True, "  ")},
            consent_given=True,
            provider=provider_team,
            duration_months=6,
            expected_version=recommendation.version,
            by=practitioner,
        )
    assert "evidence_alcohol_dependency" in exc.value.message_dict


def test_record_criteria_refuses_a_stale_version(practitioner, provider_team):
    recommendation = RecommendationFactory()
    proposed = propose(recommendation, RequirementKind.ATR, all_met=False)
    with pytest.raises(StaleEditError):
        services.recommendation_record_criteria(
            requirement=proposed,
            answers={},
            consent_given=True,
            provider=provider_team,
            duration_months=6,
            expected_version=recommendation.version + 1,
            by=practitioner,
        )


# Court outcome ---------------------------------------------------------------------------


def _order_data(officer, **overrides):
    made = days(-1)
    return {
        "order_type": "community_order",
        "made_on": made,
        "start_date": made,
        "end_date": made + relativedelta(months=12),
        "responsible_officer": officer,
        **overrides,
    }


def _record(recommendation, officer, *, order_data=None, requirements=None, by):
    provider = ProviderTeamFactory()
    return services.court_outcome_record(
        recommendation=recommendation,
        hearing_date=days(-1),
        court=CourtFactory(),
        outcome=HearingOutcome.ORDER_MADE,
        order_data=order_data or _order_data(officer),
        requirements=requirements
        if requirements is not None
        else [
            {"kind": "mhtr_primary", "length_months": 6, "provider": provider},
            {"kind": "atr", "length_months": 12, "provider": provider},
        ],
        by=by,
    )


def test_court_outcome_creates_order_linked_to_recommendation(practitioner, officer):
    recommendation = ready_recommendation()
    outcome = _record(recommendation, officer, by=practitioner)
    order = outcome.order
    assert order.recommendation == recommendation
    assert order.probation_team == officer.team
    assert [(r.kind, r.length_months) for r in order.requirements.all()] == [
        ("mhtr_primary", 6),
        ("atr", 12),
    ]
    mhtr = order.requirements.get(kind="mhtr_primary")
    assert mhtr.proposed.recommendation == recommendation


def test_court_outcome_refuses_order_ending_more_than_3_years_after_made(practitioner, officer):
    recommendation = ready_recommendation()
    made = days(-1)
    data = _order_data(officer, end_date=made + relativedelta(years=3, days=1))
    with pytest.raises(ValidationError) as exc:
        _record(recommendation, officer, order_data=data, by=practitioner)
    assert "no more than 3 years" in exc.value.message_dict["end_date"][0]
    assert CourtOutcome.objects.count() == 0
    assert Order.objects.count() == 0


def test_court_outcome_accepts_order_ending_exactly_3_years_after_made(practitioner, officer):
    recommendation = ready_recommendation()
    made = days(-1)
    data = _order_data(officer, end_date=made + relativedelta(years=3))
    outcome = _record(recommendation, officer, order_data=data, by=practitioner)
    assert outcome.order.end_date == made + relativedelta(years=3)


def test_court_outcome_refuses_a_requirement_longer_than_the_order(practitioner, officer):
    recommendation = ready_recommendation()
    provider = ProviderTeamFactory()
    with pytest.raises(ValidationError) as exc:
        _record(
            recommendation,
            officer,
            requirements=[{"kind": "atr", "length_months": 13, "provider": provider}],
            by=practitioner,
        )
    assert "after the order ends" in exc.value.message_dict["length_months"][0]
    assert Order.objects.count() == 0
    assert CourtOutcome.objects.count() == 0


def test_court_outcome_refuses_a_responsible_officer_who_is_not_probation(practitioner, officer):
    recommendation = ready_recommendation()
    with pytest.raises(ValidationError) as exc:
        _record(
            recommendation,
            officer,
            order_data=_order_data(officer, responsible_officer=practitioner),
            by=practitioner,
        )
    assert "responsible_officer" in exc.value.message_dict


def test_court_outcome_refuses_a_draft_recommendation(practitioner, officer):
    recommendation = RecommendationFactory()
    with pytest.raises(ValidationError, match="ready for court"):
        _record(recommendation, officer, by=practitioner)


def test_court_outcome_not_made_needs_a_reason_and_makes_no_order(practitioner):
    recommendation = ready_recommendation()
    kwargs = {
        "recommendation": recommendation,
        "hearing_date": days(-1),
        "court": CourtFactory(),
        "outcome": HearingOutcome.NOT_MADE,
        "by": practitioner,
    }
    with pytest.raises(ValidationError):
        services.court_outcome_record(**kwargs)
    outcome = services.court_outcome_record(**kwargs, reason="Court imposed a fine instead")
    assert not Order.objects.filter(court_outcome=outcome).exists()


# Appointments ----------------------------------------------------------------------------


def test_appointment_schedule_fortnightly_series(order, officer):
    first = timezone.now() + datetime.timedelta(days=1)
    booked = services.appointment_schedule(
        order=order,
        starts_at=first,
        purpose="Therapy",
        recurrence="fortnightly",
        count=3,
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
    assert Warning.objects.count() == 1
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
    WarningFactory(failure__order=other_order, given_on=days(-10), failure__failure_date=days(-10))
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
