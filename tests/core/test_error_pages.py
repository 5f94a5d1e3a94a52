"""The error pages (core.errors): in the service's layout, saying what happened and what to
do, with a way back, and nothing that tells whether a record exists or who it is about."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.enums import Role
from core.errors import server_error
from tests.factories import ReferralFactory, UserFactory

SERVICE = "Liaison &amp; Diversion and CSTR"
DESK = 'href="mailto:servicedesk@example.nhs.uk"'
MISSING_PK = 987654


def _main(response) -> str:
    return re.search(r"<main[^>]*>(.*?)</main>", response.content.decode(), re.S).group(1)


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def _link(response, text) -> str | None:
    found = re.search(rf'<a class="govuk-link" href="([^"]*)">{text}</a>', _main(response))
    return found.group(1) if found else None


@pytest.fixture
def elsewhere(other_team):
    """A referral of another team, whose person must not show on any refusal."""
    return ReferralFactory(person__team=other_team, person__family_name="Thistlewood")


def test_unknown_address_signed_out_gets_the_not_found_page_with_a_sign_in_link(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert _title(response) == f"Page not found - {SERVICE}"
    assert _link(response, "Sign in") == reverse("accounts:login")
    assert DESK in _main(response)
    assert 'class="govuk-footer"' in response.content.decode()


def test_record_outside_the_team_and_a_missing_record_get_the_same_not_found_page(
    practitioner_client, elsewhere
):
    outside = practitioner_client.get(reverse("referrals:referral_detail", args=[elsewhere.pk]))
    missing = practitioner_client.get(reverse("referrals:referral_detail", args=[MISSING_PK]))

    assert (outside.status_code, missing.status_code) == (404, 404)
    assert _main(outside) == _main(missing)
    assert _title(outside) == f"Page not found - {SERVICE}"
    assert _link(outside, "Go to My work") == reverse("referrals:my_work")
    body = outside.content.decode()
    for leak in ("Thistlewood", elsewhere.person.nhs_number, f"/{elsewhere.pk}/", "caseload."):
        assert leak not in body
    assert str(MISSING_PK) not in missing.content.decode()


def test_role_refused_gets_the_permission_page_whether_or_not_the_record_exists(client, elsewhere):
    commissioner = UserFactory(role=Role.COMMISSIONER, team=elsewhere.team)
    client.force_login(commissioner)

    existing = client.get(reverse("referrals:referral_detail", args=[elsewhere.pk]))
    missing = client.get(reverse("referrals:referral_detail", args=[MISSING_PK]))

    assert (existing.status_code, missing.status_code) == (403, 403)
    assert _main(existing) == _main(missing)
    assert _title(existing) == f"You do not have permission to view this page - {SERVICE}"
    assert _link(existing, "Go to Dashboards") == reverse("reporting:dashboard")
    assert DESK in _main(existing)
    body = existing.content.decode()
    for leak in (
        "Thistlewood",
        elsewhere.person.nhs_number,
        f"/{elsewhere.pk}/",
        "Your role cannot",
    ):
        assert leak not in body


def test_form_sent_without_a_token_gets_the_service_page_not_djangos(practitioner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)

    response = client.post(reverse("referrals:intake"), {"given_name": "Jane"})

    assert response.status_code == 403
    assert _title(response) == f"Sorry, what you sent could not be saved - {SERVICE}"
    assert "Nothing from that page has been saved" in _main(response)
    assert _link(response, "Go to My work") == reverse("referrals:my_work")
    assert "CSRF" not in response.content.decode()


def test_sign_in_sent_without_a_token_offers_to_sign_in_again(db):
    response = Client(enforce_csrf_checks=True).post(
        reverse("accounts:login"), {"username": "someone", "password": "x"}
    )

    assert response.status_code == 403
    assert _link(response, "Sign in") == reverse("accounts:login")


@pytest.mark.urls("tests.core.error_urls")
def test_view_that_fails_gets_the_problem_page_without_the_failure(practitioner_client):
    practitioner_client.raise_request_exception = False

    response = practitioner_client.get(f"/fails/{MISSING_PK}/")

    assert response.status_code == 500
    assert _title(response) == f"Sorry, there is a problem with the service - {SERVICE}"
    assert _link(response, "Go to the start page") == "/"
    assert DESK in _main(response)
    body = response.content.decode()
    for leak in ("Jane Example", str(MISSING_PK), "RuntimeError", "Traceback", "Sign out"):
        assert leak not in body


def test_problem_page_renders_with_no_database_and_no_request_context():
    # No django_db mark: any query would fail the test.
    response = server_error(RequestFactory().get("/referrals/1/"))

    assert response.status_code == 500
    assert f"<title>Sorry, there is a problem with the service - {SERVICE}</title>" in (
        response.content.decode()
    )
    assert DESK in response.content.decode()


def test_request_for_another_host_gets_the_bad_request_page(client, db):
    response = client.get(reverse("accounts:login"), HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert _title(response) == f"Sorry, the service could not understand that request - {SERVICE}"
    assert _link(response, "Go to the start page") == "/"
    assert "evil.example" not in response.content.decode()
