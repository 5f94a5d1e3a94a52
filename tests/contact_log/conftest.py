"""Two L&D teams and a probation team around several people, each with several referrals.

- Rhiannon (`shared`): referrals in team A and in team B, and an order supervised by the
  probation team (made from team A's referral);
- Tobias (`a_only`): two referrals in team A only;
- Wilhelmina (`b_only`): one referral in team B only.
"""

from types import SimpleNamespace

import pytest

from accounts.enums import Role, TeamKind
from tests.factories import ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import OrderFactory, ready_recommendation


@pytest.fixture
def world(db):
    team_a = TeamFactory(name="Contact L&D team A")
    team_b = TeamFactory(name="Contact L&D team B")
    probation = TeamFactory(name="Contact probation unit", kind=TeamKind.PROBATION)
    users = SimpleNamespace(
        a=UserFactory(role=Role.PRACTITIONER, team=team_a, username="ada", first_name="Ada"),
        a2=UserFactory(role=Role.PRACTITIONER, team=team_a, username="abe", first_name="Abe"),
        lead_a=UserFactory(role=Role.TEAM_LEAD, team=team_a, username="alma", first_name="Alma"),
        b=UserFactory(role=Role.PRACTITIONER, team=team_b, username="bea", first_name="Bea"),
        officer=UserFactory(
            role=Role.PROBATION_OFFICER, team=probation, username="otto", first_name="Otto"
        ),
        clinician=UserFactory(
            role=Role.PROVIDER_CLINICIAN,
            team=TeamFactory(name="Contact provider", kind=TeamKind.TREATMENT_PROVIDER),
            username="cleo",
        ),
    )
    shared_a = ReferralFactory(
        person__team=team_a, person__given_name="Rhiannon", team=team_a, created_by=users.a
    )
    shared = shared_a.person
    shared_a2 = ReferralFactory(person=shared, team=team_a, created_by=users.a)
    shared_b = ReferralFactory(person=shared, team=team_b, created_by=users.b)
    from tests.assessments.factories import signed_assessment

    assessment = signed_assessment(referral=shared_a2, started_by=users.a)
    order = OrderFactory(
        court_outcome__recommendation=ready_recommendation(assessment=assessment),
        responsible_officer=users.officer,
        probation_team=probation,
    )
    a_only = ReferralFactory(person__team=team_a, person__given_name="Tobias", team=team_a)
    ReferralFactory(person=a_only.person, team=team_a)
    b_only = ReferralFactory(person__team=team_b, person__given_name="Wilhelmina", team=team_b)
    return SimpleNamespace(
        team_a=team_a,
        team_b=team_b,
        probation=probation,
        users=users,
        shared=shared,
        shared_a=shared_a,
        shared_a2=shared_a2,
        shared_b=shared_b,
        assessment=assessment,
        order=order,
        a_only=a_only.person,
        a_only_referral=a_only,
        b_only=b_only.person,
    )
