"""Replaying an Idempotency-Key after the referral it created moved to another team: 409
in problem+json (the key was used; the referral is no longer the client's to see), never
the first 201's body (a leak) nor a 404 (nothing is missing)."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from referrals import services as referral_services
from referrals.models import Referral
from tests.factories import UserFactory

from .conftest import bearer, create


@pytest.fixture
def two_referrals(client, custody, referral_body, team, other_team):
    """Two referrals a custody client created with two keys, and its token; the first then
    moved to another L&D team by the team's lead."""
    _api_client, token = custody(client)
    moved = create(client, token, referral_body(), key="custody-A1")
    kept_body = referral_body(
        given_name="Tomasz", family_name="Kowalski", date_of_birth="1984-11-02", nhs_number=""
    )
    kept = create(client, token, kept_body, key="custody-A2")
    referral = Referral.objects.get(pk=moved.json()["id"])
    referral_services.referral_transfer(
        referral=referral,
        team=other_team,
        reason="Lives in their area",
        expected_version=referral.version,
        by=UserFactory(team=team, role=Role.TEAM_LEAD),
    )
    return token, (moved, referral_body()), (kept, kept_body)


@pytest.mark.django_db
def test_replay_after_transfer_is_409_and_says_nothing_of_the_referral(client, two_referrals):
    token, (moved, body), _kept = two_referrals

    again = create(client, token, body, key="custody-A1")

    assert moved.status_code == 201
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    problem = again.json()
    assert problem["title"] == "Conflict"
    assert "no longer one this client may see" in problem["detail"]
    for leak in (str(moved.json()["id"]), moved.json()["reference"], "Pritchard"):
        assert leak not in again.content.decode()
    assert Referral.objects.count() == 2  # nothing created again


@pytest.mark.django_db
def test_other_keys_still_replay_and_another_body_is_still_422(client, two_referrals):
    token, (_moved, body), (kept, kept_body) = two_referrals

    same = create(client, token, kept_body, key="custody-A2")
    changed = {**body, "referral": {**body["referral"], "reason": "Another reason."}}
    other_body = create(client, token, changed, key="custody-A1")
    read = client.get(reverse("api:referral_detail", args=[kept.json()["id"]]), **bearer(token))

    assert (same.status_code, same.json()) == (200, kept.json())
    assert other_body.status_code == 422
    assert read.status_code == 200
