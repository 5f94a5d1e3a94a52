import pytest

from accounts.enums import Role
from tests.factories import TeamFactory, UserFactory

from .factories import (
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ProviderTeamFactory,
    ready_recommendation,
)


@pytest.fixture
def provider_team(db):
    return ProviderTeamFactory(name="Talking therapies MHTR service")


@pytest.fixture
def probation_team(db):
    return ProbationTeamFactory(name="Cambridge probation delivery unit")


@pytest.fixture
def officer(probation_team):
    return ProbationOfficerFactory(team=probation_team, username="officer")


@pytest.fixture
def order(practitioner, officer, provider_team):
    return make_order(practitioner, officer, provider_team)


def make_order(practitioner, officer, provider_team):
    """An active MHTR + ATR order: assessed by the practitioner's team, supervised by the
    officer's probation team, with the provider team named for the MHTR."""
    from tests.assessments.factories import signed_assessment
    from tests.factories import ReferralFactory

    referral = ReferralFactory(person__team=practitioner.team, person__created_by=practitioner)
    assessment = signed_assessment(referral=referral)
    recommendation = ready_recommendation(assessment=assessment)
    order = OrderFactory(court_outcome__recommendation=recommendation, responsible_officer=officer)
    OrderRequirementFactory(order=order, kind="mhtr_primary", provider=provider_team)
    OrderRequirementFactory(order=order, kind="atr", provider=ProviderTeamFactory())
    return order


@pytest.fixture
def other_officer(db):
    return ProbationOfficerFactory(username="other_officer")


@pytest.fixture
def clinician(provider_team):
    return UserFactory(role=Role.PROVIDER_CLINICIAN, team=provider_team, username="clinician")


@pytest.fixture
def other_clinician(db):
    return UserFactory(
        role=Role.PROVIDER_CLINICIAN, team=ProviderTeamFactory(), username="other_clinician"
    )


@pytest.fixture
def commissioner(db):
    return UserFactory(
        role=Role.COMMISSIONER, team=TeamFactory(kind="commissioner"), username="commissioner"
    )


@pytest.fixture
def administrator(db):
    return UserFactory(
        role=Role.ADMINISTRATOR, team=TeamFactory(kind="administration"), username="admin"
    )
