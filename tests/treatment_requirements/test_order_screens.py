"""The screens for orders' legal rules: each refusal is a form error naming the field."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from tests.assessments.factories import signed_assessment
from tests.factories import ReferralFactory
from treatment_requirements import services
from treatment_requirements.enums import OrderStatus
from treatment_requirements.models import Order

from .factories import (
    AppointmentFactory,
    CourtFactory,
    FailureFactory,
    OrderRequirementFactory,
    ProviderTeamFactory,
    days,
    ready_recommendation,
)

pytestmark = pytest.mark.django_db


def errors_of(response) -> str:
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : start + 3000] if start >= 0 else ""


def _fmt(day):
    return day.strftime("%d/%m/%Y")


# Court outcome -------------------------------------------------------------------------


def _recommendation(practitioner, kinds=("atr",), **person):
    # Referred a month before the hearings below (a hearing comes after the referral).
    referral = ReferralFactory(
        person__team=practitioner.team,
        received_at=timezone.now() - datetime.timedelta(days=30),
        **person,
    )
    return ready_recommendation(kinds=kinds, assessment=signed_assessment(referral=referral))


def _court_post(recommendation, officer, provider, *, hearing=None, **overrides):
    hearing = hearing or days(-1)
    data = {
        "hearing_date": _fmt(hearing),
        "court": CourtFactory().pk,
        "outcome": "order_made",
        "order_type": "community_order",
        "start_date": _fmt(hearing),
        "end_date": _fmt(hearing + relativedelta(months=18)),
        "responsible_officer": officer.pk,
    }
    for proposed in recommendation.requirements.all():
        data[f"made_{proposed.kind}"] = "on"
        data[f"length_{proposed.kind}"] = "12"
        data[f"provider_{proposed.kind}"] = provider.pk
    data.update(overrides)
    return data


def _court_url(recommendation):
    return reverse("treatment_requirements:court_outcome_new", args=[recommendation.pk])


def test_court_outcome_screen_refuses_a_person_under_18_at_sentence(
    practitioner_client, practitioner, officer, provider_team
):
    hearing = days(-3)
    young = _recommendation(
        practitioner,
        person__date_of_birth=hearing - relativedelta(years=18) + datetime.timedelta(1),
    )
    adult = _recommendation(practitioner, person__date_of_birth=hearing - relativedelta(years=18))
    response = practitioner_client.post(
        _court_url(young), _court_post(young, officer, provider_team, hearing=hearing)
    )
    assert response.status_code == 400
    assert (
        "Treatment requirements apply to adults only: the person was under 18 on the date of "
        f"sentence, {_fmt(hearing)}"
    ) in errors_of(response)
    response = practitioner_client.post(
        _court_url(adult), _court_post(adult, officer, provider_team, hearing=hearing)
    )
    assert response.status_code == 302
    assert list(Order.objects.values_list("person_id", flat=True)) == [adult.person_id]


def test_court_outcome_screen_requirement_not_recommended_needs_reason_and_willingness(
    practitioner_client, practitioner, officer, provider_team
):
    recommendation = _recommendation(practitioner, kinds=("mhtr_primary",))
    url = _court_url(recommendation)
    data = _court_post(recommendation, officer, provider_team, made_atr="on", length_atr="6")
    data["provider_atr"] = provider_team.pk
    response = practitioner_client.post(url, data)
    assert response.status_code == 400
    errors = errors_of(response)
    assert "Enter why the court made the ATR: it was not on the recommendation" in errors
    assert "Enter the date the person said they were willing to comply with the ATR" in errors
    assert not Order.objects.exists()
    data |= {
        "not_proposed_reason_atr": "Alcohol use disclosed in court",
        "willing_on_atr": _fmt(days(-1)),
    }
    response = practitioner_client.post(url, data)
    order = Order.objects.get()
    assert (response.status_code, response.url) == (302, order.get_absolute_url())
    atr = order.requirements.get(kind="atr")
    assert (atr.not_proposed_reason, atr.willing_on, atr.proposed) == (
        "Alcohol use disclosed in court",
        days(-1),
        None,
    )


def test_order_page_shows_why_a_requirement_not_recommended_was_made(client, order, officer):
    OrderRequirementFactory(
        order=order,
        kind="drr",
        not_proposed_reason="Court added it after a positive test at court",
        willing_on=order.made_on,
    )
    client.force_login(officer)
    page = client.get(order.get_absolute_url()).content.decode()
    assert (
        "Not recommended; the court made it because: Court added it after a positive test" in page
    )
    assert f"Willing to comply: said on {order.made_on:%-d %b %Y}" in page


def test_court_outcome_screen_suspended_sentence_needs_its_operational_period(
    practitioner_client, practitioner, officer, provider_team
):
    recommendation = _recommendation(practitioner)
    hearing = days(-1)
    data = _court_post(
        recommendation,
        officer,
        provider_team,
        hearing=hearing,
        order_type="suspended_sentence",
        end_date=_fmt(hearing + relativedelta(months=12)),
    )
    response = practitioner_client.post(_court_url(recommendation), data)
    assert response.status_code == 400
    assert "Enter the operational period end date" in errors_of(response)
    too_long = hearing + relativedelta(years=2)
    response = practitioner_client.post(
        _court_url(recommendation), data | {"operational_period_end": _fmt(too_long)}
    )
    assert response.status_code == 400
    assert "The operational period must be between 6 months and 2 years" in errors_of(response)
    operational_end = hearing + relativedelta(months=12)
    response = practitioner_client.post(
        _court_url(recommendation), data | {"operational_period_end": _fmt(operational_end)}
    )
    assert response.status_code == 302
    assert Order.objects.get().operational_period_end == operational_end


# Breach outcome ----------------------------------------------------------------------------


def test_breach_outcome_screen_added_requirement_needs_willingness(client, order, officer):
    breach = services.failure_take_action(
        failure=FailureFactory(order=order), action="breach", by=officer
    )
    client.force_login(officer)
    url = reverse("treatment_requirements:breach_outcome", args=[order.pk, breach.pk])
    data = {
        "outcome": "requirements_added",
        "outcome_on": _fmt(days(0)),
        "kind": "drr",
        "provider": ProviderTeamFactory().pk,
        "length_months": "3",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert (
        "Enter the date the person said they were willing to comply with the added requirement"
        in errors_of(response)
    )
    response = client.post(url, data | {"willing_on": _fmt(days(1))})
    assert response.status_code == 400
    assert (
        "Date the person said they were willing to comply with the added requirement must be "
        "today or in the past"
    ) in errors_of(response)
    response = client.post(url, data | {"willing_on": _fmt(days(0))})
    assert response.status_code == 302
    assert order.requirements.get(kind="drr").willing_on == days(0)


# DRR review held ---------------------------------------------------------------------------


def test_review_held_screen_needs_the_report_or_a_reason(client, order, officer):
    drr = OrderRequirementFactory(order=order, kind="drr", end_date=order.end_date)
    review = services.review_schedule(requirement=drr, review_date=days(-3), by=officer)
    reported = services.review_schedule(requirement=drr, review_date=days(-40), by=officer)
    reported.progress_report, reported.report_submitted_on = "Negative tests", days(-42)
    reported.save()
    client.force_login(officer)
    page = client.get(order.get_absolute_url()).content.decode()
    assert page.count("record as held") == 2
    url = reverse("treatment_requirements:review_held", args=[order.pk, review.pk])
    response = client.post(url, {"no_report_reason": ""})
    assert response.status_code == 400
    assert (
        "No written progress report went to the court before this review: enter why there was none"
    ) in errors_of(response)
    response = client.post(url, {"no_report_reason": "The court waived the report"})
    assert response.status_code == 302
    held = reverse("treatment_requirements:review_held", args=[order.pk, reported.pk])
    assert client.post(held, {"no_report_reason": ""}).status_code == 302
    page = client.get(order.get_absolute_url()).content.decode()
    assert f"held {days(-3):%-d %b %Y}" in page
    assert "No progress report before the review: The court waived the report" in page
    assert page.count("record as held") == 0


# Ending an order -------------------------------------------------------------------------


def _end_url(order):
    return reverse("treatment_requirements:order_terminate", args=[order.pk])


def _check_url(order):
    return reverse("treatment_requirements:order_terminate_confirm", args=[order.pk])


def test_termination_screen_refuses_completed_before_the_end_date(client, order, officer):
    client.force_login(officer)
    data = {"version": order.version, "reason": "completed", "terminated_on": _fmt(days(0))}
    response = client.post(_end_url(order), data)
    assert response.status_code == 400
    assert (
        f"An order is completed on or after its end date, {order.end_date:%d/%m/%Y}. To end it "
        "earlier, the court revokes it for good progress"
    ) in errors_of(response)
    assert client.get(_check_url(order)).url == _end_url(order)


def test_termination_screen_refuses_while_a_breach_awaits_the_court(client, order, officer):
    services.failure_take_action(failure=FailureFactory(order=order), action="breach", by=officer)
    client.force_login(officer)
    data = {"version": order.version, "reason": "transferred", "terminated_on": _fmt(days(0))}
    response = client.post(_end_url(order), data)
    assert response.status_code == 400
    assert "cannot be ended while a breach referral awaits the court" in errors_of(response)


def test_termination_check_page_shows_the_ending_and_does_not_end_on_get(client, order, officer):
    earlier = AppointmentFactory(order=order, starts_at=_future_start(days=-3))
    later = AppointmentFactory(order=order, starts_at=_future_start(days=5))
    Order.objects.filter(pk=order.pk).update(end_date=days(-2))
    order.refresh_from_db()
    client.force_login(officer)
    data = {
        "version": order.version,
        "reason": "completed",
        "terminated_on": _fmt(days(-1)),
        "notes": "All sessions attended",
    }
    response = client.post(_end_url(order), data)
    assert (response.status_code, response.url) == (302, _check_url(order))
    page = client.get(_check_url(order))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Check before you end this order" in html
    assert '<dd class="govuk-summary-list__value" id="ending-reason">Completed</dd>' in html
    assert f'id="ending-date">{days(-1):%-d %B %Y}</dd>' in html
    assert "All sessions attended" in html
    assert f"1 booked after {days(-1):%-d %B %Y}" in html
    order.refresh_from_db()
    later.refresh_from_db()
    assert (order.status, later.outcome) == (OrderStatus.ACTIVE, "")
    response = client.post(_check_url(order), {"version": order.version})
    assert response.status_code == 302
    order.refresh_from_db()
    later.refresh_from_db()
    assert (order.status, order.termination_reason, order.terminated_on) == (
        OrderStatus.TERMINATED,
        "completed",
        days(-1),
    )
    assert later.outcome == "withdrawn"
    earlier.refresh_from_db()
    assert earlier.outcome == ""


def test_termination_check_page_keeps_the_stale_edit_protection(client, order, officer):
    client.force_login(officer)
    data = {
        "version": order.version,
        "reason": "revoked_good_progress",
        "terminated_on": _fmt(days(0)),
    }
    client.post(_end_url(order), data)
    # Someone else changes the order while the officer reads the check page.
    services.appointment_schedule(
        order=order,
        starts_at=_future_start(days=2),
        purpose="Key-work",
        accept_warnings=True,
        by=officer,
    )
    response = client.post(_check_url(order), {"version": data["version"]})
    assert response.status_code == 400
    assert "Someone else saved this record while you were editing it" in errors_of(response)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE
    # The change link goes back to the form with what was typed.
    form = client.get(_end_url(order) + "?change=1").content.decode()
    assert _checked_reason(form) == "revoked_good_progress"
    assert _checked_reason(client.get(_end_url(order)).content.decode()) is None


def _checked_reason(html):
    import re

    match = re.search(r'<input[^>]*name="reason"[^>]*value="([a-z_]+)"[^>]*checked', html)
    return match.group(1) if match else None


def test_termination_check_page_refused_to_provider_clinician(client, order, clinician):
    client.force_login(clinician)
    assert client.get(_check_url(order)).status_code == 403
    assert client.post(_check_url(order), {"version": order.version}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE


def _future_start(*, days):
    from django.utils import timezone

    return timezone.now() + datetime.timedelta(days=days)
