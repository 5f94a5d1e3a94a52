"""Handing work over in a browser (issue 13): a team lead ticks referrals of the team and
allocates them to one practitioner, who finds them on My work; a probation officer gives
an order to a colleague with a reason (a missing reason is a GOV.UK error first), and the
colleague finds it under New to me. Each screen is checked with axe-core and saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from notifications import rules
from tests.factories import ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import (
    OrderFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
)

from . import screenshots
from .axe import assert_no_serious_violations
from .conftest import PASSWORD
from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _second_person_page(browser, live_server, user):
    """A separate browser (own cookies) with `user` signed in through the real form."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    other = context.new_page()
    other.set_default_timeout(15_000)
    other.goto(live_server.url + reverse("accounts:login"))
    other.fill("input[name=username]", user.username)
    other.fill("input[name=password]", PASSWORD)
    follow(other, other.get_by_role("button", name="Sign in"))
    assert "/sign-in/" not in other.url, "sign-in failed"
    return context, other


def _save(other_page, request, step):
    """The second person's screen, named like the `screenshot` fixture's."""
    screenshots.save(other_page, f"{request.node.name}-{step}")


def test_team_lead_allocates_two_referrals_and_the_practitioner_finds_them(
    signed_in_page, browser, live_server, page, screenshot, checkpoint, request
):
    team = TeamFactory(name="E2E L&D team")
    lead = UserFactory(role=Role.TEAM_LEAD, team=team, first_name="Lea", username="e2e_lead")
    pat = UserFactory(
        role=Role.PRACTITIONER, team=team, first_name="Pat", last_name="Moss", username="e2e_pat"
    )
    UserFactory(role=Role.PRACTITIONER, team=team, first_name="Rob", last_name="Hale")
    now = timezone.now()
    first, second, third = (
        ReferralFactory(
            person__team=team,
            person__created_by=lead,
            assigned_to=None,
            received_at=now - datetime.timedelta(hours=hours),
        )
        for hours in (1, 2, 3)
    )
    elsewhere = ReferralFactory(person__team=TeamFactory(name="Other L&D team"), assigned_to=None)

    signed_in_page(lead)
    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    rows = page.locator("#bulk-allocate tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_text(elsewhere.reference)).to_have_count(0)
    page.get_by_label(f"Select {first.reference}").check()
    page.get_by_label(f"Select {third.reference}").check()
    page.get_by_label("Allocate selected to").select_option(label="Pat Moss")
    checkpoint("01-referrals-ticked")

    page.get_by_role("button", name="Allocate selected").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2 referrals allocated to Pat Moss"
    )
    for referral, holder in ((first, "Pat Moss"), (second, "Not assigned"), (third, "Pat Moss")):
        row = rows.filter(has=page.get_by_role("link", name=referral.reference, exact=True))
        expect(row.locator("td").last).to_have_text(holder)
    expect(page.get_by_text(elsewhere.reference)).to_have_count(0)
    checkpoint("02-allocated")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_serious_violations(page, "referral list at 390 px")
    screenshot("03-allocated-390px")

    context, pats_page = _second_person_page(browser, live_server, pat)
    try:
        assigned = pats_page.locator("#assigned tbody tr")
        expect(pats_page.get_by_role("table", name="Assigned to me (2)")).to_be_visible()
        expect(assigned).to_have_count(2)
        expect(assigned.filter(has_text=first.reference)).to_have_count(1)
        expect(assigned.filter(has_text=third.reference)).to_have_count(1)
        expect(pats_page.get_by_text(second.reference)).to_have_count(1)  # still unassigned
        _save(pats_page, request, "04-practitioners-my-work")
        assert_no_serious_violations(pats_page, "practitioner's My work")
    finally:
        context.close()


def test_officer_hands_an_order_to_a_colleague_who_sees_it_new_to_them(
    signed_in_page, browser, live_server, page, checkpoint, request
):
    team = ProbationTeamFactory(name="E2E probation delivery unit")
    officer = ProbationOfficerFactory(
        team=team, first_name="Olu", last_name="Ade", username="e2e_officer"
    )
    colleague = ProbationOfficerFactory(
        team=team, first_name="Sam", last_name="Jones", username="e2e_colleague"
    )
    ProbationOfficerFactory(team=team, first_name="Ali", last_name="Khan")
    order, kept = (
        OrderFactory(responsible_officer=officer),
        OrderFactory(responsible_officer=officer),
    )

    _handover_needs_a_reason(page, signed_in_page, officer, live_server, order, checkpoint)

    _hand_the_order_to_sam(page, team, order, checkpoint)

    _sam_finds_it_new_to_them(browser, live_server, colleague, order, kept, request)


def _handover_needs_a_reason(page, signed_in_page, officer, live_server, order, checkpoint):
    signed_in_page(officer)
    page.goto(live_server.url + order.get_absolute_url())
    page.get_by_role("link", name="Change responsible officer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change responsible officer")
    page.get_by_role("button", name="Change officer").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(
        summary.get_by_role("link", name="Enter why the responsible officer is changing")
    ).to_be_visible()
    expect(
        summary.get_by_role("link", name="Enter why the responsible officer is changing")
    ).to_have_attribute("href", "#id_reason")
    reason = page.get_by_label("Why is the order changing officer?")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(
        page.locator(".govuk-form-group--error", has=reason).locator(".govuk-error-message")
    ).to_have_text("Error: Enter why the responsible officer is changing")
    checkpoint("01-reason-missing")


def _hand_the_order_to_sam(page, team, order, checkpoint):
    """The order shows its new holder, and its history the change with the reason."""
    page.get_by_label("New responsible officer").select_option(label=f"Sam Jones, {team.name}")
    page.get_by_label("Why is the order changing officer?").fill("Caseload balancing")
    page.get_by_role("button", name="Change officer").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Order {order.reference} is now held by Sam Jones."
    )
    officer_row = page.locator(".govuk-summary-list__row", has_text="Responsible officer")
    expect(officer_row.locator("dd")).to_have_text(f"Sam Jones, {team.name}")
    page.get_by_text("History", exact=True).click()
    expect(
        page.locator(".govuk-details__text li").filter(
            has_text="Responsible officer changed from Olu Ade to Sam Jones: Caseload balancing"
        )
    ).to_have_count(1)
    checkpoint("02-order-handed-over")


def _sam_finds_it_new_to_them(browser, live_server, colleague, order, kept, request):
    rules.run_rules(rules.HOURLY_RULES)  # the scheduler's hourly run writes the reminders
    context, sams_page = _second_person_page(browser, live_server, colleague)
    try:
        # Signing in lands on the caseload: the first look since the order arrived.
        expect(sams_page.get_by_role("heading", level=1)).to_have_text("Caseload")
        expect(sams_page.get_by_role("heading", name="New to me (1)")).to_be_visible()
        new_rows = sams_page.locator("[data-new-to-me] tbody tr")
        expect(new_rows).to_have_count(1)
        expect(new_rows.get_by_role("link", name=order.reference)).to_be_visible()
        expect(sams_page.get_by_role("link", name=kept.reference)).to_have_count(0)
        _save(sams_page, request, "03-colleagues-caseload")
        assert_no_serious_violations(sams_page, "colleague's caseload")
        sams_page.locator("#inbox-link").click()
        expect(
            sams_page.get_by_text(f"Order {order.reference} has been allocated to you")
        ).to_be_visible()
    finally:
        context.close()
