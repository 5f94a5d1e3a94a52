"""Shared seed for the security tests: one person with a referral in L&D team A, and a
user of every role. Extend `seed` when new record kinds need URLs built from them (add the
objects as attributes, and their personal data to `secrets`)."""

from types import SimpleNamespace

import pytest

from accounts.enums import Role, TeamKind
from tests.factories import ReferralFactory, TeamFactory, UserFactory

# Who tries each URL: one user per role, an L&D practitioner of another team, and nobody.
VISITORS = [*Role.values, "outsider", "anonymous"]
_TEAM_KIND = {
    Role.PRACTITIONER: TeamKind.LIAISON_DIVERSION,
    Role.TEAM_LEAD: TeamKind.LIAISON_DIVERSION,
    Role.PROBATION_OFFICER: TeamKind.PROBATION,
    Role.PROVIDER_CLINICIAN: TeamKind.TREATMENT_PROVIDER,
    Role.COMMISSIONER: TeamKind.COMMISSIONER,
    Role.ADMINISTRATOR: TeamKind.ADMINISTRATION,
}


@pytest.fixture
def seed(db):
    team_a = TeamFactory(name="Matrix L&D team A")
    referral = ReferralFactory(
        person__team=team_a,
        person__given_name="Quentin",
        person__family_name="Zebedee-Marsh",
    )
    users = {
        role: UserFactory(
            role=role,
            username=f"matrix-{role}",
            team=team_a
            if _TEAM_KIND[role] == TeamKind.LIAISON_DIVERSION
            else TeamFactory(name=f"Matrix {role} team", kind=_TEAM_KIND[role]),
        )
        for role in Role.values
    }
    users["outsider"] = UserFactory(
        role=Role.PRACTITIONER, username="matrix-outsider", team=TeamFactory(name="Matrix B")
    )
    person = referral.person
    return SimpleNamespace(
        person=person,
        referral=referral,
        users=users,
        secrets=[
            person.given_name,
            person.family_name,
            person.nhs_number,
            person.nhs_number_display,
        ],
    )
