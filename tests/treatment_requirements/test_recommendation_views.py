"""The recommendation screens (proposing, the criteria checklist, the gate, the printable
summary) and the court outcome form that makes the order.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from tests.assessments.factories import ConsentFactory, InstrumentResponseFactory, signed_assessment
from tests.factories import ReferralFactory
from treatment_requirements.models import Order, Recommendation

from .factories import CourtFactory, RecommendationFactory, days, propose, ready_recommendation
from .screens import errors_of

pytestmark = pytest.mark.django_db


# Recommendation screens --------------------------------------------------------------------


def test_recommendation_new_creates_and_offers_instrument_evidence(
    practitioner_client, practitioner
):
    referral = ReferralFactory(person__team=practitioner.team)
    assessment = signed_assessment(referral=referral)
    InstrumentResponseFactory(
        assessment=assessment,
        code="AUDIT",
        total=24,
        band="possible_dependence",
        answers=[4, 4, 4, 4, 2, 2, 2, 2, 0, 0],
    )
    url = reverse("treatment_requirements:recommendation_new", args=[assessment.pk])
    response = practitioner_client.post(url, {"kinds": ["mhtr_primary", "atr"]})
    recommendation = Recommendation.objects.get()
    assert response.status_code == 302
    atr = recommendation.requirements.get(kind="atr")
    page = practitioner_client.get(
        reverse("treatment_requirements:requirement_checklist", args=[recommendation.pk, atr.pk])
    ).content.decode()
    assert "AUDIT total 24 (Possible dependence)" in page
    mhtr = recommendation.requirements.get(kind="mhtr_primary")
    page = practitioner_client.get(
        reverse("treatment_requirements:requirement_checklist", args=[recommendation.pk, mhtr.pk])
    ).content.decode()
    assert "Care threshold in the signed assessment: Primary care" in page


def test_recommendation_new_refused_to_another_team(outsider_client, practitioner):
    assessment = signed_assessment(referral=ReferralFactory(person__team=practitioner.team))
    url = reverse("treatment_requirements:recommendation_new", args=[assessment.pk])
    assert outsider_client.post(url, {"kinds": ["atr"]}).status_code == 404
    assert not Recommendation.objects.exists()


def test_checklist_met_without_evidence_is_shown_next_to_the_field(
    practitioner_client, practitioner, provider_team
):
    recommendation = RecommendationFactory(
        assessment=signed_assessment(referral=ReferralFactory(person__team=practitioner.team))
    )
    proposed = propose(recommendation, "atr", all_met=False, consent_given=False)
    url = reverse(
        "treatment_requirements:requirement_checklist", args=[recommendation.pk, proposed.pk]
    )
    response = practitioner_client.post(
        url,
        {
            "version": recommendation.version,
            "met_alcohol_dependency": "yes",
            "evidence_alcohol_dependency": "",
            "provider": provider_team.pk,
            "duration_months": "6",
        },
    )
    assert response.status_code == 400
    assert "Give the evidence that this criterion is met" in errors_of(response)


def test_checklist_saves_then_gate_passes(practitioner_client, practitioner, provider_team):
    recommendation = RecommendationFactory(
        assessment=signed_assessment(referral=ReferralFactory(person__team=practitioner.team))
    )
    proposed = propose(recommendation, "atr", all_met=False, consent_given=False)
    detail = reverse("treatment_requirements:recommendation_detail", args=[recommendation.pk])
    ready = reverse("treatment_requirements:recommendation_ready", args=[recommendation.pk])
    response = practitioner_client.post(ready, {"version": 1}, follow=True)
    page = response.content.decode()
    assert "not ready for court" in page
    assert "ATR: The person is dependent on alcohol (not yet confirmed)" in page
    assert "willingness to comply is not recorded" in page

    data = {
        "version": 1,
        "provider": provider_team.pk,
        "duration_months": "6",
        "consent_given": "on",
    }
    for code in ("alcohol_dependency", "alcohol_treatable", "arrangements"):
        data[f"met_{code}"] = "yes"
        data[f"evidence_{code}"] = "AUDIT 24, SADQ 34"
    url = reverse(
        "treatment_requirements:requirement_checklist", args=[recommendation.pk, proposed.pk]
    )
    assert practitioner_client.post(url, data).status_code == 302
    response = practitioner_client.post(ready, {"version": 2}, follow=True)
    assert "The recommendation is ready for court." in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == "ready"
    assert practitioner_client.get(detail).status_code == 200


def test_print_summary_withholds_evidence_without_consent_to_share(
    practitioner_client, practitioner
):
    recommendation = ready_recommendation(
        kinds=["atr"],
        assessment=signed_assessment(referral=ReferralFactory(person__team=practitioner.team)),
    )
    url = reverse("treatment_requirements:recommendation_print", args=[recommendation.pk])
    page = practitioner_client.get(url).content.decode()
    assert "Withheld (no consent to share)" in page
    assert "Seen at assessment" not in page
    ConsentFactory(referral=recommendation.referral, share_with_court=True)
    page = practitioner_client.get(url).content.decode()
    assert "Seen at assessment" in page
    assert "The person is dependent on alcohol" in page


# Court outcome -------------------------------------------------------------------------


def _referred_a_month_ago(practitioner):
    """A court hearing comes after the referral that led to the recommendation."""
    return ReferralFactory(
        person__team=practitioner.team, received_at=timezone.now() - datetime.timedelta(days=30)
    )


def _court_post(recommendation, officer, provider, **overrides):
    made = days(-1)
    data = {
        "hearing_date": made.strftime("%d/%m/%Y"),
        "court": CourtFactory().pk,
        "outcome": "order_made",
        "order_type": "community_order",
        "start_date": made.strftime("%d/%m/%Y"),
        "end_date": (made + relativedelta(months=18)).strftime("%d/%m/%Y"),
        "responsible_officer": officer.pk,
    }
    for proposed in recommendation.requirements.all():
        data[f"made_{proposed.kind}"] = "on"
        data[f"length_{proposed.kind}"] = "12"
        data[f"provider_{proposed.kind}"] = provider.pk
    data.update(overrides)
    return data


def test_court_outcome_form_creates_order(
    practitioner_client, practitioner, officer, provider_team
):
    recommendation = ready_recommendation(
        assessment=signed_assessment(referral=_referred_a_month_ago(practitioner))
    )
    url = reverse("treatment_requirements:court_outcome_new", args=[recommendation.pk])
    response = practitioner_client.post(url, _court_post(recommendation, officer, provider_team))
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == order.get_absolute_url()
    assert order.requirements.count() == 2


def test_court_outcome_form_order_beyond_3_years_is_refused(
    practitioner_client, practitioner, officer, provider_team
):
    recommendation = ready_recommendation(
        assessment=signed_assessment(referral=_referred_a_month_ago(practitioner))
    )
    end = days(-1) + relativedelta(years=3, months=1)
    data = _court_post(recommendation, officer, provider_team, end_date=end.strftime("%d/%m/%Y"))
    url = reverse("treatment_requirements:court_outcome_new", args=[recommendation.pk])
    response = practitioner_client.post(url, data)
    assert response.status_code == 400
    assert "no more than 3 years after it is made" in errors_of(response)
    assert not Order.objects.exists()


def test_court_outcome_form_requirement_longer_than_order_is_refused(
    practitioner_client, practitioner, officer, provider_team
):
    recommendation = ready_recommendation(
        kinds=["atr"],
        assessment=signed_assessment(referral=_referred_a_month_ago(practitioner)),
    )
    data = _court_post(recommendation, officer, provider_team, length_atr="24")
    url = reverse("treatment_requirements:court_outcome_new", args=[recommendation.pk])
    response = practitioner_client.post(url, data)
    assert response.status_code == 400
    assert "after the order ends" in errors_of(response)
