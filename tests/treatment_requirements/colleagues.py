"""Officers to hand an order to, for test_allocation and test_bulk_allocation: two
colleagues in the supervising probation team and an officer of another team. Import the
fixtures by their function names; tests ask for them by the names given."""

import pytest

from .factories import ProbationOfficerFactory, ProbationTeamFactory


@pytest.fixture(name="colleague")
def colleague_fixture(probation_team):
    return ProbationOfficerFactory(
        team=probation_team, username="colleague", first_name="Sam", last_name="Jones"
    )


@pytest.fixture(name="second_colleague")
def second_colleague_fixture(probation_team):
    return ProbationOfficerFactory(
        team=probation_team, username="colleague2", first_name="Ali", last_name="Khan"
    )


@pytest.fixture(name="other_team")
def other_probation_team_fixture():
    """Another probation team (in these modules, in place of the L&D `other_team`)."""
    return ProbationTeamFactory(name="Peterborough probation delivery unit")


@pytest.fixture(name="officer_elsewhere")
def officer_elsewhere_fixture(other_team):
    return ProbationOfficerFactory(
        team=other_team, username="elsewhere", first_name="Chris", last_name="Lee"
    )
