import re
from collections import Counter

import pytest
from django.urls import reverse

from accounts.enums import Role
from tests.factories import UserFactory

DASHBOARD_URLS = [
    reverse("reporting:dashboard"),
    reverse("reporting:board_summary"),
    reverse("reporting:export_workbook"),
    reverse("reporting:export_table", args=["referrals-by-month", "csv"]),
    reverse("reporting:export_table", args=["referrals-by-month", "xlsx"]),
]


@pytest.mark.parametrize("url", DASHBOARD_URLS)
@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.PROBATION_OFFICER, Role.PROVIDER_CLINICIAN, Role.ADMINISTRATOR]
)
def test_dashboard_refused_to_roles_without_aggregate_access(client, team, role, url):
    client.force_login(UserFactory(role=role, team=team))

    response = client.get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_dashboard_sends_anonymous_visitors_to_sign_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_dashboard_open_to_commissioner_and_team_lead(client, commissioner, team_lead, url):
    for user in (commissioner, team_lead):
        client.force_login(user)

        assert client.get(url).status_code == 200


def test_dashboard_before_first_run_says_data_never_refreshed(client, commissioner):
    client.force_login(commissioner)

    response = client.get(reverse("reporting:dashboard"))

    assert "the overnight run has not completed yet" in response.text


def test_dashboard_team_lead_without_team_refused(client, db):
    client.force_login(UserFactory(role=Role.TEAM_LEAD, team=None))

    assert client.get(reverse("reporting:dashboard")).status_code == 403


def test_export_of_unknown_table_is_not_found(client, commissioner):
    client.force_login(commissioner)

    response = client.get(reverse("reporting:export_table", args=["no-such-table", "csv"]))

    assert response.status_code == 404


def test_dashboard_page_has_unique_element_ids(client, commissioner):
    client.force_login(commissioner)
    ids = Counter(re.findall(r'\bid="([^"]+)"', client.get(reverse("reporting:dashboard")).text))

    assert [name for name, n in ids.items() if n > 1] == []
