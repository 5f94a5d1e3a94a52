"""Custody practitioner, end to end: records a referral from the custody suite, screens it,
records consent, completes a full assessment with PHQ-9 and AUDIT, signs it and recommends
treatment requirements. Every screen is checked with axe-core and saved as a screenshot."""

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from referrals.models import Referral
from tests.treatment_requirements.factories import ProviderTeamFactory
from treatment_requirements.models import Recommendation

from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_section(page):
    """Answer whatever the section asks: free text in each box, the first option of each choice."""
    boxes = page.locator("main textarea")
    for i in range(boxes.count()):
        if not boxes.nth(i).input_value():
            boxes.nth(i).fill("Discussed with the person in custody; see the formulation.")
    threshold = page.locator("input[name=care_threshold][value=primary]")
    if threshold.count():
        threshold.check()  # mild-moderate need: fits the primary-care MHTR recommended below
    unanswered = page.locator("main .govuk-radios:not(:has(input:checked))")
    for _ in range(10):  # the locator is live: each answered group drops out of it
        if not unanswered.count():
            break
        unanswered.first.locator("input[type=radio]").first.check()
    # Leaving a field saves a draft in the background: let it finish before submitting
    # (SQLite, in the tests, locks a table against a concurrent write).
    page.locator("h1").click()
    page.wait_for_load_state("networkidle")


def _answer_instrument(page, indexes):
    for number, index in enumerate(indexes, start=1):
        page.locator(f"#id_item_{number}_{index}").check()


def test_custody_practitioner_referral_to_recommendation(
    signed_in_page, practitioner, site, checkpoint, live_server
):
    ProviderTeamFactory(name="Primary care MHTR service")
    page = signed_in_page(practitioner)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    checkpoint("01-my-work")

    # Referral from the custody suite.
    referral = _record_the_referral(page, checkpoint, site)

    # Screening.
    _screen(page, checkpoint)

    # Consent to be assessed and to share with the court and probation.
    _record_consent(page, checkpoint)

    # Full assessment: every section, then PHQ-9 and AUDIT.
    assessment = _assess_and_sign(page, checkpoint, referral)

    # Recommendation: MHTR in primary care, with its checklist.
    _recommend_mhtr_in_primary_care(page, live_server, referral, checkpoint, assessment)


def _record_the_referral(page, checkpoint, site):
    page.get_by_role("link", name="Record a new referral").click()
    checkpoint("02-intake-empty")
    expect(page.locator("nav [aria-current=page]")).to_have_text("New referral")
    page.fill("#id_person-given_name", "Kerry")
    page.fill("#id_person-family_name", "Whitfield")
    page.fill("#id_person-date_of_birth", "3.9.88")  # a phone's number pad: 3 September 1988
    page.get_by_label("Female", exact=True).check()
    page.fill("#id_person-nhs_number", "943 476 5919")
    page.select_option("#id_referral-source", value="police_custody")
    page.select_option("#id_referral-site", label=site.name)
    page.fill("#id_referral-case_reference", "CUST/26/010203")
    page.fill("#id_referral-referrer_name", "Sgt Amy Fox")
    page.select_option("#id_referral-referrer_role", value="custody_staff")
    page.fill("#id_referral-referrer_organisation", "Cambridgeshire Constabulary")
    page.fill("#id_referral-reason", "Tearful at booking-in; says she has not slept for days.")
    page.get_by_label("Mental health").check()
    page.get_by_label("Urgent (same episode or court day)").check()
    page.get_by_role("button", name="Save referral").click()
    referral = Referral.objects.get()
    expect(page.get_by_text(f"Referral {referral.reference} recorded")).to_be_visible()
    checkpoint("03-referral-recorded")
    return referral


def _screen(page, checkpoint):
    page.get_by_role("link", name="Screen this referral").click()
    checkpoint("04-screening")
    page.get_by_label("Mental health").check()
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Urgent (same episode or court day)").check()
    page.get_by_label("Full assessment needed").check()
    page.get_by_role("button", name="Record the screening").click()
    expect(page.get_by_text("Screening recorded")).to_be_visible()
    checkpoint("05-screened")


def _record_consent(page, checkpoint):
    page.get_by_role("link", name="Record consent").click()
    checkpoint("06-consent")
    page.get_by_label("Consent to be assessed").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Consent recorded")).to_be_visible()
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Consent to share the assessment").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Court").check()
    page.get_by_label("Probation").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Consent recorded")).to_be_visible()


def _assess_and_sign(page, checkpoint, referral):
    page.get_by_role("button", name="Start the full assessment").click()
    expect(page.get_by_role("heading", name="Full assessment")).to_be_visible()
    checkpoint("07-task-list")
    follow(page, page.get_by_role("link", name="Presenting needs"))
    checkpoint("08-section")
    for _ in range(12):
        if page.get_by_role("heading", name="Full assessment").count():
            break
        _fill_section(page)
        follow(page, page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_text("You have completed 9 of 9 sections")).to_be_visible()

    page.get_by_role("link", name="Patient Health Questionnaire (PHQ-9)").click()
    _answer_instrument(page, [2, 2, 1, 2, 1, 2, 1, 0, 0])
    expect(page.locator("[data-score-total]")).to_have_text("11")
    checkpoint("09-phq9")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("PHQ-9 scored 11: Moderate depression")).to_be_visible()
    page.get_by_role("link", name="Alcohol Use Disorders Identification Test (AUDIT)").click()
    _answer_instrument(page, [3, 2, 2, 1, 1, 0, 1, 1, 1, 2])
    expect(page.locator("[data-score-total]")).to_have_text("17")
    checkpoint("10-audit")
    page.get_by_role("button", name="Save and continue").click()
    checkpoint("11-task-list-complete")

    page.get_by_role("link", name="Check and sign").click()
    checkpoint("12-check-and-sign")
    page.get_by_role("button", name="Sign the assessment").click()
    expect(page.get_by_text("Assessment signed. It can no longer be edited.")).to_be_visible()
    checkpoint("13-signed")
    assessment = Assessment.objects.get(referral=referral)
    assert assessment.status == "signed"
    return assessment


def _recommend_mhtr_in_primary_care(page, live_server, referral, checkpoint, assessment):
    page.goto(live_server.url + referral.get_absolute_url())
    page.get_by_role("link", name="Make a recommendation").click()
    checkpoint("14-recommendation-propose")
    page.get_by_label("Mental health treatment requirement (primary care)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Recommendation started")).to_be_visible()
    checkpoint("15-recommendation")
    follow(page, page.get_by_role("link", name="Complete checklist for MHTR (primary)"))
    met = page.locator("input[type=radio][value=yes]")
    for i in range(met.count()):
        met.nth(i).check()
    evidence = page.locator("textarea[name^=evidence_]")
    for i in range(evidence.count()):
        evidence.nth(i).fill("PHQ-9 11 (moderate); below the secondary-care threshold")
    page.select_option("#id_provider", label="Primary care MHTR service")
    page.fill("#id_duration_months", "6")
    page.get_by_label("The person has said they are willing to comply").check()
    checkpoint("16-checklist")
    page.get_by_role("button", name="Save checklist").click()
    expect(page.get_by_text("Checklist saved for the MHTR (primary)")).to_be_visible()
    page.get_by_role("button", name="Mark ready for court").click()
    expect(page.get_by_text("The recommendation is ready for court.")).to_be_visible()
    checkpoint("17-ready-for-court")
    recommendation = Recommendation.objects.get()
    assert recommendation.assessment == assessment
