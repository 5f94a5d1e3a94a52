"""API clients: registered, rotated and revoked on the administration screen; what each
client's token reaches (issue 19's "Done when")."""

import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from api.models import ApiClient, ApiClientChange
from referrals.selectors import my_work
from tests.factories import PersonFactory, ReferralFactory, UserFactory

from .conftest import bearer, create, token_for

SECRET = re.compile(r'<code id="client-secret">([^<]+)</code>')


def _register_on_screen(client, administrator, team, scopes):
    client.force_login(administrator)
    response = client.post(
        reverse("api_admin:client_create"),
        {"name": "Parkside custody system", "team": team.pk, "scopes": scopes},
    )
    client.logout()
    return response


@pytest.mark.django_db
def _approve_on_screen(client, administrator, api_client):
    client.force_login(administrator)
    response = client.post(
        reverse("api_admin:client_approve", args=[api_client.pk]),
        {"version": api_client.version},
    )
    client.logout()
    return response


def test_client_registered_on_screen_creates_a_referral_that_reaches_my_work(
    client, administrator, second_administrator, team, practitioner, referral_body
):
    response = _register_on_screen(
        client, administrator, team, ["referrals:write", "referrals:read"]
    )
    api_client = ApiClient.objects.get()
    secret = SECRET.search(response.content.decode()).group(1)
    waiting = token_for(client, api_client, secret)
    by_registrant = _approve_on_screen(client, administrator, api_client)
    approved = _approve_on_screen(client, second_administrator, api_client)
    token = token_for(client, api_client, secret)

    first = create(client, token, referral_body(), key="custody-123")
    again = create(client, token, referral_body(), key="custody-123")

    assert response.status_code == 201
    # Until a second administrator approves it, the client gets no token.
    assert waiting is None
    assert token is not None
    assert by_registrant.status_code == 400
    assert "Another administrator must approve" in by_registrant.content.decode()
    assert approved.status_code == 302
    assert ApiClientChange.objects.filter(what="approved", by=second_administrator).exists()
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    unassigned = my_work(user=practitioner)["unassigned"]["rows"]
    assert [r.pk for r in unassigned] == [first.json()["id"]]
    assert api_client.service_user.role == Role.PRACTITIONER
    assert api_client.service_user.team == team
    assert not api_client.service_user.has_usable_password()


@pytest.mark.django_db
def test_secret_is_kept_only_hashed(client, administrator, team):
    response = _register_on_screen(client, administrator, team, ["referrals:write"])

    secret = SECRET.search(response.content.decode()).group(1)
    assert ApiClient.objects.get().application.client_secret != secret


@pytest.mark.django_db
def test_probation_scopes_are_refused_for_an_ld_team(client, administrator, team):
    response = _register_on_screen(client, administrator, team, ["orders:read"])

    assert response.status_code == 400
    assert not ApiClient.objects.exists()


@pytest.mark.django_db
def test_registering_is_for_administrators_only(client, practitioner, team):
    client.force_login(practitioner)

    response = client.post(
        reverse("api_admin:client_create"),
        {"name": "Sneaky", "team": team.pk, "scopes": ["referrals:write"]},
    )

    assert response.status_code == 403
    assert not ApiClient.objects.exists()


@pytest.mark.django_db
def test_client_of_another_team_cannot_read_the_referral(
    client, register, custody, referral_body, other_team
):
    _own, token = custody(client)
    pk = create(client, token, referral_body()).json()["id"]
    other, other_secret = register(other_team, ["referrals:read"])
    other_token = token_for(client, other, other_secret)

    response = client.get(reverse("api:referral_detail", args=[pk]), **bearer(other_token))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "Pritchard" not in response.content.decode()


@pytest.mark.django_db
def test_client_without_the_scope_is_refused(client, custody, referral_body, team):
    _api_client, token = custody(client, scopes=("referrals:read",))
    referral = ReferralFactory(team=team, person=PersonFactory(team=team))

    created = create(client, token, referral_body())
    read = client.get(reverse("api:referral_detail", args=[referral.pk]), **bearer(token))

    assert created.status_code == 403
    assert read.status_code == 200


@pytest.mark.django_db
def test_token_cannot_ask_for_a_scope_the_client_was_not_given(client, register, team):
    api_client, secret = register(team, ["referrals:read"])
    response = client.post(
        reverse("api:token"),
        {
            "grant_type": "client_credentials",
            "scope": "referrals:write",
            "client_id": api_client.application.client_id,
            "client_secret": secret,
        },
    )

    assert response.status_code == 400  # RFC 6749 5.2: a scope not granted is invalid_scope
    assert response.json()["error"] == "invalid_scope"
    assert "access_token" not in response.json()


@pytest.mark.django_db
def test_revoked_clients_token_stops_working(client, administrator, custody, referral_body):
    api_client, token = custody(client)
    client.force_login(administrator)

    revoked = client.post(
        reverse("api_admin:client_revoke", args=[api_client.pk]),
        {"reason": "System decommissioned", "version": api_client.version},
    )
    client.logout()
    response = create(client, token, referral_body())

    assert revoked.status_code == 302
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert list(ApiClientChange.objects.values_list("what", "reason")) == [
        ("revoked", "System decommissioned"),
        ("approved", ""),
        ("registered", ""),
    ]


@pytest.mark.django_db
def test_rotated_secret_replaces_the_old(client, administrator, register, team):
    api_client, old_secret = register(team, ["referrals:read"])
    old_token = token_for(client, api_client, old_secret)
    client.force_login(administrator)

    response = client.post(
        reverse("api_admin:client_rotate", args=[api_client.pk]), {"version": api_client.version}
    )
    client.logout()
    new_secret = SECRET.search(response.content.decode()).group(1)

    assert token_for(client, api_client, old_secret) is None
    assert token_for(client, api_client, new_secret) is not None
    assert (
        client.get(reverse("api:referral_detail", args=[1]), **bearer(old_token)).status_code == 401
    )


@pytest.mark.django_db
def test_stale_rotate_is_refused(client, administrator, register, team):
    api_client, _secret = register(team, ["referrals:read"])
    client.force_login(administrator)

    response = client.post(
        reverse("api_admin:client_rotate", args=[api_client.pk]),
        {"version": api_client.version + 1},
    )

    assert response.status_code == 409


@pytest.mark.django_db
def test_a_session_does_not_open_the_api(client, practitioner, team):
    referral = ReferralFactory(team=team, person=PersonFactory(team=team))
    client.force_login(practitioner)

    response = client.get(reverse("api:referral_detail", args=[referral.pk]))

    assert response.status_code == 401


@pytest.mark.django_db
def test_admin_list_and_detail_show_the_client(client, administrator, register, team):
    api_client, _secret = register(team, ["referrals:read"], name="Parkside custody system")
    client.force_login(administrator)

    listed = client.get(reverse("api_admin:client_list"))
    detail = client.get(reverse("api_admin:client_detail", args=[api_client.pk]))

    assert "Parkside custody system" in listed.content.decode()
    assert api_client.application.client_id in detail.content.decode()
    assert "Registered" in detail.content.decode()


@pytest.mark.django_db
def test_outsider_role_gets_no_admin_list(client, team):
    lead = UserFactory(role=Role.TEAM_LEAD, team=team)
    client.force_login(lead)

    assert client.get(reverse("api_admin:client_list")).status_code == 403
