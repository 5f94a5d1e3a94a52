"""Shared fixtures.

Tests that need the real PostgreSQL, Redis or a browser use the fixtures below. Without
those services they are skipped on a laptop, but when REQUIRE_SERVICES=1 (as in CI) a
missing service is a failure, never a skip.
"""

import os
import shutil

import pytest
from django.db import connection

from accounts.enums import Role

from .factories import SiteFactory, TeamFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def missing_service(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def postgres(db):
    """The test runs on PostgreSQL (set DATABASE_URL)."""
    if connection.vendor != "postgresql":
        missing_service("this test needs PostgreSQL: set DATABASE_URL")


@pytest.fixture(scope="session")
def redis_url():
    from django.conf import settings

    if not settings.REDIS_URL:
        missing_service("this test needs Redis: set REDIS_URL")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        missing_service(f"Redis at REDIS_URL is not reachable: {exc}")
    return settings.REDIS_URL


@pytest.fixture(scope="session")
def chromium_path():
    path = (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        missing_service("this test needs Debian's chromium package (apt-get install chromium)")
    return path


@pytest.fixture
def team(db):
    return TeamFactory(name="Cambridgeshire & Peterborough L&D")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Westminster custody L&D")


@pytest.fixture
def site(team):
    return SiteFactory(team=team, name="Parkside custody suite")


@pytest.fixture
def practitioner(team):
    return UserFactory(role=Role.PRACTITIONER, team=team, username="practitioner")


@pytest.fixture
def team_lead(team):
    return UserFactory(role=Role.TEAM_LEAD, team=team, username="lead")


@pytest.fixture
def outsider(other_team):
    """A practitioner of another team: must never see this team's people."""
    return UserFactory(role=Role.PRACTITIONER, team=other_team, username="outsider")


@pytest.fixture
def practitioner_client(client, practitioner):
    client.force_login(practitioner)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client
