import base64
import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, TeamKind
from api import services
from referrals.models import Vulnerability
from tests.factories import SiteFactory, TeamFactory, UserFactory
from tests.referrals.helpers import ensure_reference_data

TOKEN_URL = reverse("api:token")
CREATE_URL = reverse("api:referral_create")
_keys = itertools.count(1)


@pytest.fixture
def administrator(db):
    admin_team = TeamFactory(name="Service administration", kind=TeamKind.ADMINISTRATION)
    return UserFactory(role=Role.ADMINISTRATOR, team=admin_team, username="admin1")


@pytest.fixture
def second_administrator(administrator):
    """The administrator who approves what `administrator` registers."""
    return UserFactory(role=Role.ADMINISTRATOR, team=administrator.team, username="admin2")


@pytest.fixture
def register(administrator, second_administrator):
    """register(team, scopes) -> (ApiClient, secret), as the admin screen's service does."""

    def build(team, scopes, name=None, approve=True):
        client, secret = services.client_register(
            name=name or f"System {next(_keys)}", team=team, scopes=scopes, by=administrator
        )
        if approve:
            services.client_approve(
                client=client, expected_version=client.version, by=second_administrator
            )
        return client, secret

    return build


def token_for(client, api_client, secret) -> str | None:
    basic = base64.b64encode(f"{api_client.application.client_id}:{secret}".encode()).decode()
    response = client.post(
        TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    return response.json().get("access_token") if response.status_code == 200 else None


def bearer(token) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def custody(register, team, site):
    """A custody system's client for the L&D team, and a token."""

    def build(client, scopes=("referrals:write", "referrals:read")):
        api_client, secret = register(team, list(scopes))
        return api_client, token_for(client, api_client, secret)

    return build


@pytest.fixture
def referral_body(site):
    ensure_reference_data()
    received = timezone.now() - datetime.timedelta(hours=2)

    def build(**person):
        return {
            "person": {
                "given_name": "Rhiannon",
                "family_name": "Pritchard",
                "date_of_birth": "1990-03-27",
                "gender": "female",
                "nhs_number": "943 476 5919",
                **person,
            },
            "referral": {
                "source": "police_custody",
                "site_id": site.pk,
                "received_at": received.isoformat(),
                "referrer_name": "Sgt Amy Fox",
                "referrer_role": "custody_staff",
                "referrer_organisation": "Cambridgeshire Constabulary",
                "reason": "Distressed at booking-in.",
                "urgency": "urgent",
                "vulnerability_ids": [Vulnerability.objects.get(code="mental-health").pk],
            },
        }

    return build


def create(client, token, body, key="key-1"):
    return client.post(
        CREATE_URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **bearer(token)
    )


@pytest.fixture
def probation_team(db):
    return TeamFactory(name="Cambridge probation delivery unit", kind=TeamKind.PROBATION)


@pytest.fixture
def other_site(other_team):
    return SiteFactory(team=other_team, name="Charing Cross custody suite")
