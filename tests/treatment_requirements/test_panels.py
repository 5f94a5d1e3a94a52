"""The treatment requirements panel on the referral page and the events on the person's
timeline: reachable from the records, scoped by the access policy, in fixed queries."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals.selectors import person_timeline
from tests.assessments.factories import complete_assessment, signed_assessment
from tests.factories import ReferralFactory
from treatment_requirements.enums import EnforcementAction, OrderStatus, TerminationReason
from treatment_requirements.models import BreachReferral
from treatment_requirements.panels import referral_panel, treatment_events
from treatment_requirements.services import order_reallocate

from .factories import (
    FailureFactory,
    FormalWarningFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    RecommendationFactory,
    days,
    propose,
    ready_recommendation,
)

pytestmark = pytest.mark.django_db


def _referral_url(referral):
    return reverse("referrals:referral_detail", args=[referral.pk])


def _person_url(person):
    return reverse("referrals:person_detail", args=[person.pk])


def _panel_for(user, referral):
    request = RequestFactory().get("/")
    request.user = user
    return referral_panel(request, referral)


def _team_referral(practitioner):
    return ReferralFactory(person__team=practitioner.team, person__created_by=practitioner)


def _orders(referral, officer, count):
    """`count` recommendations from the referral's signed assessment, each with an order."""
    assessment = referral.assessment
    orders = []
    for _ in range(count):
        recommendation = ready_recommendation(assessment=assessment)
        order = OrderFactory(
            court_outcome__recommendation=recommendation, responsible_officer=officer
        )
        OrderRequirementFactory(order=order, kind="mhtr_primary")
        OrderRequirementFactory(order=order, kind="atr")
        orders.append(order)
    return orders


# The referral page ------------------------------------------------------------------------


def test_panel_offers_a_recommendation_once_the_assessment_is_signed(
    practitioner_client, practitioner
):
    assessment = signed_assessment(referral=_team_referral(practitioner))
    new_url = reverse("treatment_requirements:recommendation_new", args=[assessment.pk])

    html = practitioner_client.get(_referral_url(assessment.referral)).content.decode()

    assert "Treatment requirements" in html
    assert "Make a recommendation" in html
    assert f'href="{new_url}"' in html


def test_panel_withholds_the_button_while_the_assessment_is_unsigned(
    practitioner_client, practitioner
):
    assessment = complete_assessment(referral=_team_referral(practitioner))

    html = practitioner_client.get(_referral_url(assessment.referral)).content.decode()

    assert "Make a recommendation" not in html
    assert "A recommendation can be made once the assessment is signed." in html
    assert reverse("treatment_requirements:recommendation_new", args=[assessment.pk]) not in html


def test_panel_lists_recommendations_and_order_with_links(
    practitioner_client, practitioner, officer
):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    draft = RecommendationFactory(assessment=referral.assessment)
    propose(draft, "drr", all_met=False)
    (order,) = _orders(referral, officer, 1)

    html = practitioner_client.get(_referral_url(referral)).content.decode()

    assert draft.get_absolute_url() in html
    assert "Draft" in html
    assert "Make a recommendation" not in html  # the draft is continued instead
    assert "DRR" in html
    assert order.get_absolute_url() in html
    assert order.reference in html
    assert "MHTR (primary), 6 months" in html
    # The ready recommendation has its order: no court outcome left to record.
    assert (
        reverse("treatment_requirements:court_outcome_new", args=[order.recommendation_id])
        not in html
    )


def test_panel_links_to_record_the_court_outcome_of_a_ready_recommendation(
    practitioner_client, practitioner
):
    referral = _team_referral(practitioner)
    recommendation = ready_recommendation(assessment=signed_assessment(referral=referral))

    html = practitioner_client.get(_referral_url(referral)).content.decode()

    assert "Ready for court" in html
    assert reverse("treatment_requirements:court_outcome_new", args=[recommendation.pk]) in html


def test_panel_is_empty_for_a_practitioner_of_another_team(practitioner, outsider, officer):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    _orders(referral, officer, 1)

    assert _panel_for(outsider, referral) is None


def test_panel_is_empty_for_another_probation_team_and_a_commissioner(
    practitioner, other_officer, commissioner, officer
):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    _orders(referral, officer, 1)

    assert _panel_for(other_officer, referral) is None
    assert _panel_for(commissioner, referral) is None


def test_outsider_gets_no_referral_page_with_the_order(outsider_client, practitioner, officer):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    (order,) = _orders(referral, officer, 1)

    response = outsider_client.get(_referral_url(referral))

    assert response.status_code == 404
    assert order.reference not in response.content.decode()


@pytest.mark.parametrize("page", ["referral", "person"])
def test_page_queries_are_the_same_for_1_and_3_orders(
    practitioner_client, practitioner, officer, django_assert_num_queries, page
):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    orders = _orders(referral, officer, 1)
    url = _referral_url(referral) if page == "referral" else _person_url(referral.person)
    practitioner_client.get(url)
    with CaptureQueriesContext(connection) as one:
        practitioner_client.get(url)
    orders += _orders(referral, officer, 2)

    with django_assert_num_queries(len(one)):
        response = practitioner_client.get(url)

    html = response.content.decode()
    for order in orders:
        assert order.reference in html
        assert order.get_absolute_url() in html


# The person's timeline --------------------------------------------------------------------


def test_timeline_shows_order_events_to_the_ld_team(practitioner, officer):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    (order,) = _orders(referral, officer, 1)
    warning = FormalWarningFactory(failure__order=order)
    failure = FailureFactory(order=order, action=EnforcementAction.BREACH)
    BreachReferral.objects.create(
        order=order,
        failure=failure,
        referred_on=days(-1),
        details="Second absence",
        referred_by=officer,
    )
    order.recommendation.ready_at = timezone.now() - datetime.timedelta(days=61)
    order.recommendation.save()
    order.status = OrderStatus.TERMINATED
    order.termination_reason = TerminationReason.REVOKED_BREACH
    order.terminated_on = days(0)
    order.save()

    timeline = person_timeline(referral.person, practitioner)

    titles = {event["title"]: event for event in timeline}
    made = titles[f"Community order {order.reference} made"]
    assert made["url"] == order.get_absolute_url()
    assert "MHTR (primary) 6 months" in made["detail"]
    # Known by its date only: on that day, shown without a made-up time.
    assert timezone.localtime(made["when"]).date() == order.made_on
    assert made["all_day"] is True
    ready = titles[f"Recommendation {order.recommendation.reference} ready for court"]
    assert ready["url"] == order.recommendation.get_absolute_url()
    assert f"Recommendation {order.recommendation.reference} made" in titles
    assert "Court outcome: order made" in titles
    assert titles["Formal warning given"]["url"] == order.get_absolute_url()
    assert warning.given_on.strftime("%d/%m/%Y") in titles["Formal warning given"]["detail"]
    assert "Referred for breach proceedings" in titles
    assert f"Order {order.reference} ended: Revoked on breach and resentenced" in titles


def test_timeline_shows_the_officer_the_order_but_not_a_recommendation_without_consent(
    practitioner, officer
):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    (order,) = _orders(referral, officer, 1)

    titles = [event["title"] for event in treatment_events(referral.person, officer)]

    assert f"Community order {order.reference} made" in titles
    assert not any(title.startswith("Recommendation") for title in titles)
    assert not any(title.startswith("Court outcome") for title in titles)


def test_timeline_shows_nothing_to_another_team(practitioner, outsider, other_officer, officer):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    (order,) = _orders(referral, officer, 1)
    FormalWarningFactory(failure__order=order)

    assert treatment_events(referral.person, outsider) == []
    assert treatment_events(referral.person, other_officer) == []


@pytest.mark.parametrize("rows", [1, 3])
def test_timeline_queries_do_not_grow_with_orders(
    rows, practitioner, officer, django_assert_num_queries
):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    colleague = ProbationOfficerFactory(team=officer.team)
    for order in _orders(referral, officer, rows):
        FormalWarningFactory(failure__order=order)
        order_reallocate(
            order=order,
            officer=colleague,
            reason="Caseload balancing",
            expected_version=order.version,
            by=officer,
        )

    with django_assert_num_queries(7):
        events = treatment_events(referral.person, practitioner)

    assert sum(1 for e in events if e["title"] == "Formal warning given") == rows
    assert sum(1 for e in events if e["detail"] == "Caseload balancing") == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_panel_queries_do_not_grow_with_orders(
    rows, practitioner, officer, django_assert_num_queries
):
    referral = _team_referral(practitioner)
    signed_assessment(referral=referral)
    _orders(referral, officer, rows)

    with django_assert_num_queries(5):
        panel = _panel_for(practitioner, referral)
        labels = [r.short_label for o in panel["context"]["orders"] for r in o.requirements.all()]

    assert len(labels) == 2 * rows
