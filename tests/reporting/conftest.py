"""Fixtures for the dashboard tests: the known data set (tests/reporting/known_data.py)
with the clock frozen, and signed-in clients for a commissioner and a team lead."""

import pytest
import time_machine
from django.test import Client

from accounts.enums import Role, TeamKind
from tests.factories import TeamFactory, UserFactory

from .known_data import NOW, build_known_data, build_pathway_data, build_small_teams_data


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def known_data(db, frozen_clock):
    return build_known_data()


@pytest.fixture
def pathway_data(known_data):
    return build_pathway_data(known_data)


@pytest.fixture
def small_teams(pathway_data):
    """The known and pathway data with small teams added (known_data.build_small_teams_data)."""
    return build_small_teams_data(pathway_data)


@pytest.fixture
def commissioner(db):
    team = TeamFactory(name="NHS England commissioning", kind=TeamKind.COMMISSIONER)
    return UserFactory(role=Role.COMMISSIONER, team=team, username="commissioner")


@pytest.fixture
def commissioner_client(commissioner):
    client = Client()
    client.force_login(commissioner)
    return client


@pytest.fixture
def fenland_lead_client(known_data):
    client = Client()
    client.force_login(UserFactory(role=Role.TEAM_LEAD, team=known_data.team_a))
    return client
