"""A custody practitioner records a referral, finds it again by search and opens the person."""

import pytest
from playwright.sync_api import expect

from referrals.models import Person, Referral
from tests.factories import SiteFactory
from tests.privacy import without_search_token

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_practitioner_records_a_referral_finds_it_and_opens_the_person(
    signed_in_page, practitioner, site, screenshot, live_server
):
    court = SiteFactory(
        team=site.team, name="Cambridge Magistrates' Court", kind="magistrates_court"
    )
    page = signed_in_page(practitioner)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    screenshot("1-my-work")

    page.get_by_role("link", name="Record a new referral").click()
    expect(page.get_by_role("heading", name="Record a new referral")).to_be_visible()
    page.fill("#id_person-given_name", "Zoë")
    page.fill("#id_person-family_name", "O'Brien")
    page.fill("#id_person-date_of_birth", "14/2/1991")
    page.get_by_label("Female", exact=True).check()
    page.select_option("#id_person-ethnicity", label="Irish")
    page.fill("#id_person-nhs_number", "943 476 5919")
    page.fill("#id_person-pnc_id", "79/163001B")
    page.fill("#id_person-postcode_district", "cb1")
    page.select_option("#id_referral-source", value="police_custody")
    # intake.js offers the sites that fit the source and names the reference accordingly.
    court_hidden = f"#id_referral-site option[value='{court.pk}']"
    assert page.eval_on_selector(court_hidden, "option => option.hidden") is True
    expect(page.locator("label[for='id_referral-case_reference']")).to_have_text(
        "Custody record number"
    )
    page.select_option("#id_referral-site", label=site.name)
    page.fill("#id_referral-case_reference", "CUST/26/004411")
    page.fill("#id_referral-referrer_name", "Sgt Amy Fox")
    page.select_option("#id_referral-referrer_role", value="custody_staff")
    page.fill("#id_referral-referrer_organisation", "Cambridgeshire Constabulary")
    page.fill("#id_referral-reason", "Tearful at booking-in and said she had not slept.")
    page.get_by_label("Mental health").check()
    page.get_by_label("Urgent (same episode or court day)").check()
    screenshot("2-intake-filled")
    page.get_by_role("button", name="Save referral").click()

    referral = Referral.objects.get()
    expect(page.get_by_text(f"Referral {referral.reference} recorded")).to_be_visible()
    expect(page.get_by_text("CUST/26/004411")).to_be_visible()
    screenshot("3-referral-recorded")

    page.get_by_role("link", name="Referrals", exact=True).click()
    page.fill("input[name=q]", "obrien zoe")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Showing results for your search")).to_be_visible()
    rest = without_search_token(page.url).lower()
    assert "search=" in rest and "brien" not in rest and "zoe" not in rest
    expect(page.get_by_role("link", name="O'BRIEN, Zoë")).to_be_visible()
    screenshot("4-search-results")

    page.get_by_role("link", name="O'BRIEN, Zoë").click()
    person = Person.objects.get()
    assert page.url == f"{live_server.url}/people/{person.pk}/"
    expect(page.get_by_role("heading", name="Zoë O'Brien")).to_be_visible()
    expect(page.get_by_text("943 476 5919")).to_be_visible()
    expect(page.get_by_text(f"Referral {referral.reference} received")).to_be_visible()
    screenshot("5-person-page")


def test_intake_errors_are_summarised_and_linked_to_fields(
    signed_in_page, practitioner, site, screenshot, live_server
):
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/referrals/new/")
    page.fill("#id_person-nhs_number", "943 476 5918")
    page.get_by_role("button", name="Save referral").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(
        summary.get_by_role("link", name="This is not a valid NHS number: check the digits")
    ).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the given name")).to_be_visible()
    screenshot("1-errors")
    summary.get_by_role("link", name="Enter the given name").click()
    expect(page.locator("#id_person-given_name")).to_be_focused()
    assert not Person.objects.exists()


def test_likely_match_is_offered_and_the_existing_person_used(
    signed_in_page, practitioner, site, team, screenshot, live_server
):
    import datetime

    from tests.factories import PersonFactory

    existing = PersonFactory(
        team=team, given_name="Zoe", family_name="O'Brien", date_of_birth=datetime.date(1991, 2, 14)
    )
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/referrals/new/")
    page.fill("#id_person-given_name", "OBRIEN")  # typed the wrong way round, no accent
    page.fill("#id_person-family_name", "zoë")
    page.fill("#id_person-date_of_birth", "14/02/1991")
    page.select_option("#id_referral-source", value="magistrates_court")
    page.select_option("#id_referral-site", label=site.name)
    page.fill("#id_referral-referrer_name", "Legal adviser")
    page.select_option("#id_referral-referrer_role", value="court_staff")
    page.fill("#id_referral-referrer_organisation", "HMCTS")
    page.fill("#id_referral-reason", "Confused answers in the dock.")
    page.get_by_role("button", name="Save referral").click()

    expect(page.get_by_role("heading", name="Possible match")).to_be_visible()
    screenshot("1-possible-match")
    page.get_by_label("Use Zoe O'Brien, born 14 February 1991").check()
    page.get_by_role("button", name="Continue").click()

    referral = Referral.objects.get()
    expect(page.get_by_text(f"Referral {referral.reference} recorded")).to_be_visible()
    assert Person.objects.count() == 1
    assert referral.person_id == existing.pk
    screenshot("2-recorded-for-existing-person")


def test_recording_for_the_person_who_holds_the_nhs_number_keeps_what_was_typed(
    signed_in_page, practitioner, site, team, screenshot, live_server
):
    from tests.factories import PersonFactory

    existing = PersonFactory(
        team=team, given_name="Zoe", family_name="Existing", nhs_number="9434765919"
    )
    page = signed_in_page(practitioner)
    page.goto(f"{live_server.url}/referrals/new/")
    page.fill("#id_person-given_name", "Zoë")
    page.fill("#id_person-family_name", "O'Brien")
    page.fill("#id_person-date_of_birth", "14 2 1991")
    page.fill("#id_person-nhs_number", "９４３ ４７６ ５９１９")  # full-width digits
    page.select_option("#id_referral-source", value="police_custody")
    page.select_option("#id_referral-site", label=site.name)
    page.fill("#id_referral-case_reference", "CUST/26/004412")
    page.fill("#id_referral-referrer_name", "Sgt Amy Fox")
    page.select_option("#id_referral-referrer_role", value="custody_staff")
    page.fill("#id_referral-referrer_organisation", "Cambridgeshire Constabulary")
    page.fill("#id_referral-reason", "Tearful at booking-in and said she had not slept.")
    page.get_by_label("Mental health").check()
    page.get_by_label("Urgent (same episode or court day)").check()
    page.get_by_role("button", name="Save referral").click()

    expect(page.locator(".app-duplicate")).to_contain_text("Zoe Existing, born 17 May 1990")
    screenshot("1-nhs-number-already-recorded")
    page.get_by_role("button", name="Record this referral for Zoe Existing instead").click()

    referral = Referral.objects.get()
    expect(page.get_by_text(f"Referral {referral.reference} recorded")).to_be_visible()
    screenshot("2-recorded-for-the-holder")
    assert "9434765919" not in page.url and "person=" not in page.url
    assert referral.person_id == existing.pk and Person.objects.count() == 1
    assert (
        referral.case_reference,
        referral.referrer_name,
        referral.referrer_role,
        referral.referrer_organisation,
        referral.reason,
        referral.urgency,
        list(referral.vulnerabilities.values_list("code", flat=True)),
    ) == (
        "CUST/26/004412",
        "Sgt Amy Fox",
        "custody_staff",
        "Cambridgeshire Constabulary",
        "Tearful at booking-in and said she had not slept.",
        "urgent",
        ["mental-health"],
    )
