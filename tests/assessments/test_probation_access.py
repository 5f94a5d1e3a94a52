"""A probation officer sees an assessment only through the consent-gated summary, and
only for people on their caseload who consented to share with probation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from tests.treatment_requirements.factories import OrderFactory

from .factories import ConsentFactory

pytestmark = pytest.mark.django_db

FORMULATION = "Depression maintained by housing loss and alcohol use."


@pytest.fixture
def order():
    return OrderFactory()


@pytest.fixture
def officer_client(client, order):
    client.force_login(order.responsible_officer)
    return client


def _summary(client, order):
    return client.get(reverse("assessments:summary", args=[order.recommendation.assessment_id]))


def test_probation_on_caseload_without_consent_sees_no_detail(officer_client, order):
    assessment = order.recommendation.assessment
    assessment.referral.consents.filter(kind="to_share").delete()

    summary = _summary(officer_client, order)
    detail = officer_client.get(assessment.get_absolute_url(), follow=True)
    section = officer_client.get(
        reverse("assessments:section", args=[assessment.pk, "formulation"])
    )

    for response in (summary, detail, section):
        assert response.status_code in (403, 404)
        assert FORMULATION not in response.content.decode()


def test_probation_with_consent_sees_the_summary_only(officer_client, order):
    assessment = order.recommendation.assessment
    ConsentFactory(referral=assessment.referral, share_with_probation=True)

    summary = _summary(officer_client, order)
    detail = officer_client.get(assessment.get_absolute_url())
    trauma = officer_client.get(
        reverse("assessments:section", args=[assessment.pk, "trauma_safeguarding"])
    )

    assert summary.status_code == 200
    assert FORMULATION in summary.content.decode()
    assert "Reports childhood trauma" not in summary.content.decode()
    assert detail.status_code == 302 and detail.url.endswith("/summary/")
    assert trauma.status_code == 403


def test_probation_consent_for_court_only_is_not_enough(officer_client, order):
    ConsentFactory(referral=order.recommendation.assessment.referral, share_with_court=True)

    response = _summary(officer_client, order)

    assert FORMULATION not in response.content.decode()


def test_probation_sees_nothing_after_consent_is_withdrawn(officer_client, order):
    assessment = order.recommendation.assessment
    consent = ConsentFactory(referral=assessment.referral, share_with_probation=True)
    assert FORMULATION in _summary(officer_client, order).content.decode()

    services.consent_withdraw(
        consent=consent, withdrawn_on=timezone.localdate(), by=assessment.started_by
    )

    assert FORMULATION not in _summary(officer_client, order).content.decode()
