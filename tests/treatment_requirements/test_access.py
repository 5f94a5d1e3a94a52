"""Access for every role: the order is limited to its probation team, the named provider and
the L&D team that assessed; everyone else gets nothing, with the data present."""

import pytest
from django.urls import reverse

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from accounts.policy import Action, Kind, scoped
from assessments.models import Assessment
from referrals.models import Person
from tests.assessments.factories import ConsentFactory
from treatment_requirements.models import Order, Recommendation

pytestmark = pytest.mark.django_db

ORDER_EXPECTED = {
    "practitioner": 200,
    "outsider": 404,
    "officer": 200,
    "other_officer": 404,
    "clinician": 200,
    "other_clinician": 404,
    "commissioner": 403,
    "administrator": 403,
}


@pytest.fixture
def users(
    practitioner,
    outsider,
    officer,
    other_officer,
    clinician,
    other_clinician,
    commissioner,
    administrator,
):
    return {
        "practitioner": practitioner,
        "outsider": outsider,
        "officer": officer,
        "other_officer": other_officer,
        "clinician": clinician,
        "other_clinician": other_clinician,
        "commissioner": commissioner,
        "administrator": administrator,
    }


@pytest.mark.parametrize(("who", "status"), ORDER_EXPECTED.items())
def test_order_detail_access_by_role(client, order, users, who, status):
    client.force_login(users[who])
    response = client.get(reverse("treatment_requirements:order_detail", args=[order.pk]))
    assert response.status_code == status
    if status != 200:
        assert order.person.family_name not in response.content.decode()
    else:
        assert order.person.full_name in response.content.decode()
        assert AuditEvent.objects.filter(
            action=AuditAction.VIEW, person_id=order.person_id, user=users[who]
        ).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("practitioner", 403),  # L&D may view the order but not change it
        ("outsider", 403),
        ("officer", 200),
        ("other_officer", 404),
        ("clinician", 200),
        ("other_clinician", 404),
        ("commissioner", 403),
        ("administrator", 403),
    ],
)
def test_appointment_booking_access_by_role(client, order, users, who, status):
    client.force_login(users[who])
    response = client.get(reverse("treatment_requirements:appointment_new", args=[order.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("other_officer", 404),
        ("clinician", 403),  # the provider records attendance, not enforcement
        ("practitioner", 403),
        ("commissioner", 403),
    ],
)
def test_enforcement_access_by_role(client, order, users, who, status):
    from .factories import FailureFactory

    failure = FailureFactory(order=order)
    client.force_login(users[who])
    response = client.get(
        reverse("treatment_requirements:failure_action", args=[order.pk, failure.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "consented", "status"),
    [
        ("practitioner", False, 200),
        ("outsider", False, 404),
        ("officer", True, 200),
        ("officer", False, 404),
        ("other_officer", True, 404),
        ("clinician", True, 403),
        ("commissioner", True, 403),
        ("administrator", True, 403),
    ],
)
def test_recommendation_access_by_role_and_consent(client, order, users, who, consented, status):
    if consented:
        ConsentFactory(referral=order.referral, share_with_probation=True, share_with_court=True)
    client.force_login(users[who])
    response = client.get(
        reverse("treatment_requirements:recommendation_detail", args=[order.recommendation.pk])
    )
    assert response.status_code == status
    if status != 200:
        assert order.person.family_name not in response.content.decode()


def test_recommendation_hidden_from_probation_after_consent_withdrawn(client, order, officer):
    from assessments.services import consent_withdraw

    consent = ConsentFactory(referral=order.referral, share_with_probation=True)
    consent_withdraw(consent=consent, withdrawn_on=consent.given_on, by=officer)
    client.force_login(officer)
    response = client.get(
        reverse("treatment_requirements:recommendation_detail", args=[order.recommendation.pk])
    )
    assert response.status_code == 404


def test_scopes_select_people_and_assessments(order, officer, clinician, other_officer):
    people = Person.objects.all()
    assert list(scoped(officer, Action.VIEW, Kind.PERSON, people)) == [order.person]
    assert list(scoped(clinician, Action.VIEW, Kind.PERSON, people)) == [order.person]
    assert list(scoped(other_officer, Action.VIEW, Kind.PERSON, people)) == []
    assessments = Assessment.objects.all()
    assert list(scoped(officer, Action.VIEW, Kind.ASSESSMENT, assessments)) == []
    ConsentFactory(referral=order.referral, share_with_probation=True)
    assert list(scoped(officer, Action.VIEW, Kind.ASSESSMENT, assessments)) == [
        order.recommendation.assessment
    ]
    assert list(scoped(other_officer, Action.VIEW, Kind.ASSESSMENT, assessments)) == []
    assert (
        scoped(officer, Action.VIEW, Kind.RECOMMENDATION, Recommendation.objects.all()).count() == 1
    )


def test_consent_to_share_not_including_probation_keeps_assessment_hidden(order, officer):
    ConsentFactory(referral=order.referral, share_with_court=True, share_with_probation=False)
    assert not scoped(officer, Action.VIEW, Kind.ASSESSMENT, Assessment.objects.all()).exists()


def test_caseload_shows_only_own_team_orders(client, order, other_officer, officer):
    client.force_login(other_officer)
    response = client.get(reverse("treatment_requirements:caseload"))
    assert response.status_code == 200
    assert order.person.family_name not in response.content.decode()
    client.force_login(officer)
    response = client.get(reverse("treatment_requirements:caseload"))
    assert order.person.full_name in response.content.decode()


@pytest.mark.parametrize("who", ["commissioner", "administrator"])
def test_caseload_refused_to_roles_without_orders(client, users, who):
    client.force_login(users[who])
    assert client.get(reverse("treatment_requirements:caseload")).status_code == 403


def test_orders_scope_for_provider_ignores_other_providers(order, other_clinician):
    assert not scoped(other_clinician, Action.VIEW, Kind.ORDER, Order.objects.all()).exists()
