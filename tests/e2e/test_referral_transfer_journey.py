"""Transferring a referral in a browser (issue 13): a team lead moves one of a person's two
referrals to another L&D team (a missing reason is a GOV.UK error first), is told so on My
work and can no longer open it; the receiving practitioner finds it under New to me, in the
allocation history and in the inbox within the same request cycle (the allocation rules run
on commit). Each screen is checked with axe-core and saved."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.enums import Role
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory

from . import screenshots
from .axe import assert_no_serious_violations
from .conftest import PASSWORD
from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "Remanded to the court the Westminster team covers"


def test_team_lead_transfers_a_referral_and_the_receiving_practitioner_finds_it(
    signed_in_page, browser, live_server, page, checkpoint, request, monkeypatch
):
    # The on-commit task runs in the server's process, as on a laptop: with REDIS_URL set
    # no worker reads the queue during the test run (the transport has its own tests).
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    team = TeamFactory(name="E2E Cambridge L&D")
    westminster = TeamFactory(name="E2E Westminster L&D")
    lead = UserFactory(role=Role.TEAM_LEAD, team=team, first_name="Lea", username="e2e_lead")
    kim = UserFactory(
        role=Role.PRACTITIONER,
        team=westminster,
        first_name="Kim",
        last_name="Lowe",
        username="e2e_kim",
    )
    UserFactory(role=Role.PRACTITIONER, team=westminster, first_name="Jo", last_name="Hart")
    person = PersonFactory(team=team, created_by=lead)
    moved, stays = ReferralFactory(person=person), ReferralFactory(person=person)

    _transfer_needs_a_reason(
        page, signed_in_page, lead, live_server, moved, westminster, checkpoint
    )

    _transfer_to_kim(page, westminster, moved, checkpoint, person, live_server, stays)

    _kim_finds_it_new_to_them(browser, live_server, kim, moved, request)


def _transfer_needs_a_reason(
    page, signed_in_page, lead, live_server, moved, westminster, checkpoint
):
    signed_in_page(lead)
    page.goto(live_server.url + moved.get_absolute_url())
    page.get_by_role("link", name="Transfer to another team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transfer to another team")
    page.get_by_label("Team to transfer it to").select_option(label=westminster.name)
    page.get_by_role("button", name="Transfer referral").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(
        summary.get_by_role("link", name="Enter why the referral is moving to another team")
    ).to_have_attribute("href", "#id_reason")
    checkpoint("01-reason-missing")


def _transfer_to_kim(page, westminster, moved, checkpoint, person, live_server, stays):
    """Transferred with a reason and allocated to Kim: it leaves the lead's team (nothing of the
    person in the address); the other referral stays."""
    page.get_by_label("Practitioner in that team (optional)").select_option(
        label=f"Kim Lowe, {westminster.name}"
    )
    page.get_by_label("Why is the referral moving to another team?").fill(REASON)
    page.get_by_role("button", name="Transfer referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Referral {moved.reference} transferred to {westminster.name} and allocated to Kim Lowe"
    )
    checkpoint("02-transferred")
    assert person.family_name.lower() not in page.url.lower()
    page.goto(live_server.url + moved.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).not_to_contain_text(moved.reference)
    page.goto(live_server.url + stays.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(stays.reference)


def _kim_finds_it_new_to_them(browser, live_server, kim, moved, request):
    """Kim, on a phone, finds it New to me with the reason, in its allocation history and in the
    inbox."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    kims = context.new_page()
    kims.set_default_timeout(15_000)
    try:
        kims.goto(live_server.url + reverse("accounts:login"))
        kims.fill("input[name=username]", kim.username)
        kims.fill("input[name=password]", PASSWORD)
        kims.get_by_role("button", name="Sign in").click()
        # Signing in lands on My work: the first look since the referral arrived.
        expect(kims.get_by_role("heading", level=1)).to_have_text("My work")
        new_rows = kims.locator("[data-new-to-me] tbody tr")
        expect(new_rows).to_have_count(1)
        expect(new_rows).to_contain_text("Transferred to you")
        expect(new_rows).to_contain_text(REASON)
        expect(new_rows.get_by_role("link", name=moved.reference)).to_be_visible()
        assert_no_serious_violations(kims, "receiving practitioner's My work at 390 px")
        screenshots.save(kims, f"{request.node.name}-03-new-to-me-390px")
        new_rows.get_by_role("link", name=moved.reference).click()
        history = kims.locator("[data-allocation-history] tbody tr")
        expect(history).to_have_count(1)
        expect(history).to_contain_text(REASON)
        expect(history).to_contain_text("Kim Lowe")
        assert_no_serious_violations(kims, "referral with its allocation history")
        screenshots.save(kims, f"{request.node.name}-04-history-390px")
        kims.get_by_role("button", name="Menu").click()  # a phone: the menu is folded
        kims.locator("#inbox-link").click()
        expect(
            kims.get_by_text(f"Referral {moved.reference} has been transferred to you")
        ).to_be_visible()
    finally:
        context.close()
