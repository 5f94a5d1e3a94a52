"""Every change to an order takes the same steps (services/order_change.py): refused on an
ended order, the order's version bumped, one history row and one audit entry. Recording an
appointment's outcome is one of them (issue 16)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from treatment_requirements import services
from treatment_requirements.enums import OrderStatus, TerminationReason
from treatment_requirements.models import (
    Appointment,
    BreachReferral,
    Failure,
    OrderEvent,
    ReviewHearing,
)
from treatment_requirements.services.order_change import ENDED_MESSAGE

from .factories import (
    AppointmentFactory,
    FailureFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    days,
)

pytestmark = pytest.mark.django_db

OUTCOME_STALE_MESSAGE = (
    "Someone else recorded this appointment&#x27;s outcome while you were doing so. "
    "Yours has not been saved: check the order page to see theirs."
)


def _ago(n_days):
    return timezone.make_aware(datetime.datetime.combine(days(-n_days), datetime.time(10)))


@pytest.fixture
def colleague(probation_team):
    return ProbationOfficerFactory(team=probation_team, username="colleague")


@pytest.fixture
def records(order, officer, provider_team):
    """One record of each kind an order service changes, on the order."""
    drr = OrderRequirementFactory(order=order, kind="drr", provider=provider_team)
    return {
        "drr": drr,
        "failure": FailureFactory(order=order),
        "past": AppointmentFactory(order=order, starts_at=_ago(1)),
        "future": AppointmentFactory(order=order, starts_at=timezone.now() + datetime.timedelta(2)),
        "review": ReviewHearing.objects.create(
            order=order, requirement=drr, review_date=days(-1), scheduled_by=officer
        ),
    }


def _breach(order, by):
    """A breach referral awaiting the court (made only where needed: the order cannot end
    while one waits)."""
    return BreachReferral.objects.create(
        order=order,
        failure=FailureFactory(order=order, failure_date=days(-5), action="breach"),
        referred_on=days(-4),
        details="Missed two sessions",
        referred_by=by,
    )


# Each order service, as a call on the order's records.
CHANGES = {
    "appointment_schedule": lambda order, r, by, other: services.appointment_schedule(
        order=order,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        purpose="ATR",
        accept_warnings=True,
        by=by,
    ),
    "appointment_reschedule": lambda order, r, by, other: services.appointment_reschedule(
        appointment=r["future"],
        starts_at=timezone.now() + datetime.timedelta(days=4),
        reason="Clinic closed",
        expected_version=1,
        accept_warnings=True,
        by=by,
    ),
    "appointment_record_outcome": lambda order, r, by, other: services.appointment_record_outcome(
        appointment=r["past"], outcome="attended_complied", expected_version=1, by=by
    ),
    "failure_take_action": lambda order, r, by, other: services.failure_take_action(
        failure=r["failure"], action="warning", by=by
    ),
    "breach_record_outcome": lambda order, r, by, other: services.breach_record_outcome(
        breach=_breach(order, by), outcome="continued", outcome_on=days(0), by=by
    ),
    "drug_test_record": lambda order, r, by, other: services.drug_test_record(
        requirement=r["drr"],
        data={"tested_on": days(-1), "substances": "Opiates", "result": "negative"},
        by=by,
    ),
    "review_schedule": lambda order, r, by, other: services.review_schedule(
        requirement=r["drr"], review_date=days(40), by=by
    ),
    "review_submit_report": lambda order, r, by, other: services.review_submit_report(
        review=r["review"], report="Engaging well; two negative tests.", by=by
    ),
    "review_record_held": lambda order, r, by, other: services.review_record_held(
        review=r["review"], no_report_reason="The court listed it at a day's notice", by=by
    ),
    "outcome_measure_record": lambda order, r, by, other: services.outcome_measure_record(
        order=order,
        stage="start",
        code="PHQ-9",
        answers=[1, 1, 1, 1, 1, 1, 1, 1, 0],
        measured_on=days(-1),
        by=by,
    ),
    "order_terminate": lambda order, r, by, other: services.order_terminate(
        order=order,
        reason=TerminationReason.REVOKED_GOOD_PROGRESS,
        terminated_on=days(0),
        expected_version=order.version,
        by=by,
    ),
    "order_reallocate": lambda order, r, by, other: services.order_reallocate(
        order=order,
        officer=other,
        reason="Caseload balancing",
        expected_version=order.version,
        by=by,
    ),
}


def _end(order):
    order.status, order.terminated_on = OrderStatus.TERMINATED, days(-1)
    order.termination_reason = TerminationReason.DIED
    order.save()
    order.refresh_from_db()


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_every_order_change_bumps_the_version_and_writes_history_and_audit(
    name, order, records, officer, colleague
):
    version = order.version
    audited = AuditEvent.objects.filter(person_id=order.person_id).count()

    CHANGES[name](order, records, officer, colleague)

    order.refresh_from_db()
    assert order.version == version + 1
    assert OrderEvent.objects.filter(order=order).count() == 1
    # An outcome measure's instrument response is audited by the assessments app as well.
    extra = 1 if name == "outcome_measure_record" else 0
    assert AuditEvent.objects.filter(person_id=order.person_id).count() == audited + 1 + extra


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_every_order_change_is_refused_on_an_ended_order(name, order, records, officer, colleague):
    _end(order)
    version = order.version
    audited = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as exc:
        CHANGES[name](order, records, officer, colleague)

    assert exc.value.messages == [ENDED_MESSAGE]
    order.refresh_from_db()
    assert (order.version, order.responsible_officer) == (version, officer)
    assert OrderEvent.objects.filter(order=order).count() == 0
    assert AuditEvent.objects.count() == audited


def test_appointment_outcome_on_an_ended_order_is_refused_and_opens_no_failure(order, officer):
    appointment = AppointmentFactory(order=order, starts_at=_ago(2))
    _end(order)
    failures = Failure.objects.count()

    with pytest.raises(ValidationError) as exc:
        services.appointment_record_outcome(
            appointment=appointment,
            outcome="unacceptable_absence",
            expected_version=1,
            by=officer,
        )

    assert exc.value.messages == ["This order has ended: it cannot be changed."]
    appointment.refresh_from_db()
    assert (appointment.outcome, appointment.version) == ("", 1)
    assert Failure.objects.count() == failures


def test_two_officers_recording_the_same_outcome_the_second_sees_the_stale_edit_message(
    client, order, officer, colleague
):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    url = reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk])
    client.force_login(officer)
    assert client.get(url).status_code == 200
    client.force_login(colleague)
    assert client.get(url).status_code == 200

    client.force_login(officer)
    first = client.post(url, {"outcome": "attended_complied", "version": 1})
    client.force_login(colleague)
    second = client.post(url, {"outcome": "unacceptable_absence", "version": 1})

    assert first.status_code == 302
    assert second.status_code == 400
    assert OUTCOME_STALE_MESSAGE in second.content.decode()
    appointment.refresh_from_db()
    assert (appointment.outcome, appointment.outcome_recorded_by) == ("attended_complied", officer)
    assert Failure.objects.count() == 0
    assert list(Appointment.objects.filter(order=order).values_list("version", flat=True)) == [2]
