"""Fixtures for the dashboard tests: the known data set (tests/reporting/known_data.py)
with the clock frozen, and signed-in clients for a commissioner and a team lead.

The dashboard tests only read the data set, so each test module builds it once
(`_built_once`): inside a transaction held open for the module and rolled back after its
last test. Each test's own transaction (pytest-django's `db`) nests inside it as a
savepoint, so whatever a test writes is gone when the test ends. A module uses one of
`known_data`, `pathway_data` or `small_teams`, never two (each builds on the one before).
"""

import dataclasses
from contextlib import contextmanager

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from accounts.enums import Role, TeamKind
from tests.conftest import _LOG_RECORDS, _PEOPLE_SAVED, personal_data_in_logs
from tests.factories import TeamFactory, UserFactory

from .known_data import NOW, build_known_data, build_pathway_data, build_small_teams_data

_open_for_module = []


@contextmanager
def _built_once(django_db_blocker, build):
    """`build()`'s data, kept for the module's tests and rolled back after them."""
    if _open_for_module:
        raise RuntimeError(
            "A test module may use one data set: known_data, pathway_data or small_teams"
        )
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    _open_for_module.append(outer)
    try:
        with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
            data = build()
        # The suite-wide log check (tests/conftest.py), for the build as for a test.
        leak = personal_data_in_logs(list(_LOG_RECORDS.records), list(_PEOPLE_SAVED))
        if leak:
            pytest.fail(f"Personal data of a person saved in the seed was logged: {leak}", False)
        yield data
    finally:
        _open_for_module.pop()
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _copy(data):
    """The data set with its own lists, so a test that adds to them changes no other test."""
    return dataclasses.replace(
        data,
        referrals=list(data.referrals),
        people=list(data.people),
        identifiers=list(data.identifiers),
    )


@pytest.fixture(scope="module")
def _known_data_once(django_db_setup, django_db_blocker):
    with _built_once(django_db_blocker, build_known_data) as data:
        yield data


@pytest.fixture(scope="module")
def _pathway_data_once(django_db_setup, django_db_blocker):
    with _built_once(django_db_blocker, lambda: build_pathway_data(build_known_data())) as data:
        yield data


@pytest.fixture(scope="module")
def _small_teams_once(django_db_setup, django_db_blocker):
    def build():
        return build_small_teams_data(build_pathway_data(build_known_data()))

    with _built_once(django_db_blocker, build) as data:
        yield data


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def known_data(_known_data_once, db, frozen_clock):
    return _copy(_known_data_once)


@pytest.fixture
def pathway_data(_pathway_data_once, db, frozen_clock):
    """The known data with orders, onward referrals and reoffending (build_pathway_data)."""
    return _copy(_pathway_data_once)


@pytest.fixture
def small_teams(_small_teams_once, db, frozen_clock):
    """The known and pathway data with small teams added (known_data.build_small_teams_data)."""
    return _copy(_small_teams_once)


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
def fenland_lead_client(request):
    """Fenland's team lead, signed in, in the test's data set (known_data unless it asks for
    pathway_data or small_teams)."""
    seeds = ("small_teams", "pathway_data")
    seed = next((name for name in seeds if name in request.fixturenames), "known_data")
    client = Client()
    client.force_login(UserFactory(role=Role.TEAM_LEAD, team=request.getfixturevalue(seed).team_a))
    return client
