"""Every call to the token endpoint is audited with the client id (never the secret or the
token), the outcome and the caller's address; a revoked or unapproved client gets no token;
administrators find the refusals as failed sign-ins on the audit search."""

import base64
import hashlib
import logging

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from api import services
from tests.factories import TeamFactory

from .conftest import TOKEN_URL

NO_SUCH = hashlib.sha256(b"no-such-client").hexdigest()


def _basic(client_id, secret) -> dict:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {encoded}"}


def _ask(client, client_id, secret, *, in_body=False):
    form = {"grant_type": "client_credentials"}
    if in_body:
        return client.post(TOKEN_URL, {**form, "client_id": client_id, "client_secret": secret})
    return client.post(TOKEN_URL, form, **_basic(client_id, secret), REMOTE_ADDR="192.0.2.7")


def _rows():
    return list(
        AuditEvent.objects.filter(detail__startswith="api token")
        .order_by("id")
        .values_list("action", "username", "object_id", "detail", "ip_address")
    )


@pytest.fixture
def two_clients(register):
    """A custody client of Fenland L&D and one of Norwich L&D, with their secrets."""
    fenland = register(TeamFactory(name="Fenland L&D"), ["referrals:write"], name="Fenland")
    norwich = register(TeamFactory(name="Norwich L&D"), ["referrals:write"], name="Norwich")
    return fenland, norwich


@pytest.mark.django_db
def test_issued_token_is_a_sign_in_of_that_client_only(client, two_clients):
    (fenland, secret), (norwich, _other) = two_clients
    client_id = fenland.application.client_id

    response = _ask(client, client_id, secret)

    assert response.status_code == 200
    assert _rows() == [
        (
            "sign_in",
            fenland.service_user.username,
            str(fenland.pk),
            f"api token issued; client id {client_id}",
            "192.0.2.7",
        )
    ]
    assert norwich.service_user.username not in str(_rows())


@pytest.mark.django_db
def test_each_refusal_is_a_failed_sign_in_saying_why(client, administrator, two_clients):
    (fenland, fenland_secret), (norwich, norwich_secret) = two_clients
    services.client_revoke(
        client=norwich, reason="Replaced", expected_version=norwich.version, by=administrator
    )
    waiting, waiting_secret = services.client_register(
        name="Ipswich",
        team=TeamFactory(name="Ipswich L&D"),
        scopes=["referrals:write"],
        by=administrator,
    )

    answers = [
        _ask(client, "no-such-client", "anything"),
        _ask(client, fenland.application.client_id, "not-the-secret"),
        _ask(client, norwich.application.client_id, norwich_secret),
        _ask(client, waiting.application.client_id, waiting_secret),
    ]

    assert [a.status_code for a in answers] == [401, 401, 401, 401]
    # The same answer for each: a caller without the secret learns nothing of the client.
    assert len({a.content for a in answers}) == 1
    assert answers[0].json() == {"error": "invalid_client"}
    assert [(r[0], r[1], r[3]) for r in _rows()] == [
        (
            "sign_in_failed",
            "",
            f"api token refused: unknown client; client id unregistered, sha256 {NO_SUCH[:12]}",
        ),
        (
            "sign_in_failed",
            fenland.service_user.username,
            f"api token refused: bad secret; client id {fenland.application.client_id}",
        ),
        (
            "sign_in_failed",
            norwich.service_user.username,
            f"api token refused: revoked; client id {norwich.application.client_id}",
        ),
        (
            "sign_in_failed",
            waiting.service_user.username,
            f"api token refused: unapproved; client id {waiting.application.client_id}",
        ),
    ]
    assert all(row[4] == "192.0.2.7" for row in _rows())


@pytest.mark.django_db
def test_credentials_in_the_body_are_audited_too(client, two_clients):
    (fenland, secret), _norwich = two_clients

    issued = _ask(client, fenland.application.client_id, secret, in_body=True)
    refused = _ask(client, "", "", in_body=True)

    assert (issued.status_code, refused.status_code) == (200, 401)
    assert [r[3].split(";")[0] for r in _rows()] == [
        "api token issued",
        "api token refused: no client id",
    ]
    assert _rows()[1][3].endswith("client id none")


@pytest.mark.django_db
def test_secret_and_token_never_reach_the_trail_or_the_logs(client, two_clients, caplog):
    (fenland, secret), _norwich = two_clients
    caplog.set_level(logging.DEBUG)

    token = _ask(client, fenland.application.client_id, secret).json()["access_token"]
    _ask(client, fenland.application.client_id, secret + "x")
    _ask(client, secret, secret)  # a secret pasted as the client id is kept only as an id

    trail = str(list(AuditEvent.objects.values()))
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert token not in trail and token not in logged
    assert secret not in trail and secret not in logged
    assert f"api token issued; client id {fenland.application.client_id}" in trail


@pytest.mark.django_db
def test_administrators_find_token_refusals_with_failed_sign_ins(
    client, administrator, two_clients
):
    (fenland, _secret), _norwich = two_clients
    _ask(client, fenland.application.client_id, "not-the-secret")
    client.force_login(administrator)

    html = client.get(reverse("accounts:audit_search"), {"action": "sign_in_failed"}).content
    page = html.decode()

    assert "api token refused: bad secret" in page
    assert fenland.service_user.username in page
