"""Nothing a signed-in user sees, and no download, may be kept by a browser or proxy
(`Cache-Control: no-store`, accounts.middleware.NoStoreMiddleware): custody suites share
terminals, and the back button after signing out must not show the last person's record.
Public pages stay cacheable."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.enums import Role, TeamKind
from tests.factories import ReferralFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _not_stored(response) -> bool:
    return {"no-store", "private"} <= _directives(response)


@pytest.fixture
def referral(team, practitioner):
    return ReferralFactory(person__team=team, person__created_by=practitioner)


@pytest.fixture
def commissioner(db):
    team = TeamFactory(name="NHS England commissioning", kind=TeamKind.COMMISSIONER)
    return UserFactory(role=Role.COMMISSIONER, team=team, username="commissioner")


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_pages_of_a_signed_in_user_are_never_stored(practitioner, team_lead, referral):
    client = _signed_in(practitioner)
    pages = {
        "my work": client.get(reverse("referrals:my_work")),
        "person": client.get(reverse("referrals:person_detail", args=[referral.person_id])),
        "password": client.get(reverse("accounts:password_change")),
        "refused (403)": client.get(reverse("accounts:audit_search")),
        "not found (404)": client.get("/people/999999999/"),
        "redirect": client.get(reverse("accounts:home")),
    }
    pages["team lead's referral list"] = _signed_in(team_lead).get(
        reverse("referrals:referral_list")
    )

    statuses = {name: page.status_code for name, page in pages.items()}
    assert statuses == {
        "my work": 200,
        "person": 200,
        "password": 200,
        "refused (403)": 403,
        "not found (404)": 404,
        "redirect": 302,
        "team lead's referral list": 200,
    }
    assert [name for name, page in pages.items() if not _not_stored(page)] == []


def test_administration_pages_are_never_stored(admin_user_client):
    response = admin_user_client.get(reverse("accounts:admin_user_list"))

    assert response.status_code == 200
    assert _not_stored(response)


@pytest.fixture
def admin_user_client(db):
    admin = UserFactory(role=Role.ADMINISTRATOR, team=None, username="administrator")
    return _signed_in(admin)


@pytest.mark.parametrize(
    "url",
    [
        reverse("reporting:export_table", args=["referrals-by-month", "csv"]),
        reverse("reporting:export_table", args=["referrals-by-month", "xlsx"]),
        reverse("reporting:export_workbook"),
    ],
)
def test_dashboard_downloads_are_never_stored(commissioner, url):
    response = _signed_in(commissioner).get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert _not_stored(response)


def test_subject_access_download_is_never_stored(team_lead, referral):
    response = _signed_in(team_lead).get(
        reverse("referrals:subject_access_json", args=[referral.person_id])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert _not_stored(response)


def test_signing_in_and_signing_out_answers_are_never_stored(practitioner):
    client = Client()

    signed_in = client.post(
        reverse("accounts:login"),
        {"username": "practitioner", "password": "correct horse battery staple"},
    )
    signed_out = client.post(reverse("accounts:logout"))

    assert signed_in.status_code == 302
    assert _not_stored(signed_in)
    assert signed_out.status_code == 302
    # Signed out by this very response: the page it answers with is public again.
    assert client.get(reverse("accounts:login")).status_code == 200


# The sign-in page and the health check are never cached either, by their own views
# (never_cache): the middleware adds nothing to anonymous pages.
def test_public_pages_stay_cacheable(client, db):
    response = client.get(reverse("accessibility"))

    assert response.status_code == 200
    assert "no-store" not in _directives(response)


def test_static_files_stay_cacheable(client, practitioner):
    client.force_login(practitioner)

    response = client.get("/static/js/session-timeout.js")

    assert response.status_code == 200
    assert "no-store" not in _directives(response)


def test_security_headers_stay_beside_no_store(practitioner):
    response = _signed_in(practitioner).get(reverse("referrals:my_work"))

    assert _not_stored(response)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
