import pytest

from accounts.enums import Role
from assessments import services
from tests.factories import PersonFactory, ReferralFactory, UserFactory
from tests.treatment_requirements.factories import (
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ProviderTeamFactory,
)

from .factories import AssessmentFactory, ScreeningFactory
from .helpers import order_for


@pytest.fixture
def referral(practitioner, site):
    """A received referral of the practitioner's team."""
    return ReferralFactory(
        person__team=practitioner.team, site=site, person__created_by=practitioner
    )


@pytest.fixture
def screened_referral(referral, practitioner):
    referral.status = "screened"
    referral.save()
    ScreeningFactory(referral=referral, screened_by=practitioner)
    return referral


@pytest.fixture
def probation_officer(db):
    return UserFactory(role=Role.PROBATION_OFFICER, username="probation")


# The self-harm flag's world (test_person_risk, test_self_harm_flag_from_phq9) ---------


@pytest.fixture
def officer(db):
    return ProbationOfficerFactory(team=ProbationTeamFactory(), username="risk_officer")


@pytest.fixture
def provider_team(db):
    return ProviderTeamFactory()


@pytest.fixture
def clinician(provider_team):
    return UserFactory(role=Role.PROVIDER_CLINICIAN, team=provider_team, username="risk_clinician")


@pytest.fixture
def world(practitioner, site, officer, provider_team):
    """Two people of the practitioner's team, each with several referrals and an order.

    At risk: item 9 answered "More than half the days" on a PHQ-9 draft of referral A, every
    other item still unanswered. Not at risk: a complete PHQ-9 with item 9 "Not at all".
    """
    at_risk = PersonFactory(team=practitioner.team, given_name="Ada", family_name="Risk")
    safe = PersonFactory(team=practitioner.team, given_name="Bob", family_name="Safe")
    referral_a = ReferralFactory(person=at_risk, site=site)
    referral_b = ReferralFactory(person=at_risk, site=site)
    referral_c = ReferralFactory(person=safe, site=site)
    assessment_a = AssessmentFactory(referral=referral_a)
    assessment_b = AssessmentFactory(referral=referral_b)
    assessment_c = AssessmentFactory(referral=referral_c)
    services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [2], assessment=assessment_a, by=practitioner
    )
    services.instrument_save(
        code="PHQ-9", answers=[3] * 8 + [0], assessment=assessment_c, by=practitioner
    )
    orders = {
        "at_risk": order_for(at_risk, officer=officer, provider_team=provider_team, site=site),
        "safe": order_for(safe, officer=officer, provider_team=provider_team, site=site),
    }
    return {
        "at_risk": at_risk,
        "safe": safe,
        "referrals": {"a": referral_a, "b": referral_b, "c": referral_c},
        "assessments": {"a": assessment_a, "b": assessment_b, "c": assessment_c},
        "orders": orders,
    }


def errors_of(response) -> str:
    """The text of the GOV.UK error summary (or the page if there is none)."""
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : start + 3000] if start >= 0 else ""
