"""Who sees the team workload (only those the policy gives Kind.WORKLOAD, audited), its fixed
query counts, and its threshold setting.
"""

import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from accounts.policy import POLICY, Action, Kind, Scope
from tests.factories import ReferralFactory, UserFactory

from .factories import AppointmentFactory, ProbationOfficerFactory, ProbationTeamFactory
from .workload_world import (
    ANN,
    at,
    clock_fixture,  # noqa: F401 - a fixture
    ld_fixture,  # noqa: F401 - a fixture
    order_held,
    unit_fixture,  # noqa: F401 - a fixture
)

# Who sees it ------------------------------------------------------------------------------


def test_team_lead_sees_their_own_team_only_and_is_audited(ld, client):
    client.force_login(ld["lead"])

    response = client.get(reverse("treatment_requirements:team_workload"))

    assert response.status_code == 200
    names = [row.name for row in response.context["workload"].rows]
    assert names == [
        "Lea " + ld["lead"].last_name,
        "Pat " + ld["pat"].last_name,
        "Rob " + ld["rob"].last_name,
        "Not assigned",
        "Someone no longer in the team",
    ]
    assert "Sam" not in response.content.decode()  # moved team: never named here
    assert "Gus" not in response.content.decode()  # left: never named here
    assert (
        AuditEvent.objects.filter(
            user=ld["lead"],
            action=AuditAction.VIEW,
            object_type="accounts.team",
            object_id=str(ld["team"].pk),
        ).count()
        == 1
    )


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.PROBATION_OFFICER, Role.COMMISSIONER])
def test_other_roles_are_refused_the_workload(ld, client, role):
    client.force_login(UserFactory(role=role, team=ld["team"]))

    response = client.get(reverse("treatment_requirements:team_workload"))

    assert response.status_code == 403
    assert "Pat" not in response.content.decode()


def test_the_workload_link_is_on_my_work_for_the_team_lead_only(ld, client):
    url = reverse("treatment_requirements:team_workload")
    client.force_login(ld["lead"])
    assert url in client.get(reverse("referrals:my_work")).content.decode()
    client.force_login(ld["pat"])
    assert url not in client.get(reverse("referrals:my_work")).content.decode()


def test_a_role_given_the_workload_over_a_probation_team_sees_its_officers(
    unit, client, monkeypatch
):
    # No probation manager role exists yet; a role the policy gives the cell over a
    # probation team (here, for the test, the probation officer) sees that team's orders.
    cells = {**POLICY[Role.PROBATION_OFFICER], Kind.WORKLOAD: {Action.VIEW: Scope.TEAM}}
    monkeypatch.setitem(POLICY, Role.PROBATION_OFFICER, cells)
    client.force_login(unit["ben"])

    response = client.get(reverse("treatment_requirements:team_workload"))
    caseload = client.get(reverse("treatment_requirements:caseload")).content.decode()

    rows = {r.key: [c.count for c in r.cells] for r in response.context["workload"].rows}
    assert rows == {
        str(unit["ann"].pk): list(ANN.values()),
        str(unit["ben"].pk): [1, 1, 0, 0, 0, 0],
        str(unit["cal"].pk): [0] * 6,
        "elsewhere": [1, 0, 0, 0, 0, 0],
    }
    html = response.content.decode()
    assert f'href="/orders/all/?cases=team&amp;officer={unit["ann"].pk}"' in html
    assert "govuk-table__header--numeric" in html
    assert reverse("treatment_requirements:team_workload") in caseload


def _add_ld_member(team, lead):
    practitioner = UserFactory(role=Role.PRACTITIONER, team=team)
    ReferralFactory(person__team=team, person__created_by=lead, assigned_to=practitioner)


def test_ld_workload_query_count_is_the_same_for_1_and_3_members(
    clock, client, django_assert_num_queries, team
):
    lead = UserFactory(role=Role.TEAM_LEAD, team=team, username="lead")
    ReferralFactory(person__team=team, person__created_by=lead, assigned_to=lead)
    ReferralFactory(person__team=team, person__created_by=lead, assigned_to=None)
    client.force_login(lead)
    url = reverse("treatment_requirements:team_workload")
    client.get(url)  # the session's first touch
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _add_ld_member(team, lead)
    _add_ld_member(team, lead)

    with django_assert_num_queries(len(one)):
        response = client.get(url)

    assert [r.cells[0].count for r in response.context["workload"].rows] == [1, 1, 1, 1]


def test_probation_workload_query_count_is_the_same_for_1_and_3_members(
    clock, client, django_assert_num_queries, monkeypatch
):
    cells = {**POLICY[Role.PROBATION_OFFICER], Kind.WORKLOAD: {Action.VIEW: Scope.TEAM}}
    monkeypatch.setitem(POLICY, Role.PROBATION_OFFICER, cells)
    unit = ProbationTeamFactory(name="Counted unit")
    viewer = ProbationOfficerFactory(team=unit)
    AppointmentFactory(order=order_held(viewer), starts_at=at(27, 9))
    client.force_login(viewer)
    url = reverse("treatment_requirements:team_workload")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(2):
        AppointmentFactory(
            order=order_held(ProbationOfficerFactory(team=unit)), starts_at=at(27, 9)
        )

    with django_assert_num_queries(len(one)):
        response = client.get(url)

    rows = response.context["workload"].rows
    assert [[c.count for c in r.cells][:2] for r in rows] == [[1, 1]] * 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("fifty", "Environment variable LD_WORKLOAD_THRESHOLD is malformed"),
        ("0", "Environment variable LD_WORKLOAD_THRESHOLD must be 1 or more"),
    ],
)
def test_a_malformed_threshold_names_the_variable(settings, value, message):
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.base"],
        env={"LD_WORKLOAD_THRESHOLD": value, "PATH": ""},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_the_threshold_defaults_to_50():
    from config.settings import base

    assert base.LD_WORKLOAD_THRESHOLD == 50
