"""A practitioner types a section, is signed out, finds it "In progress" on the task list,
then goes from "Check and sign" to the missing answer and to a "Change" link and back,
and signs (issue 15, item 4)."""

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.assessments.factories import complete_assessment
from tests.e2e.axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TYPED = "Type 2 diabetes; insulin at 8pm."


def test_check_answers_from_a_restored_draft_to_signing(
    signed_in_page, practitioner, site, screenshot, live_server
):
    assessment = complete_assessment(
        referral__person__team=practitioner.team,
        referral__person__created_by=practitioner,
        referral__site=site,
        physical_health="",
    )
    page = signed_in_page(practitioner)
    status = page.locator("#section-physical_health-status")

    page.goto(live_server.url + assessment.get_absolute_url())
    expect(status).to_have_text("Not yet started")
    page.get_by_role("link", name="Physical health").click()
    page.fill("#id_physical_health", TYPED)
    page.locator("h1").click()  # leave the field: the draft is saved on blur
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    page.get_by_role("button", name="Sign out").click()
    page = signed_in_page(practitioner)
    page.goto(live_server.url + assessment.get_absolute_url())
    expect(status).to_have_text("In progress")
    expect(page.get_by_text("You have completed 8 of 9 sections")).to_be_visible()
    screenshot("1-task-list-draft-in-progress")

    page.get_by_role("link", name="Check and sign").click()
    expect(
        page.locator("[data-check-section=physical_health] [data-unsaved-draft]")
    ).to_be_visible()
    screenshot("2-check-with-blocker")
    assert_no_serious_violations(page, "check answers with a blocker")
    page.get_by_role("link", name="Physical health: enter the physical health").click()
    assert page.evaluate("location.hash") == "#id_physical_health"
    expect(page.get_by_text("Draft restored")).to_be_visible()
    expect(page.locator("#id_physical_health")).to_have_value(TYPED)
    expect(page.locator("#id_physical_health")).to_be_in_viewport()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.locator("[data-sign-problems]")).to_have_count(0)
    expect(page.locator("[data-answer=physical_health] dd").first).to_have_text(TYPED)
    page.get_by_role("link", name="Change ADHD").click()
    assert page.evaluate("location.hash") == "#id_adhd_1"
    expect(page.locator("#id_adhd_1")).to_be_in_viewport()
    page.locator("input[name=adhd][value=diagnosed]").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("[data-answer=adhd] dd").first).to_have_text("Known diagnosis")
    screenshot("3-check-complete")
    assert_no_serious_violations(page, "check answers, complete")

    page.get_by_role("button", name="Sign the assessment").click()
    expect(page.get_by_text("Assessment signed. It can no longer be edited.")).to_be_visible()
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert (assessment.status, assessment.physical_health, assessment.adhd) == (
        "signed",
        TYPED,
        "diagnosed",
    )
