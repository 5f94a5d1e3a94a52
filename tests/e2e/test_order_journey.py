"""From a signed assessment to the end of an order, as the L&D practitioner and then the
probation officer would do it: recommendation, court outcome (MHTR + ATR), appointments,
a warning, a breach referral and termination. Every screenshot is also checked with axe."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.assessments.factories import ConsentFactory, InstrumentResponseFactory, signed_assessment
from tests.factories import ReferralFactory
from tests.treatment_requirements.factories import (
    CourtFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ProviderTeamFactory,
)
from treatment_requirements.models import BreachReferral, FormalWarning, Order

from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).strftime("%d/%m/%Y")


def _arrange(practitioner):
    referral = ReferralFactory(
        person__team=practitioner.team,
        person__created_by=practitioner,
        person__given_name="Jordan",
        person__family_name="Ellis",
        received_at=timezone.now() - datetime.timedelta(days=75),
    )
    assessment = signed_assessment(referral=referral)
    InstrumentResponseFactory(
        assessment=assessment,
        code="AUDIT",
        total=24,
        band="possible_dependence",
        answers=[4, 4, 4, 4, 2, 2, 2, 2, 0, 0],
    )
    ConsentFactory(referral=referral, share_with_court=True, share_with_probation=True)
    ProviderTeamFactory(name="Primary care MHTR service")
    ProviderTeamFactory(name="Fenland Recovery Partnership")
    probation = ProbationTeamFactory(name="Cambridgeshire Probation Delivery Unit")
    officer = ProbationOfficerFactory(
        team=probation, first_name="Olu", last_name="Adeyemi", username="olu"
    )
    CourtFactory(team=practitioner.team, name="Cambridge Magistrates' Court")
    return assessment, officer


def _complete_checklist(page, screenshot, label, provider, step):
    page.get_by_role("link", name=f"Complete checklist for {label}").click()
    expect(page.get_by_role("button", name="Save checklist")).to_be_visible()
    met = page.locator("input[type=radio][value=yes]")
    for i in range(met.count()):
        met.nth(i).check()
    # Instrument results offered as evidence are copied in with "Use this".
    offered = page.locator("button.app-use-evidence")
    for i in range(offered.count()):
        offered.nth(i).click()
    evidence = page.locator("textarea[name^=evidence_]")
    for i in range(evidence.count()):
        if not evidence.nth(i).input_value():
            evidence.nth(i).fill("Agreed with the provider on 2 March; assessed at court")
    page.select_option("#id_provider", label=provider)
    page.fill("#id_duration_months", "6")
    page.get_by_label("The person has said they are willing to comply").check()
    screenshot(step)
    page.get_by_role("button", name="Save checklist").click()
    expect(page.get_by_text(f"Checklist saved for the {label}")).to_be_visible()


def _record_outcome(page, outcome):
    page.get_by_role("link", name=re.compile("^Record outcome")).first.click()
    page.get_by_label(outcome, exact=True).check()
    page.get_by_role("button", name="Save outcome").click()


def test_order_journey_from_signed_assessment_to_termination(
    signed_in_page, practitioner, screenshot, page, live_server
):
    assessment, officer = _arrange(practitioner)
    take_screenshot = screenshot

    def screenshot(step):
        """Save the screen and check it with axe-core."""
        take_screenshot(step)
        assert_no_serious_violations(page, step)

    # The L&D practitioner proposes MHTR (primary care) + ATR.
    page = _propose_mhtr_and_atr(signed_in_page, practitioner, live_server, assessment, screenshot)

    # The gate says what is missing.
    _gate_then_checklists_then_ready(page, screenshot)

    # The court makes a community order with MHTR + ATR.
    order = _court_makes_the_order(page, screenshot, assessment)

    # The probation officer lands on the caseload and books three weekly appointments.
    page = _officer_books_three_weekly_appointments(signed_in_page, officer, screenshot)

    # First: attended and complied.
    _record_outcome(page, "Attended and complied")
    expect(page.get_by_text("Outcome recorded: Attended and complied.")).to_be_visible()

    # Second: unacceptable absence; no warning in the last 12 months, so a warning is allowed.
    _first_absence_earns_a_warning(page, screenshot)

    # Third: unacceptable absence within 12 months of the warning: breach is the only option.
    _second_absence_means_breach(page, screenshot)

    _breach_outcome_then_end_the_order(page, screenshot, order)


def _propose_mhtr_and_atr(signed_in_page, practitioner, live_server, assessment, screenshot):
    page = signed_in_page(practitioner)
    page.goto(
        live_server.url + reverse("treatment_requirements:recommendation_new", args=[assessment.pk])
    )
    page.get_by_label("Mental health treatment requirement (primary care)").check()
    page.get_by_label("Alcohol treatment requirement").check()
    screenshot("01-propose")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Recommendation started")).to_be_visible()
    return page


def _gate_then_checklists_then_ready(page, screenshot):
    page.get_by_role("button", name="Mark ready for court").click()
    expect(page.get_by_text("The recommendation is not ready for court")).to_be_visible()
    problems = page.locator("#readiness-problems")
    expect(problems).to_contain_text("ATR: The person is dependent on alcohol (not yet confirmed)")
    expect(problems).to_contain_text("MHTR (primary): the person's willingness to comply")
    screenshot("02-gate-lists-what-is-missing")

    _complete_checklist(page, screenshot, "MHTR (primary)", "Primary care MHTR service", "03-mhtr")
    _complete_checklist(page, screenshot, "ATR", "Fenland Recovery Partnership", "04-atr")
    expect(page.locator("#readiness-problems")).to_have_count(0)
    page.get_by_role("button", name="Mark ready for court").click()
    expect(page.get_by_text("The recommendation is ready for court.")).to_be_visible()
    screenshot("05-ready")

    page.get_by_role("link", name="Court and PSR summary").click()
    expect(page.get_by_text("summary for the court and pre-sentence report")).to_be_visible()
    expect(page.get_by_text("The person is dependent on alcohol", exact=True)).to_be_visible()
    expect(page.get_by_text("AUDIT total 24 (Possible dependence)").first).to_be_visible()
    screenshot("06-court-summary")
    page.go_back()


def _court_makes_the_order(page, screenshot, assessment):
    page.get_by_role("link", name="Record court outcome").click()
    page.fill("#id_hearing_date", _day(-60))
    page.select_option("#id_court", label="Cambridge Magistrates' Court")
    page.get_by_label("Order made", exact=True).check()
    page.get_by_label("Community order", exact=True).check()
    page.fill("#id_start_date", _day(-60))
    page.fill("#id_end_date", _day(-60 + 364))
    page.select_option(
        "#id_responsible_officer", label="Olu Adeyemi (Cambridgeshire Probation Delivery Unit)"
    )
    for kind, provider in [
        ("mhtr_primary", "Primary care MHTR service"),
        ("atr", "Fenland Recovery Partnership"),
    ]:
        page.check(f"#id_made_{kind}")
        page.fill(f"#id_length_{kind}", "6")
        page.select_option(f"#id_provider_{kind}", label=provider)
    screenshot("07-court-outcome")
    page.get_by_role("button", name="Save court outcome").click()
    expect(page.get_by_text("Court outcome recorded: Order made.")).to_be_visible()
    order = Order.objects.get()
    assert order.recommendation.assessment == assessment
    assert sorted(order.requirements.values_list("kind", flat=True)) == ["atr", "mhtr_primary"]
    screenshot("08-order-as-practitioner")
    page.get_by_role("button", name="Sign out").click()
    return order


def _officer_books_three_weekly_appointments(signed_in_page, officer, screenshot):
    page = signed_in_page(officer)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.get_by_role("link", name="Jordan Ellis").first.click()
    page.get_by_role("link", name="Book appointments").click()
    page.fill("#id_date", _day(-21))
    page.fill("#id_time", "10:00")
    page.fill("#id_purpose", "ATR key-work session")
    page.get_by_label("Every week").check()
    page.fill("#id_count", "3")
    screenshot("09-book-appointments")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("3 appointment(s) booked.")).to_be_visible()
    return page


def _first_absence_earns_a_warning(page, screenshot):
    _record_outcome(page, "Unacceptable absence")
    expect(page.locator("#warning-allowed")).to_be_visible()
    screenshot("10-enforcement-warning-allowed")
    page.get_by_label("Give a warning").check()
    page.fill("#id_action_on", _day(-13))
    page.get_by_role("button", name="Record action").click()
    expect(page.get_by_text("Warning recorded.")).to_be_visible()
    letter = page.locator("#letter-text")
    expect(letter).to_contain_text("unacceptable")
    expect(letter).to_contain_text("liable to be brought back before the court")
    screenshot("11-warning-letter")
    assert FormalWarning.objects.count() == 1
    page.get_by_role("link", name="Back to the order").click()


def _second_absence_means_breach(page, screenshot):
    _record_outcome(page, "Unacceptable absence")
    expect(page.locator("#breach-required")).to_be_visible()
    expect(page.get_by_label("Give a warning")).to_have_count(0)
    page.get_by_label("Refer for breach proceedings").check()
    page.fill("#id_action_on", _day(-6))
    page.fill("#id_details", "Second unacceptable absence since the warning.")
    screenshot("12-enforcement-breach-required")
    page.get_by_role("button", name="Record action").click()
    expect(page.get_by_text("Breach referral recorded.")).to_be_visible()
    assert BreachReferral.objects.count() == 1
    screenshot("13-order-with-breach")


def _breach_outcome_then_end_the_order(page, screenshot, order):
    """The caseload counts the breach; the court continues the order, which later ends early for
    good progress."""
    page.get_by_role("link", name="Caseload").click()
    expect(page.locator("#breaches")).to_contain_text("Breach referrals awaiting the court (1)")
    screenshot("14-caseload")
    page.get_by_role("link", name="Jordan Ellis").first.click()

    page.get_by_role("link", name="record outcome").click()
    page.get_by_label("Order continued").check()
    page.fill("#id_outcome_on", _day(-1))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Breach outcome recorded.")).to_be_visible()

    page.get_by_role("link", name="End the order").click()
    page.get_by_label("Revoked for good progress", exact=True).check()
    page.fill("#id_terminated_on", _day(0))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check before you end this order")).to_be_visible()
    page.get_by_role("button", name="End the order").click()
    expect(page.locator("#order-ended")).to_have_text("Ended: Revoked for good progress")
    screenshot("15-order-ended")
    order.refresh_from_db()
    assert order.termination_reason == "revoked_good_progress"
