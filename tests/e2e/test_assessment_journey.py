"""A custody practitioner screens a referral and completes a full assessment with PHQ-9 and
AUDIT, is signed out part-way through and finds the draft restored, then signs it."""

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment, FormDraft, InstrumentResponse
from tests.e2e.axe import assert_no_serious_violations
from tests.factories import ReferralFactory

from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTION_TEXT = {
    "presenting_needs": "Low mood since losing her tenancy; asks for help with drinking.",
    "mental_health_history": "Treated by her GP for depression in 2022.",
    "drug_use": "Occasional cannabis.",
    "alcohol_use": "Drinks most days, up to 10 units.",
    "neurodevelopmental_notes": "Struggled at school; no assessment.",
    "physical_health": "Asthma, uses an inhaler.",
    "trauma": "Domestic abuse by a previous partner.",
    "safeguarding": "No children in the household.",
    "housing": "Sofa-surfing for two months.",
    "finance": "Universal Credit; rent arrears.",
    "education_employment_training": "Unemployed since March.",
    "relationships": "Supportive sister.",
    "risk_to_self": "Passive thoughts of death, no plan; safety plan agreed.",
    "risk_to_others": "None identified.",
    "formulation": "Depression maintained by housing loss and alcohol; suits talking therapy.",
}
TYPED_BEFORE_SIGN_OUT = "Tearful, flat affect, poor sleep; oriented and coherent."


def _save_and_continue(page):
    follow(page, page.get_by_role("button", name="Save and continue"))


def _fill_section(page, names):
    for name in names:
        page.fill(f"#id_{name}", SECTION_TEXT[name])


def test_screening_and_full_assessment_with_draft_restored_after_sign_out(
    signed_in_page, practitioner, site, screenshot, live_server
):
    referral = ReferralFactory(
        person__team=practitioner.team,
        person__created_by=practitioner,
        person__given_name="Kerry",
        site=site,
    )
    page = signed_in_page(practitioner)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # Screening, from the referral page.
    _screen_the_referral(page, live_server, referral, screenshot)

    # Consent, recorded separately: to be assessed, and to share with court and probation.
    _record_consent(page, screenshot)

    # The full assessment: task list, then the sections as steps.
    assessment = _start_and_leave_a_draft(page, screenshot, referral, practitioner)

    # Signed out mid-way (a shared terminal), then back: the typing is restored.
    page = _sign_out_and_find_the_draft_restored(
        page, signed_in_page, practitioner, console_errors, live_server, assessment, screenshot
    )

    _complete_the_other_sections(page, screenshot)

    # PHQ-9: the score appears only when every item is answered; item 9 raises the flag.
    _score_phq9(page, screenshot)

    # AUDIT, with items 9 and 10 scored 0, 2 or 4.
    _score_audit(page, screenshot)

    # Sign: read-only afterwards.
    _sign(page, screenshot, assessment, referral)

    _summary_and_the_person_pages_show_the_result(page, screenshot, live_server, referral)
    assert console_errors == [], console_errors  # no CSP refusals or script errors


def _screen_the_referral(page, live_server, referral, screenshot):
    page.goto(live_server.url + referral.get_absolute_url())
    page.get_by_role("link", name="Screen this referral").click()
    expect(page.get_by_role("heading", name="Screening")).to_be_visible()
    page.get_by_label("Mental health").check()
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Urgent (same episode or court day)").check()
    page.get_by_label("Full assessment needed").check()
    screenshot("1-screening")
    assert_no_serious_violations(page, "screening")
    page.get_by_role("button", name="Record the screening").click()
    expect(page.get_by_text("Screening recorded")).to_be_visible()


def _record_consent(page, screenshot):
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Consent to be assessed").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Consent recorded")).to_be_visible()
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Consent to share the assessment").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Court").check()
    page.get_by_label("Probation").check()
    screenshot("2-consent")
    assert_no_serious_violations(page, "consent")
    page.get_by_role("button", name="Record the decision").click()


def _start_and_leave_a_draft(page, screenshot, referral, practitioner):
    page.get_by_role("button", name="Start the full assessment").click()
    expect(page.get_by_role("heading", name="Full assessment")).to_be_visible()
    screenshot("3-task-list")
    assert_no_serious_violations(page, "task list")
    page.get_by_role("link", name="Presenting needs").click()
    _fill_section(page, ["presenting_needs"])
    _save_and_continue(page)
    expect(page.get_by_role("heading", name="Mental health")).to_be_visible()
    _fill_section(page, ["mental_health_history"])
    page.fill("#id_mental_health_presentation", TYPED_BEFORE_SIGN_OUT)
    page.locator("h1").click()  # leave the field: the draft is saved on blur
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    assessment = Assessment.objects.get(referral=referral)
    assert FormDraft.objects.filter(user=practitioner, step="section-mental_health").exists()
    return assessment


def _sign_out_and_find_the_draft_restored(
    page, signed_in_page, practitioner, console_errors, live_server, assessment, screenshot
):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page = signed_in_page(practitioner)
    assert console_errors == [], console_errors
    page.goto(live_server.url + assessment.get_absolute_url())
    page.get_by_role("link", name="Mental health").click()
    expect(page.get_by_text("Draft restored")).to_be_visible()
    expect(page.locator("#id_mental_health_presentation")).to_have_value(TYPED_BEFORE_SIGN_OUT)
    screenshot("4-draft-restored")
    assert_no_serious_violations(page, "section step with restored draft")
    _save_and_continue(page)
    return page


def _complete_the_other_sections(page, screenshot):
    """Substance use through to the formulation: every section is then complete."""
    _fill_section(page, ["drug_use", "alcohol_use"])
    _save_and_continue(page)
    for name in ("learning_disability", "autism"):
        page.locator(f"input[name={name}][value=no]").check()
    page.locator("input[name=adhd][value=possible]").check()
    _fill_section(page, ["neurodevelopmental_notes"])
    _save_and_continue(page)
    _fill_section(page, ["physical_health"])
    _save_and_continue(page)
    _fill_section(page, ["trauma", "safeguarding"])
    _save_and_continue(page)
    _fill_section(page, ["housing", "finance", "education_employment_training", "relationships"])
    _save_and_continue(page)
    _fill_section(page, ["risk_to_self", "risk_to_others"])
    page.locator("input[name=risk_level][value=medium]").check()
    _save_and_continue(page)
    _fill_section(page, ["formulation"])
    page.locator("input[name=care_threshold][value=primary]").check()
    screenshot("5-formulation")
    _save_and_continue(page)
    expect(page.get_by_text("You have completed 9 of 9 sections")).to_be_visible()


def _score_phq9(page, screenshot):
    page.get_by_role("link", name="Patient Health Questionnaire (PHQ-9)").click()
    expect(
        page.get_by_text("Over the last 2 weeks, how often have you been bothered")
    ).to_be_visible()
    for number, value in enumerate([2, 2, 1, 2, 1, 2, 1, 0], start=1):
        page.locator(f"#id_item_{number}_{value}").check()
    expect(page.locator("[data-score-progress]")).to_have_text("8 of 9 answered")
    expect(page.locator("[data-score-result]")).to_be_hidden()
    page.locator("#id_item_9_1").check()
    expect(page.locator("[data-score-total]")).to_have_text("12")
    expect(page.locator("[data-score-band]")).to_have_text("Moderate depression")
    expect(page.locator(".app-self-harm-banner[data-flag=self_harm]")).to_be_visible()
    # The published last question is asked, and never changes the score.
    page.locator("#id_difficulty_2").check()
    expect(page.locator("[data-score-total]")).to_have_text("12")
    screenshot("6-phq9-live-score")
    assert_no_serious_violations(page, "PHQ-9 with live score")
    _save_and_continue(page)
    expect(page.get_by_text("PHQ-9 scored 12: Moderate depression")).to_be_visible()
    expect(page.locator("[data-person-risk=self_harm]")).to_be_visible()


def _score_audit(page, screenshot):
    page.get_by_role("link", name="Alcohol Use Disorders Identification Test (AUDIT)").click()
    for number, index in enumerate([3, 2, 2, 1, 1, 0, 1, 1, 1, 2], start=1):
        page.locator(f"#id_item_{number}_{index}").check()
    expect(page.locator("[data-score-total]")).to_have_text("17")
    expect(page.locator("[data-score-band]")).to_have_text("Higher risk")
    screenshot("7-audit-live-score")
    _save_and_continue(page)
    scores = dict(InstrumentResponse.objects.values_list("code", "total"))
    assert scores == {"PHQ-9": 12, "AUDIT": 17}
    screenshot("8-task-list-complete")


def _sign(page, screenshot, assessment, referral):
    page.get_by_role("link", name="Check and sign").click()
    screenshot("9-check-and-sign")
    assert_no_serious_violations(page, "check and sign")
    page.get_by_role("button", name="Sign the assessment").click()
    expect(page.get_by_text("Assessment signed. It can no longer be edited.")).to_be_visible()
    expect(page.get_by_text(TYPED_BEFORE_SIGN_OUT)).to_be_visible()
    screenshot("10-signed")
    assert_no_serious_violations(page, "signed assessment")
    assessment.refresh_from_db()
    referral.refresh_from_db()
    assert (assessment.status, referral.status) == ("signed", "assessed")
    assert referral.screened_at is not None and referral.assessed_at is not None


def _summary_and_the_person_pages_show_the_result(page, screenshot, live_server, referral):
    """The printable summary leaves out the detail (and the header in print); the referral and the
    person's timeline show the flag and the score."""
    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_text("Prepared for")).to_be_visible()
    expect(page.get_by_text(SECTION_TEXT["formulation"])).to_be_visible()
    expect(page.get_by_text(SECTION_TEXT["trauma"])).to_have_count(0)
    screenshot("11-printable-summary")
    assert_no_serious_violations(page, "printable summary")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-header")).to_be_hidden()
    screenshot("12-summary-print-media")
    page.emulate_media(media="screen")

    page.goto(live_server.url + referral.get_absolute_url())
    expect(page.locator("[data-person-risk=self_harm]")).to_be_visible()
    screenshot("13-referral-page")

    page.goto(live_server.url + referral.person.get_absolute_url())
    expect(page.get_by_role("link", name="Assessment signed")).to_be_visible()
    expect(page.get_by_text("PHQ-9: 12 (moderate depression)")).to_be_visible()
    expect(page.locator("[data-person-risk=self_harm]")).to_contain_text(
        "Risk: Self-harm or suicide, raised on"
    )
    screenshot("14-person-timeline")
