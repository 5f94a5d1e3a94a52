"""A probation officer sees an assessment only through the consent-gated summary, and
only for people on their caseload who consented to share with probation."""

import datetime

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

    for response, code in ((summary, 404), (detail, 404), (section, 403)):
        assert response.status_code == code
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


# The rule, over several referrals of one person -------------------------------------------


def _decide(referral, at, **fields):
    return ConsentFactory(referral=referral, recorded_at=at, **fields)


def test_consent_rule_reads_each_referrals_own_latest_decision(order):
    from assessments.models import Assessment
    from assessments.selectors import consent_to_share_given
    from tests.assessments.factories import signed_assessment
    from tests.factories import ReferralFactory

    first = order.recommendation.assessment
    second = signed_assessment(referral=ReferralFactory(person=first.referral.person))
    third = signed_assessment(referral=ReferralFactory(person=first.referral.person))
    start = timezone.now() - datetime.timedelta(days=3)
    _decide(first.referral, start, share_with_probation=True)
    _decide(second.referral, start, share_with_probation=True)
    _decide(second.referral, start + datetime.timedelta(hours=1), given=False)
    _decide(third.referral, start, given=False)
    _decide(third.referral, start + datetime.timedelta(hours=1), share_with_probation=True)

    assessments = Assessment.objects.filter(pk__in=[first.pk, second.pk, third.pk])
    given = {a.pk: consent_to_share_given(a, "probation") for a in assessments}

    assert given == {first.pk: True, second.pk: False, third.pk: True}


def test_consent_rule_with_decisions_at_one_moment_takes_the_later_row(order):
    from assessments.selectors import consent_to_share_given

    assessment = order.recommendation.assessment
    at = timezone.now()
    _decide(assessment.referral, at, share_with_probation=True)
    refusal = _decide(assessment.referral, at, given=False)

    assert consent_to_share_given(assessment, "probation") is False
    refusal.delete()
    assert consent_to_share_given(assessment, "probation") is True


def test_consent_rule_names_the_agency(order):
    from assessments.selectors import consent_to_share_given

    assessment = order.recommendation.assessment
    _decide(assessment.referral, timezone.now(), share_with_court=True)

    assert [consent_to_share_given(assessment, a) for a in (None, "court", "probation")] == [
        True,
        True,
        False,
    ]
