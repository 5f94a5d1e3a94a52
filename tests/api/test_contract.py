"""Contract tests: schemathesis generates calls from the live OpenAPI schema and checks
every answer (no server error, status, content type and body as the schema says).

Bounded for CI (a few examples per operation, well under a minute)."""

import pytest
import schemathesis
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from config.wsgi import application
from tests.factories import PersonFactory, ReferralFactory
from tests.treatment_requirements.factories import (
    AppointmentFactory,
    OrderFactory,
    ProbationOfficerFactory,
)

from .conftest import bearer, token_for

# Loaded from the running app (the schema view needs no database). Not through a fixture:
# schemathesis' from_fixture reads a node attribute pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def callers(client, custody, register, team, probation_team, referral_body):
    """A custody client and a probation client, each with every scope of its team, and
    records of their teams to read: a referral, an order with an appointment."""
    referral_body()  # the reference data a valid body names
    ReferralFactory(team=team, person=PersonFactory(team=team))
    officer = ProbationOfficerFactory(team=probation_team)
    AppointmentFactory(order=OrderFactory(responsible_officer=officer))
    _custody, custody_token = custody(client)
    probation, secret = register(probation_team, ["orders:read", "appointments:write"])
    return {
        "referrals": bearer(custody_token)["HTTP_AUTHORIZATION"],
        "probation": bearer(token_for(client, probation, secret))["HTTP_AUTHORIZATION"],
    }


# Transactional: schemathesis calls the WSGI app itself, whose request end closes the
# database connection (Django's test client stops that; its WSGI client does not), which
# on PostgreSQL would end the test's own transaction.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, callers):
    caller = callers["referrals" if case.path.startswith("/api/v1/referrals") else "probation"]
    # Every check but "schema-valid data is accepted": the API refuses (422) what the
    # intake screen refuses (a site of another team, an unknown id), which a schema cannot say.
    case.call_and_validate(
        headers={"Authorization": caller}, excluded_checks=[positive_data_acceptance]
    )


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    validate_schema(response.json())  # drf-spectacular's OpenAPI 3.0 JSON schema: raises
