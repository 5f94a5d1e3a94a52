"""Creating and reading referrals through the API as a custody system's client."""

import pytest
from django.urls import reverse

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from api.models import IdempotencyKey
from referrals.models import Person, Referral
from tests.factories import PersonFactory, ReferralFactory

from .conftest import CREATE_URL, bearer, create

PROBLEM = "application/problem+json"


@pytest.mark.django_db
def test_create_records_person_and_referral_in_the_clients_team(
    client, custody, referral_body, team
):
    api_client, token = custody(client)

    response = create(client, token, referral_body())

    referral = Referral.objects.get()
    assert response.status_code == 201
    assert response["Location"] == reverse("api:referral_detail", args=[referral.pk])
    assert response.json()["id"] == referral.pk
    assert response.json()["status"] == "received"
    assert (referral.team, referral.person.team) == (team, team)
    assert referral.created_by == api_client.service_user
    assert referral.person.nhs_number == "9434765919"


@pytest.mark.django_db
def test_same_key_and_body_answers_with_the_same_referral(client, custody, referral_body):
    _api_client, token = custody(client)
    first = create(client, token, referral_body(), key="abc")

    again = create(client, token, referral_body(), key="abc")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused(client, custody, referral_body):
    _api_client, token = custody(client)
    create(client, token, referral_body(), key="abc")

    response = create(client, token, referral_body(given_name="Rhian"), key="abc")

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_create_without_idempotency_key_is_refused(client, custody, referral_body):
    _api_client, token = custody(client)

    response = client.post(
        CREATE_URL, referral_body(), content_type="application/json", **bearer(token)
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_invalid_nhs_number_is_refused_as_the_screen_refuses_it(client, custody, referral_body):
    _api_client, token = custody(client)

    response = create(client, token, referral_body(nhs_number="943 476 5918"))

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert list(response.json()["errors"]) == ["person.nhs_number"]
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_site_of_another_team_is_refused(client, custody, referral_body, other_site):
    _api_client, token = custody(client)
    body = referral_body()
    body["referral"]["site_id"] = other_site.pk

    response = create(client, token, body)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["referral.site"]


@pytest.mark.django_db
def test_likely_match_answers_409_until_resolved(client, custody, referral_body, team):
    _api_client, token = custody(client)
    known = PersonFactory(
        team=team, given_name="Rhiannon", family_name="Pritchard", date_of_birth="1990-03-27"
    )
    ReferralFactory(person=known, team=team)

    conflict = create(client, token, referral_body(nhs_number=""), key="k1")
    body = referral_body(nhs_number="")
    del body["person"]
    body["person_id"] = known.pk
    resolved = create(client, token, body, key="k2")

    assert conflict.status_code == 409
    assert conflict["Content-Type"] == PROBLEM
    assert conflict.json()["matches"] == [{"person_id": known.pk, "held_elsewhere": False}]
    assert resolved.status_code == 201
    assert resolved.json()["person_id"] == known.pk


@pytest.mark.django_db
def test_likely_match_resolved_as_a_new_person(client, custody, referral_body, team):
    _api_client, token = custody(client)
    PersonFactory(
        team=team, given_name="Rhiannon", family_name="Pritchard", date_of_birth="1990-03-27"
    )
    body = referral_body(nhs_number="")
    body["create_new_person"] = True

    response = create(client, token, body)

    assert response.status_code == 201
    assert Person.objects.filter(family_name="Pritchard").count() == 2


@pytest.mark.django_db
def test_identifier_held_by_another_team_is_named_only_as_held_elsewhere(
    client, custody, referral_body, other_team
):
    _api_client, token = custody(client)
    elsewhere = PersonFactory(team=other_team, nhs_number="9434765919")
    ReferralFactory(person=elsewhere, team=other_team)

    response = create(client, token, referral_body())

    assert response.status_code == 409
    assert response.json()["matches"] == [{"held_elsewhere": True, "teams": [other_team.name]}]
    assert str(elsewhere.pk) not in [str(m.get("person_id")) for m in response.json()["matches"]]


@pytest.mark.django_db
def test_read_shows_status_and_history(client, custody, referral_body):
    _api_client, token = custody(client)
    pk = create(client, token, referral_body()).json()["id"]

    response = client.get(reverse("api:referral_detail", args=[pk]), **bearer(token))

    assert response.status_code == 200
    assert response.json()["status"] == "received"
    assert [(h["from_status"], h["to_status"]) for h in response.json()["history"]] == [
        ("", "received")
    ]


@pytest.mark.django_db
def test_every_call_is_audited_with_the_clients_identity(client, custody, referral_body):
    api_client, token = custody(client)
    pk = create(client, token, referral_body()).json()["id"]

    client.get(reverse("api:referral_detail", args=[pk]), **bearer(token))

    calls = AuditEvent.objects.filter(user=api_client.service_user, detail__startswith="api client")
    assert list(calls.order_by("id").values_list("action", "detail")) == [
        (AuditAction.CREATE, f"api client {api_client.pk} POST 201"),
        (AuditAction.VIEW, f"api client {api_client.pk} GET 200"),
    ]
    assert IdempotencyKey.objects.get().referral_id == pk
