import pytest

from accounts.enums import Role
from tests.factories import ReferralFactory, UserFactory

from .factories import ScreeningFactory


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


def errors_of(response) -> str:
    """The text of the GOV.UK error summary (or the page if there is none)."""
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : start + 3000] if start >= 0 else ""
