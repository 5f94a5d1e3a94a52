"""A practitioner opens My work with a backlog of routine referrals and a custody emergency
received a minute ago: the emergency is the first row they see, with how long is left to
its target; the person at risk is tagged in the Risk column. Checked with axe-core."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.enums import ReferralSource, Urgency
from tests.factories import PersonFactory, ReferralFactory

from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_new_emergency_custody_referral_is_the_first_row_of_my_work(
    signed_in_page, practitioner, team, site, checkpoint
):
    from assessments import services

    now = timezone.now()
    for n in range(12):
        ReferralFactory(
            person=PersonFactory(team=team),
            site=site,
            source=ReferralSource.MAGISTRATES_COURT,
            received_at=now - datetime.timedelta(days=n + 1),
        )
    at_risk = PersonFactory(team=team, family_name="Riskworth")
    services.instrument_save(code="PHQ-9", answers=[0] * 8 + [2], person=at_risk, by=practitioner)
    ReferralFactory(person=at_risk, site=site, received_at=now - datetime.timedelta(hours=2))
    emergency = ReferralFactory(
        person=PersonFactory(team=team, family_name="Newcomb"),
        site=site,
        received_at=now - datetime.timedelta(minutes=1),
        urgency=Urgency.EMERGENCY,
    )

    page = signed_in_page(practitioner)
    unassigned = page.locator("#unassigned tbody tr")

    expect(unassigned.nth(0)).to_contain_text("RISKWORTH")
    expect(unassigned.nth(0)).to_contain_text("Self-harm risk")
    expect(unassigned.nth(1)).to_contain_text(emergency.reference)
    expect(unassigned.nth(1)).to_contain_text(re.compile(r"In 11 hours 5\d minutes"))
    expect(unassigned).to_have_count(10)
    checkpoint("01-my-work-most-urgent-first")
