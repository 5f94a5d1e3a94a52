"""Probation officer, end to end: from the caseload to an order with a drug rehabilitation
requirement, books appointments, records their outcomes, gives a warning, refers a breach,
records drug tests, books a DRR review and writes its progress report, and ends the order
(revoked for good progress, after a check page). Every screen is checked with axe-core and
saved as a screenshot."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ReferralFactory
from tests.treatment_requirements.factories import (
    CourtOutcomeFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ProviderTeamFactory,
    ready_recommendation,
)
from treatment_requirements.enums import RequirementKind
from treatment_requirements.models import BreachReferral, FormalWarning

from .journey_helpers import day, journey_checkpoint  # noqa: F401 - a fixture
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _arrange(team):
    """An active community order with a DRR, made 60 days ago, for Olu Adeyemi to supervise."""
    from tests.assessments.factories import signed_assessment

    referral = ReferralFactory(
        person__team=team, person__given_name="Jordan", person__family_name="Ellis"
    )
    recommendation = ready_recommendation(
        kinds=(RequirementKind.DRR,), assessment=signed_assessment(referral=referral)
    )
    officer = ProbationOfficerFactory(
        team=ProbationTeamFactory(name="Cambridgeshire Probation Delivery Unit"),
        first_name="Olu",
        last_name="Adeyemi",
        username="olu",
    )
    order = OrderFactory(
        court_outcome=CourtOutcomeFactory(recommendation=recommendation),
        responsible_officer=officer,
    )
    OrderRequirementFactory(
        order=order,
        kind=RequirementKind.DRR,
        provider=ProviderTeamFactory(name="Fenland Recovery Partnership"),
        length_months=12,
    )
    return order, officer


def _record_outcome(page, outcome):
    page.get_by_role("link", name=re.compile("^Record outcome")).first.click()
    page.get_by_label(outcome, exact=True).check()
    page.get_by_role("button", name="Save outcome").click()


def test_probation_officer_supervises_an_order_to_completion(
    signed_in_page, team, checkpoint, live_server
):
    order, officer = _arrange(team)
    page = signed_in_page(officer)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    checkpoint("01-caseload")

    page.get_by_role("link", name="Jordan Ellis").first.click()
    expect(page.get_by_role("heading", name=re.compile(order.reference))).to_be_visible()
    checkpoint("02-order")

    # Three weekly appointments, then their outcomes.
    _book_three_weekly_appointments_and_record_the_first(page, checkpoint)

    # An unacceptable absence with no warning in the last 12 months: a warning is allowed.
    _first_absence_earns_a_warning(page, checkpoint, order)

    # Another within 12 months of the warning: breach is the only option.
    _second_absence_means_breach_and_the_court_continues_the_order(page, checkpoint, order)

    # DRR: a drug test, then a review hearing and its progress report.
    _drr_drug_test_and_review(page, checkpoint)

    # Before its end date the court revokes the order for good progress: "Completed" is
    # refused, then the ending is checked on its own page before it is made.
    _court_revokes_the_order_for_good_progress(page, checkpoint, order)


def _book_three_weekly_appointments_and_record_the_first(page, checkpoint):
    page.get_by_role("link", name="Book appointments").click()
    page.fill("#id_date", day(-21))
    page.fill("#id_time", "10am")  # typed as people type times (core.typed_dates)
    page.fill("#id_purpose", "DRR key-work session")
    page.get_by_label("Every week").check()
    page.fill("#id_count", "3")
    checkpoint("03-book-appointments")
    follow(page, page.get_by_role("button", name="Book"))
    # Dates relative to today may fall at a weekend or on a bank holiday: the officer is
    # warned and books anyway (treatment_requirements.booking_checks).
    if page.get_by_label("Book anyway").count():
        page.get_by_label("Book anyway").check()
        page.get_by_role("button", name="Book").click()
    expect(page.get_by_text("3 appointment(s) booked.")).to_be_visible()

    _record_outcome(page, "Attended and complied")
    expect(page.get_by_text("Outcome recorded: Attended and complied.")).to_be_visible()
    checkpoint("04-attended")


def _first_absence_earns_a_warning(page, checkpoint, order):
    _record_outcome(page, "Unacceptable absence")
    expect(page.locator("#warning-allowed")).to_be_visible()
    checkpoint("05-enforcement-choice")
    page.get_by_label("Give a warning").check()
    page.fill("#id_action_on", day(-13))
    page.get_by_role("button", name="Record action").click()
    expect(page.get_by_text("Warning recorded.")).to_be_visible()
    expect(page.locator("#letter-text")).to_contain_text("liable to be brought back")
    checkpoint("06-warning-letter")
    assert FormalWarning.objects.filter(order=order).count() == 1
    page.get_by_role("link", name="Back to the order").click()


def _second_absence_means_breach_and_the_court_continues_the_order(page, checkpoint, order):
    _record_outcome(page, "Unacceptable absence")
    expect(page.locator("#breach-required")).to_be_visible()
    expect(page.get_by_label("Give a warning")).to_have_count(0)
    checkpoint("07-breach-required")
    page.get_by_label("Refer for breach proceedings").check()
    page.fill("#id_action_on", day(-6))
    page.fill("#id_details", "Second unacceptable absence since the warning.")
    page.get_by_role("button", name="Record action").click()
    expect(page.get_by_text("Breach referral recorded.")).to_be_visible()
    assert BreachReferral.objects.filter(order=order).count() == 1
    checkpoint("08-order-with-breach")

    page.get_by_role("link", name="Caseload").click()
    expect(page.locator("#breaches")).to_contain_text("Breach referrals awaiting the court (1)")
    checkpoint("09-caseload-with-breach")
    page.get_by_role("link", name="Jordan Ellis").first.click()
    page.get_by_role("link", name="record outcome").click()
    checkpoint("10-breach-outcome")
    page.get_by_label("Order continued").check()
    page.fill("#id_outcome_on", day(-1))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Breach outcome recorded.")).to_be_visible()


def _drr_drug_test_and_review(page, checkpoint):
    page.get_by_role("link", name="Record a drug test").click()
    page.select_option("#id_requirement", index=1)
    page.fill("#id_tested_on", day(-3))
    page.fill("#id_substances", "opiates, cocaine")
    page.get_by_label("Negative", exact=True).check()
    checkpoint("11-drug-test")
    page.get_by_role("button", name=re.compile("^(Save|Record)")).click()
    expect(page.get_by_text("Drug test recorded.")).to_be_visible()

    page.get_by_role("link", name="Book a DRR review").click()
    page.select_option("#id_requirement", index=1)
    page.fill("#id_review_date", day(28))
    checkpoint("12-book-review")
    page.get_by_role("button", name="Book review").click()
    expect(page.get_by_text("Review hearing booked.")).to_be_visible()
    page.get_by_role("link", name=re.compile("write report")).click()
    page.fill(
        "#id_progress_report",
        "One negative test since the order began; attending key-work after a breach.",
    )
    checkpoint("13-progress-report")
    page.get_by_role("button", name=re.compile("^(Save|Submit)")).click()
    expect(page.get_by_text("Progress report saved.")).to_be_visible()


def _court_revokes_the_order_for_good_progress(page, checkpoint, order):
    page.get_by_role("link", name="End the order").click()
    page.get_by_label("Completed", exact=True).check()
    page.fill("#id_terminated_on", day(0))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "To end it earlier, the court revokes it for good progress"
    )
    page.get_by_label("Revoked for good progress", exact=True).check()
    checkpoint("14-end-the-order")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check before you end this order")).to_be_visible()
    expect(page.locator("#ending-reason")).to_have_text("Revoked for good progress")
    checkpoint("14b-check-the-ending")
    page.get_by_role("button", name="End the order").click()
    expect(page.locator("#order-ended")).to_have_text("Ended: Revoked for good progress")
    checkpoint("15-order-ended")
    order.refresh_from_db()
    assert order.termination_reason == "revoked_good_progress"
