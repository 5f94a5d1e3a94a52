"""The team lead's workload in a browser: from My work to the table, each member's figures,
the "Over" mark as text, and a cell opening the referral list it counts; axe-clean."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from tests.factories import ReferralFactory, TeamFactory, UserFactory

from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_team_lead_reads_the_workload_and_opens_a_members_referrals(
    signed_in_page, live_server, screenshot, settings
):
    settings.LD_WORKLOAD_THRESHOLD = 2
    team = TeamFactory(name="E2E L&D team")
    lead = UserFactory(role=Role.TEAM_LEAD, team=team, first_name="Lea", username="e2e_lead")
    pat = UserFactory(role=Role.PRACTITIONER, team=team, first_name="Pat", last_name="Moss")
    UserFactory(role=Role.PRACTITIONER, team=team, first_name="Rob", last_name="Hale")
    now = timezone.now()
    for hours in (1, 2, 3):
        ReferralFactory(
            person__team=team,
            person__created_by=lead,
            assigned_to=pat,
            received_at=now - datetime.timedelta(hours=hours),
        )
    ReferralFactory(person__team=team, person__created_by=lead, assigned_to=None)

    page = signed_in_page(lead)
    page.get_by_role("link", name="Team workload: what each member holds and what is due").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Team workload")
    pat_row = page.locator(f'tr[data-member="{pat.pk}"]')
    expect(pat_row.get_by_role("rowheader")).to_have_text("Pat Moss Over 2")
    expect(pat_row.locator('[data-measure="open"]')).to_have_text("3")
    screenshot("01-workload")
    assert_no_serious_violations(page, "team workload")

    pat_row.locator('[data-measure="open"] a').click()
    expect(page.locator("tbody tr")).to_have_count(3)
    assert f"assignee={pat.pk}" in page.url and "Moss" not in page.url
    screenshot("02-referrals-of-pat")
    assert_no_serious_violations(page, "referral list by assignee")
