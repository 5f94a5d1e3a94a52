"""Contract tests: schemathesis generates calls from the live OpenAPI schema and checks
every answer (no server error, status, content type and body as the schema says).

Bounded for CI (a few examples per operation, well under a minute)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from config.wsgi import application
from tests.factories import PersonFactory, ReferralFactory

from .conftest import bearer

# Loaded from the running app (the schema view needs no database). Not through a fixture:
# schemathesis' from_fixture reads a node attribute pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def caller(client, custody, team, referral_body):
    """A custody client with every scope of its team, a referral of its team to read."""
    referral_body()  # the reference data a valid body names
    ReferralFactory(team=team, person=PersonFactory(team=team))
    _api_client, token = custody(client)
    return bearer(token)["HTTP_AUTHORIZATION"]


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, caller):
    # Every check but "schema-valid data is accepted": the API refuses (422) what the
    # intake screen refuses (a site of another team, an unknown id), which a schema cannot say.
    case.call_and_validate(
        headers={"Authorization": caller}, excluded_checks=[positive_data_acceptance]
    )


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
