"""A team lead allocates several referrals at once from the referral list: all of them to
one practitioner through referral_assign, or none (a referral of another team refuses
the lot)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from referrals.models import Referral
from tests.factories import PersonFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:referral_list")
ALLOCATE = reverse("referrals:referral_bulk_allocate")


@pytest.fixture
def sam(team):
    return UserFactory(role=Role.PRACTITIONER, team=team, first_name="Sam", last_name="Jones")


@pytest.fixture
def lead_client(client, team_lead):
    client.force_login(team_lead)
    return client


def _referrals(team, count):
    return [ReferralFactory(person=PersonFactory(team=team)) for _ in range(count)]


def _assigned(referrals):
    return [Referral.objects.values_list("assigned_to", flat=True).get(pk=r.pk) for r in referrals]


def test_bulk_allocation_gives_every_ticked_referral_to_the_practitioner(
    lead_client, team, sam, practitioner
):
    ticked = _referrals(team, 3)
    untouched = _referrals(team, 2)

    response = lead_client.post(
        ALLOCATE,
        {
            "referrals": [r.pk for r in ticked],
            "assigned_to": sam.pk,
            "next": f"{LIST}?status=open&sort=name",
        },
        follow=True,
    )

    assert response.redirect_chain == [(f"{LIST}?status=open&sort=name", 302)]
    assert "3 referrals allocated to Sam Jones" in response.content.decode()
    assert _assigned(ticked) == [sam.pk, sam.pk, sam.pk]
    assert _assigned(untouched) == [None, None]
    audited = AuditEvent.objects.filter(action=AuditAction.CHANGE, detail="assigned")
    assert sorted(audited.values_list("object_id", flat=True)) == sorted(str(r.pk) for r in ticked)


def test_bulk_allocation_with_one_of_another_team_refuses_all(lead_client, team, other_team, sam):
    ours = _referrals(team, 2)
    theirs = _referrals(other_team, 1)

    response = lead_client.post(
        ALLOCATE, {"referrals": [r.pk for r in ours + theirs], "assigned_to": sam.pk}
    )

    assert response.status_code == 404
    assert _assigned(ours + theirs) == [None, None, None]
    assert not AuditEvent.objects.filter(action=AuditAction.CHANGE).exists()
    assert AuditEvent.objects.filter(action=AuditAction.REFUSED).count() == 1


def test_bulk_allocation_refuses_a_practitioner_of_another_team(lead_client, team, outsider):
    ours = _referrals(team, 2)

    response = lead_client.post(
        ALLOCATE, {"referrals": [r.pk for r in ours], "assigned_to": outsider.pk}, follow=True
    )

    assert response.redirect_chain == [(LIST, 302)]
    assert "Choose an active practitioner of your team" in response.content.decode()
    assert _assigned(ours) == [None, None]


def test_bulk_allocation_with_nothing_ticked_says_so(lead_client, team, sam):
    _referrals(team, 2)

    response = lead_client.post(ALLOCATE, {"assigned_to": sam.pk}, follow=True)

    assert "Select the referrals to allocate" in response.content.decode()


def test_bulk_allocation_refused_to_a_practitioner(practitioner_client, team, sam):
    referrals = _referrals(team, 2)

    response = practitioner_client.post(
        ALLOCATE, {"referrals": [r.pk for r in referrals], "assigned_to": sam.pk}
    )

    assert response.status_code == 403
    assert _assigned(referrals) == [None, None]


@pytest.mark.parametrize("next_url", ["https://evil.test/", "//evil.test/", "referrals:my_work"])
def test_bulk_allocation_returns_only_to_a_path_on_this_site(lead_client, team, sam, next_url):
    referrals = _referrals(team, 1)

    response = lead_client.post(
        ALLOCATE, {"referrals": [referrals[0].pk], "assigned_to": sam.pk, "next": next_url}
    )

    assert response.url == LIST
    assert _assigned(referrals) == [sam.pk]


def test_referral_list_shows_checkboxes_and_practitioners_to_a_team_lead_only(
    client, team_lead, practitioner, team, sam, outsider
):
    referrals = _referrals(team, 2)
    client.force_login(team_lead)
    lead_page = client.get(LIST).content.decode()
    client.force_login(practitioner)
    practitioner_page = client.get(LIST).content.decode()

    for referral in referrals:
        assert f'name="referrals" type="checkbox" value="{referral.pk}"' in lead_page
    assert f'<option value="{sam.pk}">Sam Jones</option>' in lead_page
    assert str(outsider) not in lead_page
    assert "Allocate selected" in lead_page
    assert 'name="referrals"' not in practitioner_page
    assert "Allocate selected" not in practitioner_page


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def test_referral_list_for_a_team_lead_query_count_is_the_same_for_1_and_3_rows(
    lead_client, team, sam, django_assert_num_queries
):
    _referrals(team, 1)
    lead_client.get(LIST)  # warm the session
    with_one_row = _queries_for(lead_client, LIST)
    _referrals(team, 2)

    with django_assert_num_queries(with_one_row):
        response = lead_client.get(LIST)

    assert response.content.decode().count('name="referrals" type="checkbox"') == 3
