"""Fixtures of the administration screens' tests: an administrator, signed in."""

import pytest

from accounts.enums import Role, TeamKind
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def admin_team(db):
    return TeamFactory(name="Service administration", kind=TeamKind.ADMINISTRATION)


@pytest.fixture
def admin(admin_team):
    return UserFactory(
        role=Role.ADMINISTRATOR,
        team=admin_team,
        username="admin",
        first_name="Ada",
        last_name="Admin",
    )


@pytest.fixture
def administrator_client(client, admin):
    """The test client signed in as the administrator (pytest-django's own is a superuser)."""
    client.force_login(admin)
    return client
