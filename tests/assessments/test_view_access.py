"""Who may see an assessment's screens and panels (an outsider and a probation officer without
consent see nothing), and the panel's and timeline's fixed query counts.
"""

import pytest
from django.urls import reverse

from .factories import (
    ConsentFactory,
    InstrumentResponseFactory,
    OnwardReferralFactory,
    ScreeningFactory,
    signed_assessment,
)
from .helpers import team_assessment

pytestmark = pytest.mark.django_db


# Access ------------------------------------------------------------------------------


VIEW_NAMES = ["assessment_detail", "sign", "addendum", "summary"]


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_outsider_sees_nothing_of_an_assessment(outsider_client, practitioner, name):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    ConsentFactory(referral=assessment.referral, share_with_court=True)

    response = outsider_client.get(reverse(f"assessments:{name}", args=[assessment.pk]))

    assert response.status_code == 404  # the policy's answer out of scope, not a redirect
    assert assessment.referral.person.family_name not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "args"),
    [("section", ["formulation"]), ("instrument", ["phq-9"])],
)
def test_outsider_cannot_open_steps(outsider_client, practitioner, name, args):
    assessment = team_assessment(practitioner)

    response = outsider_client.get(reverse(f"assessments:{name}", args=[assessment.pk, *args]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["consent_record", "onward_record"])
def test_outsider_cannot_record_on_referral(outsider_client, referral, name):
    response = outsider_client.get(reverse(f"assessments:{name}", args=[referral.pk]))

    assert response.status_code == 404


def test_outsider_cannot_withdraw_consent_or_record_outcome(outsider_client, referral):
    consent = ConsentFactory(referral=referral)
    onward = OnwardReferralFactory(referral=referral)

    assert (
        outsider_client.get(reverse("assessments:consent_withdraw", args=[consent.pk])).status_code
        == 404
    )
    assert (
        outsider_client.get(reverse("assessments:onward_outcome", args=[onward.pk])).status_code
        == 404
    )


def test_probation_officer_without_consent_sees_no_detail(client, probation_officer, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    client.force_login(probation_officer)

    detail = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]), follow=True)
    section = client.get(reverse("assessments:section", args=[assessment.pk, "formulation"]))
    summary = client.get(reverse("assessments:summary", args=[assessment.pk]))

    for response, code in ((detail, 404), (section, 403), (summary, 404)):
        assert response.status_code == code
        html = response.content.decode()
        assert "Depression maintained" not in html
        assert assessment.referral.person.family_name not in html


def test_referral_panel_not_offered_to_probation(probation_officer, practitioner):
    from django.test import RequestFactory

    from assessments.selectors import referral_panel

    assessment = team_assessment(practitioner)
    request = RequestFactory().get("/")
    request.user = probation_officer

    assert referral_panel(request, assessment.referral) is None


@pytest.mark.parametrize("rows", [1, 3])
def test_referral_panel_queries_do_not_grow_with_rows(
    rows, practitioner, django_assert_num_queries
):
    from django.test import RequestFactory

    from assessments.selectors import referral_panel

    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    for _ in range(rows):
        OnwardReferralFactory(referral=assessment.referral)
        ConsentFactory(referral=assessment.referral)
    InstrumentResponseFactory(assessment=assessment)
    ScreeningFactory(referral=assessment.referral)
    request = RequestFactory().get("/")
    request.user = practitioner

    with django_assert_num_queries(6):
        panel = referral_panel(request, assessment.referral)
        rendered = [o.get_service_display() for o in panel["context"]["onward"]]
    assert len(rendered) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_timeline_queries_do_not_grow_with_rows(rows, practitioner, django_assert_num_queries):
    from assessments.selectors import assessment_events

    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    for _ in range(rows):
        OnwardReferralFactory(referral=assessment.referral)
        ConsentFactory(referral=assessment.referral)

    with django_assert_num_queries(6):
        events = assessment_events(assessment.referral.person, practitioner)
    assert sum(1 for e in events if e["title"].startswith("Referred on")) == rows


def test_timeline_lists_assessment_events_for_team_only(practitioner, outsider):
    from referrals.selectors import person_timeline

    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    person = assessment.referral.person

    titles = [event["title"] for event in person_timeline(person, practitioner)]
    outsider_titles = [event["title"] for event in person_timeline(person, outsider)]

    assert "Assessment signed" in titles
    assert "Assessment signed" not in outsider_titles
