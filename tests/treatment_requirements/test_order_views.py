"""The screens of a made order: appointments and enforcement, DRR reviews and drug tests,
outcome measures, termination, reoffending, and the caseload.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from treatment_requirements import services
from treatment_requirements.enums import BreachOutcome
from treatment_requirements.models import Appointment, BreachReferral, FormalWarning

from .factories import (
    AppointmentFactory,
    FailureFactory,
    FormalWarningFactory,
    OrderFactory,
    OrderRequirementFactory,
    days,
)
from .screens import errors_of, post_booking

pytestmark = pytest.mark.django_db


def _ago(n_days, hour=10):
    return timezone.make_aware(datetime.datetime.combine(days(-n_days), datetime.time(hour)))


# Appointments and enforcement screens ---------------------------------------------------


def test_appointment_outcome_for_future_appointment_is_refused_on_screen(client, order, officer):
    appointment = AppointmentFactory(
        order=order, starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk])
    response = client.post(url, {"version": 1, "outcome": "attended_complied"})
    assert response.status_code == 400
    assert "has not happened yet" in errors_of(response)


def test_appointment_outcome_second_person_is_told(client, order, officer, clinician):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    url = reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk])
    client.force_login(clinician)
    assert client.post(url, {"version": 1, "outcome": "attended_complied"}).status_code == 302
    client.force_login(officer)
    response = client.post(url, {"version": 1, "outcome": "unacceptable_absence"})
    assert response.status_code == 400
    assert "Someone else recorded this appointment" in errors_of(response)
    appointment.refresh_from_db()
    assert appointment.outcome == "attended_complied"


def test_appointment_booking_outside_order_shows_message(client, order, officer):
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_new", args=[order.pk])
    late = order.end_date + datetime.timedelta(days=1)
    response = client.post(
        url,
        {
            "date": late.strftime("%d/%m/%Y"),
            "time": "10:00",
            "purpose": "Therapy",
            "recurrence": "none",
        },
    )
    assert response.status_code == 400
    assert (
        "Date of the appointment must be on or before the end of the order, "
        f"{order.end_date.day} {order.end_date:%B %Y}"
    ) in errors_of(response)
    assert not Appointment.objects.exists()


def test_unacceptable_absence_leads_officer_to_the_enforcement_decision(client, order, officer):
    appointment = AppointmentFactory(order=order, starts_at=_ago(1))
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk])
    response = client.post(url, {"version": 1, "outcome": "unacceptable_absence"})
    failure = appointment.failure
    assert response.url == reverse(
        "treatment_requirements:failure_action", args=[order.pk, failure.pk]
    )
    page = client.get(response.url).content.decode()
    assert 'value="warning"' in page and 'value="breach"' in page
    response = client.post(
        response.url, {"action": "warning", "action_on": days(0).strftime("%d/%m/%Y")}
    )
    warning = FormalWarning.objects.get()
    assert response.url == reverse(
        "treatment_requirements:warning_letter", args=[order.pk, warning.pk]
    )
    letter = client.get(response.url).content.decode()
    assert "liable to be brought back before the court" in letter


def test_enforcement_screen_offers_only_breach_and_refuses_posted_warning(client, order, officer):
    FormalWarningFactory(failure__order=order, failure__failure_date=days(-30), given_on=days(-30))
    failure = FailureFactory(order=order, failure_date=days(-1))
    client.force_login(officer)
    url = reverse("treatment_requirements:failure_action", args=[order.pk, failure.pk])
    page = client.get(url).content.decode()
    assert 'value="warning"' not in page
    assert "You must refer for breach proceedings" in page
    response = client.post(url, {"action": "warning", "action_on": days(0).strftime("%d/%m/%Y")})
    assert response.status_code == 400
    assert "you must refer for breach" in errors_of(response)
    failure.refresh_from_db()
    assert failure.action == ""


def test_drr_review_too_soon_is_refused_on_screen(client, order, officer):
    drr = OrderRequirementFactory(order=order, kind="drr", end_date=order.end_date)
    services.review_schedule(requirement=drr, review_date=days(10), by=officer)
    client.force_login(officer)
    url = reverse("treatment_requirements:review_new", args=[order.pk])
    response = client.post(
        url, {"requirement": drr.pk, "review_date": days(20).strftime("%d/%m/%Y")}
    )
    assert response.status_code == 400
    assert "at least one month apart" in errors_of(response)


def test_outcome_measure_screen_shows_change(client, order, clinician):
    client.force_login(clinician)
    url = reverse("treatment_requirements:measure_new", args=[order.pk]) + "?instrument=PHQ-9"
    for stage, answers, day in [("start", [2] * 8 + [1], -50), ("end", [1] * 8 + [0], -1)]:
        data = {"stage": stage, "measured_on": days(day).strftime("%d/%m/%Y")}
        data.update({f"item_{n}": str(v) for n, v in enumerate(answers, start=1)})
        assert client.post(url, data).status_code == 302
    page = client.get(
        reverse("treatment_requirements:order_detail", args=[order.pk])
    ).content.decode()
    assert "17 to 8 (-9)" in page


def test_outcome_measure_screen_refuses_missing_answers(client, order, clinician):
    client.force_login(clinician)
    url = reverse("treatment_requirements:measure_new", args=[order.pk]) + "?instrument=PHQ-9"
    data = {"stage": "start", "measured_on": days(-1).strftime("%d/%m/%Y"), "item_1": "1"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "are not answered" in errors_of(response)


def test_termination_screen_ends_order_after_the_check_page(client, order, officer):
    # The order runs for another 10 months: before its end date the court revokes it.
    client.force_login(officer)
    url = reverse("treatment_requirements:order_terminate", args=[order.pk])
    response = client.post(
        url,
        {
            "version": order.version,
            "reason": "revoked_good_progress",
            "terminated_on": days(0).strftime("%d/%m/%Y"),
        },
    )
    check_url = reverse("treatment_requirements:order_terminate_confirm", args=[order.pk])
    assert (response.status_code, response.url) == (302, check_url)
    order.refresh_from_db()
    assert order.is_active
    response = client.post(check_url, {"version": order.version})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Ended: Revoked for good progress" in page


def test_termination_refused_to_provider_clinician(client, order, clinician):
    client.force_login(clinician)
    url = reverse("treatment_requirements:order_terminate", args=[order.pk])
    assert client.get(url).status_code == 403


# Caseload -----------------------------------------------------------------------------------


def _caseload_rows(officer, n):
    for _ in range(n):
        order = OrderFactory(responsible_officer=officer)
        OrderRequirementFactory(order=order, kind="drr", length_months=13, end_date=order.end_date)
        AppointmentFactory(order=order, starts_at=timezone.now() - datetime.timedelta(minutes=5))
        AppointmentFactory(order=order, starts_at=_ago(3))
        FailureFactory(order=order)
        services.failure_take_action(
            failure=FailureFactory(order=order), action="breach", by=officer
        )


def _caseload_queries(client, officer):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("treatment_requirements:caseload"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_caseload_query_count_is_constant(client, officer):
    client.force_login(officer)
    _caseload_rows(officer, 1)
    one, page = _caseload_queries(client, officer)
    assert "Open non-compliance: enforcement action due (1)" in page
    _caseload_rows(officer, 2)
    three, page = _caseload_queries(client, officer)
    assert "Open non-compliance: enforcement action due (3)" in page
    assert "Active orders (3)" in page
    assert one == three


def test_caseload_lists_due_outcomes_and_unbooked_reviews(client, order, officer):
    AppointmentFactory(order=order, starts_at=_ago(2), purpose="ATR group")
    OrderRequirementFactory(order=order, kind="drr", length_months=13, end_date=order.end_date)
    client.force_login(officer)
    page = client.get(reverse("treatment_requirements:caseload")).content.decode()
    assert "Outcomes not yet recorded (1)" in page
    assert "ATR group" in page
    assert "DRR over 12 months with no review booked" in page


def test_caseload_for_provider_clinician_shows_their_orders_without_enforcement_links(
    client, order, clinician
):
    FailureFactory(order=order)
    client.force_login(clinician)
    page = client.get(reverse("treatment_requirements:caseload")).content.decode()
    assert "Orders for which your team is the named treatment provider" in page
    assert order.person.full_name in page
    assert "Decide action" not in page


def test_order_detail_query_count_is_constant(client, order, officer):
    client.force_login(officer)
    url = reverse("treatment_requirements:order_detail", args=[order.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    AppointmentFactory(order=order, starts_at=_ago(3))
    FormalWarningFactory(failure__order=order)
    one = count()
    for n in (4, 5):
        AppointmentFactory(order=order, starts_at=_ago(n))
        FormalWarningFactory(failure__order=order)
    assert count() == one


def test_drug_test_screen_records_a_positive_test(client, order, officer):
    drr = OrderRequirementFactory(order=order, kind="drr", end_date=order.end_date)
    client.force_login(officer)
    url = reverse("treatment_requirements:drug_test_new", args=[order.pk])
    data = {
        "requirement": drr.pk,
        "tested_on": days(-1).strftime("%d/%m/%Y"),
        "substances": "opiates, cocaine",
        "result": "positive",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Enter the substances the test was positive for" in errors_of(response)
    response = client.post(url, {**data, "positive_for": "cocaine"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "opiates, cocaine, <strong>positive</strong> (cocaine)" in page


def test_drug_test_screen_not_found_without_a_drr(client, order, officer):
    client.force_login(officer)
    assert (
        client.get(reverse("treatment_requirements:drug_test_new", args=[order.pk])).status_code
        == 404
    )


def test_review_report_screen_saves_the_report(client, order, officer):
    drr = OrderRequirementFactory(order=order, kind="drr", end_date=order.end_date)
    review = services.review_schedule(requirement=drr, review_date=days(5), by=officer)
    client.force_login(officer)
    url = reverse("treatment_requirements:review_report", args=[order.pk, review.pk])
    response = client.post(url, {"progress_report": "Three negative tests; engaging well."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.progress_report == "Three negative tests; engaging well."


def test_reschedule_screen_moves_the_appointment(client, order, officer):
    appointment = AppointmentFactory(
        order=order, starts_at=timezone.now() + datetime.timedelta(days=2)
    )
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_reschedule", args=[order.pk, appointment.pk])
    response = post_booking(
        client,
        url,
        {
            "version": 1,
            "date": days(4).strftime("%d/%m/%Y"),
            "time": "11:30",
            "reason": "Clinic closed",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.outcome == "rescheduled"
    assert timezone.localtime(appointment.rescheduled_to.starts_at).time() == datetime.time(11, 30)


def test_breach_outcome_screen_extension_over_six_months_is_refused(client, order, officer):
    breach = services.failure_take_action(
        failure=FailureFactory(order=order), action="breach", by=officer
    )
    client.force_login(officer)
    url = reverse("treatment_requirements:breach_outcome", args=[order.pk, breach.pk])
    data = {
        "outcome": "extended",
        "outcome_on": days(0).strftime("%d/%m/%Y"),
        "extension_months": "7",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "An extension is between 1 and 6 months" in errors_of(response)
    response = client.post(url, {**data, "extension_months": "3"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.extended_months == 3


def test_breach_outcome_screen_audits_who_opened_it_and_only_once(client, order, officer):
    """The page names the person: its GET is a view of them; a refused POST (the page shown
    again) adds none, and once the outcome is recorded the page is not shown."""
    breach = services.failure_take_action(
        failure=FailureFactory(order=order), action="breach", by=officer
    )
    client.force_login(officer)
    url = reverse("treatment_requirements:breach_outcome", args=[order.pk, breach.pk])
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, person_id=order.person_id)

    page = client.get(url)
    client.post(url, {"outcome": "extended", "extension_months": "7"})

    assert order.person.full_name in page.content.decode()
    assert list(viewed.values_list("user", "object_type", "object_id", "detail")) == [
        (officer.pk, "treatment_requirements.breachreferral", str(breach.pk), "breach_outcome")
    ]
    BreachReferral.objects.filter(pk=breach.pk).update(outcome=BreachOutcome.CONTINUED)
    assert client.get(url).status_code == 302
    assert viewed.count() == 1


def test_reoffending_screens_record_event_and_check(client, order, officer):
    referral = order.referral
    referral.received_at = timezone.now() - relativedelta(months=13)
    referral.save()
    client.force_login(officer)
    url = reverse("treatment_requirements:reoffending_new", args=[referral.pk])
    response = client.post(
        url, {"kind": "reconviction", "occurred_on": days(-60).strftime("%d/%m/%Y")}
    )
    assert response.status_code == 302
    assert response.url == f"{order.get_absolute_url()}#reoffending"
    url = reverse("treatment_requirements:reoffending_check", args=[referral.pk])
    assert client.post(url, {"checked_on": days(0).strftime("%d/%m/%Y")}).status_code == 302
    page = client.get(
        reverse("treatment_requirements:order_detail", args=[order.pk])
    ).content.decode()
    assert "Reconviction on" in page
    assert f"done {days(0):%-d %B %Y}" in page


def test_outcome_measure_with_self_harm_answer_warns(client, order, clinician):
    client.force_login(clinician)
    url = reverse("treatment_requirements:measure_new", args=[order.pk]) + "?instrument=PHQ-9"
    data = {"stage": "start", "measured_on": days(-1).strftime("%d/%m/%Y")}
    data.update({f"item_{n}": "1" for n in range(1, 10)})
    response = client.post(url, data, follow=True)
    assert "Self-harm risk" in response.content.decode()
    assert f"Risk: Self-harm or suicide, raised on {days(0):%-d %B %Y} (PHQ-9 item 9)" in (
        response.content.decode()
    )


@pytest.mark.parametrize("difficulty", ["", "1", "3"])
def test_outcome_measure_keeps_the_unscored_difficulty_answer(client, order, clinician, difficulty):
    client.force_login(clinician)
    url = reverse("treatment_requirements:measure_new", args=[order.pk]) + "?instrument=GAD-7"
    assert "how difficult have these problems made it" in client.get(url).content.decode()
    data = {"stage": "start", "measured_on": days(-1).strftime("%d/%m/%Y")}
    data.update({f"item_{n}": "2" for n in range(1, 8)}, difficulty=difficulty)

    assert client.post(url, data).status_code == 302

    measure = order.outcome_measures.get()
    assert (measure.response.total, measure.response.difficulty) == (
        14,
        int(difficulty) if difficulty else None,
    )


def test_ended_order_cannot_take_new_appointments(client, order, officer):
    services.order_terminate(
        order=order,
        reason="revoked_good_progress",
        terminated_on=days(0),
        expected_version=order.version,
        by=officer,
    )
    client.force_login(officer)
    response = client.get(
        reverse("treatment_requirements:appointment_new", args=[order.pk]), follow=True
    )
    assert "This order has ended: it cannot be changed." in response.content.decode()


def test_reoffending_can_be_recorded_after_the_order_ended(client, order, officer):
    services.order_terminate(
        order=order,
        reason="revoked_good_progress",
        terminated_on=days(0),
        expected_version=order.version,
        by=officer,
    )
    client.force_login(officer)
    page = client.get(
        reverse("treatment_requirements:order_detail", args=[order.pk])
    ).content.decode()
    assert "Record a re-arrest or reconviction" in page
    url = reverse("treatment_requirements:reoffending_new", args=[order.referral.pk])
    response = client.post(url, {"kind": "rearrest", "occurred_on": days(0).strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert order.referral.reoffending_events.count() == 1


def test_order_form_pages_are_audited_as_views_of_the_person(client, order, officer):
    from accounts.models import AuditEvent

    client.force_login(officer)
    client.get(reverse("treatment_requirements:appointment_new", args=[order.pk]))
    event = AuditEvent.objects.filter(person_id=order.person_id, action="view").latest("id")
    assert (event.user, event.detail) == (officer, "appointment_new")


def test_control_characters_in_several_fields_are_refused_without_error(client, order, officer):
    client.force_login(officer)
    url = reverse("treatment_requirements:appointment_new", args=[order.pk])
    response = client.post(url, {"location": "\x08", "purpose": "\x01", "count": "1"})
    assert response.status_code == 400
    assert "Remove the hidden control characters" in errors_of(response)
