"""Court practitioner, end to end: records a referral from the magistrates' court cells,
screens it, recommends an alcohol treatment requirement (from an assessment signed earlier in
the day: the assessment screens themselves are the custody journey's), prints the court
summary and records the court's outcome, a community order with the ATR. Every screen is
checked with axe-core and saved as a screenshot."""

import pytest
from playwright.sync_api import expect

from accounts.enums import Role
from referrals.models import Referral
from tests.assessments.factories import ConsentFactory, InstrumentResponseFactory, signed_assessment
from tests.factories import UserFactory
from tests.treatment_requirements.factories import (
    CourtFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ProviderTeamFactory,
)
from treatment_requirements.models import Order

from .journey_helpers import day, journey_checkpoint  # noqa: F401 - a fixture
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _arrange(team):
    court = CourtFactory(team=team, name="Cambridge Magistrates' Court")
    ProviderTeamFactory(name="Fenland Recovery Partnership")
    ProbationOfficerFactory(
        team=ProbationTeamFactory(name="Cambridgeshire Probation Delivery Unit"),
        first_name="Olu",
        last_name="Adeyemi",
        username="olu",
    )
    practitioner = UserFactory(
        role=Role.PRACTITIONER,
        team=team,
        username="court-practitioner",
        first_name="Daniel",
        last_name="Hughes",
    )
    return court, practitioner


def _assess_earlier_today(referral, practitioner):
    """The full assessment, signed, with AUDIT and consent to share with court and probation."""
    assessment = signed_assessment(referral=referral, started_by=practitioner)
    InstrumentResponseFactory(
        assessment=assessment,
        code="AUDIT",
        total=24,
        band="possible_dependence",
        answers=[4, 4, 4, 4, 2, 2, 2, 2, 0, 0],
    )
    ConsentFactory(
        referral=referral,
        share_with_court=True,
        share_with_probation=True,
        recorded_by=practitioner,
    )
    return assessment


def test_court_practitioner_referral_to_court_outcome(
    team, signed_in_page, checkpoint, live_server
):
    court, practitioner = _arrange(team)
    page = signed_in_page(practitioner)
    checkpoint("01-my-work")

    # A referral from the court cells on the morning of the hearing.
    referral = _record_a_referral_from_the_cells(page, court, checkpoint)

    _screen_then_find_the_signed_assessment(page, checkpoint, practitioner, live_server)

    # The recommendation, criterion by criterion, from the referral page.
    _recommend_atr(page, live_server, referral, checkpoint)

    # The court's decision: a community order with the ATR.
    _court_makes_a_community_order(page, court, checkpoint)


def _record_a_referral_from_the_cells(page, court, checkpoint):
    page.get_by_role("link", name="Record a new referral").click()
    page.fill("#id_person-given_name", "Liam")
    page.fill("#id_person-family_name", "Doherty")
    page.fill("#id_person-date_of_birth", "21/6/1979")
    page.get_by_label("Male", exact=True).check()
    page.select_option("#id_referral-source", value="magistrates_court")
    page.select_option("#id_referral-site", label=court.name)
    page.fill("#id_referral-case_reference", "CMC/2026/4471")
    page.fill("#id_referral-referrer_name", "Court legal adviser")
    page.select_option("#id_referral-referrer_role", value="court_staff")
    page.fill("#id_referral-referrer_organisation", "HMCTS")
    page.fill("#id_referral-reason", "Smelled of alcohol in the cells; shaking; asks for help.")
    page.get_by_label("Alcohol").check()
    page.get_by_label("Urgent (same episode or court day)").check()
    checkpoint("02-court-referral")
    page.get_by_role("button", name="Save referral").click()
    referral = Referral.objects.get()
    expect(page.get_by_text(f"Referral {referral.reference} recorded")).to_be_visible()
    checkpoint("03-referral-recorded")
    return referral


def _screen_then_find_the_signed_assessment(page, checkpoint, practitioner, live_server):
    """Screened in the browser; the assessment, signed earlier today, is seeded."""
    page.get_by_role("link", name="Screen this referral").click()
    page.get_by_label("Alcohol").check()
    page.get_by_label("Medium", exact=True).check()
    page.get_by_label("Urgent (same episode or court day)").check()
    page.get_by_label("Full assessment needed").check()
    page.get_by_role("button", name="Record the screening").click()
    expect(page.get_by_text("Screening recorded")).to_be_visible()
    checkpoint("04-screened")

    assessment = _assess_earlier_today(Referral.objects.get(), practitioner)
    page.goto(live_server.url + assessment.get_absolute_url())
    checkpoint("05-signed-assessment")


def _recommend_atr(page, live_server, referral, checkpoint):
    page.goto(live_server.url + referral.get_absolute_url())
    page.get_by_role("link", name="Make a recommendation").click()
    page.get_by_label("Alcohol treatment requirement").check()
    checkpoint("06-propose")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Recommendation started")).to_be_visible()
    follow(page, page.get_by_role("link", name="Complete checklist for ATR"))
    met = page.locator("input[type=radio][value=yes]")
    for i in range(met.count()):
        met.nth(i).check()
    evidence = page.locator("textarea[name^=evidence_]")
    for i in range(evidence.count()):
        evidence.nth(i).fill("AUDIT 24 (possible dependence); the provider can start on Monday")
    page.select_option("#id_provider", label="Fenland Recovery Partnership")
    page.fill("#id_duration_months", "6")
    page.get_by_label("The person has said they are willing to comply").check()
    checkpoint("07-atr-checklist")
    page.get_by_role("button", name="Save checklist").click()
    page.get_by_role("button", name="Mark ready for court").click()
    expect(page.get_by_text("The recommendation is ready for court.")).to_be_visible()
    checkpoint("08-ready")

    page.get_by_role("link", name="Court and PSR summary").click()
    expect(page.get_by_text("The person is dependent on alcohol", exact=True)).to_be_visible()
    checkpoint("09-court-summary")
    page.go_back()


def _court_makes_a_community_order(page, court, checkpoint):
    page.get_by_role("link", name="Record court outcome").click()
    page.fill("#id_hearing_date", day(0))
    page.select_option("#id_court", label=court.name)
    page.get_by_label("Order made", exact=True).check()
    page.get_by_label("Community order", exact=True).check()
    page.fill("#id_start_date", day(0))
    page.fill("#id_end_date", day(364))
    page.select_option(
        "#id_responsible_officer", label="Olu Adeyemi (Cambridgeshire Probation Delivery Unit)"
    )
    page.check("#id_made_atr")
    page.fill("#id_length_atr", "6")
    page.select_option("#id_provider_atr", label="Fenland Recovery Partnership")
    checkpoint("10-court-outcome")
    page.get_by_role("button", name="Save court outcome").click()
    expect(page.get_by_text("Court outcome recorded: Order made.")).to_be_visible()
    checkpoint("11-order-made")
    order = Order.objects.get()
    assert list(order.requirements.values_list("kind", flat=True)) == ["atr"]
    assert order.responsible_officer.username == "olu"
