"""At 390 px (a phone), as a practitioner and a probation officer: the navigation folds behind
"Menu", no page scrolls sideways (wide tables scroll in their own box), the rows of a list
come before its filters, intake can be completed with the phone's number pad for the date
and NHS number, and axe finds nothing serious on any of these screens."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.accounts import DEMO_PASSWORD
from referrals.models import Referral

from . import screenshots
from .axe import assert_no_serious_violations
from .navigation import follow

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# The elements that reach past the screen's right edge outside a scrolling table box.
_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                && !el.closest('.app-table-wrap'))
  .slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + el.textContent.slice(0, 40))"""


@pytest.fixture
def phone(browser, live_server, e2e_db):
    call_command("seed_demo", referrals=60, seed=11, demo=True, verbosity=0)
    context = browser.new_context(viewport=PHONE, locale="en-GB", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)

    def sign_in(username):
        page.goto(live_server.url + "/sign-in/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Sign in"))
        assert "/sign-in/" not in page.url
        return page

    yield sign_in
    context.close()


def _look(page, name):
    screenshots.save(page, f"phone-{name}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        f"{name}: the page scrolls sideways, beyond the screen: {page.evaluate(_WIDE)}"
    )
    assert_no_serious_violations(page, f"{name} at 390 px")


def test_practitioner_on_a_phone(phone, live_server):
    page = phone("practitioner")

    # My work: the menu is folded; the counts and the first queue come first.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.locator("#navigation")).to_be_hidden()
    _look(page, "my-work")
    menu.click()
    expect(page.get_by_role("link", name="Referrals", exact=True)).to_be_visible()
    assert page.locator("section#assigned table").bounding_box()["y"] < 2 * PHONE["height"]

    # The referral list: rows before the filters, which open on request.
    page.get_by_role("link", name="Referrals", exact=True).click()
    show = page.get_by_role("button", name="Show filters")
    expect(show).to_be_visible()
    expect(page.get_by_label("Status")).to_be_hidden()
    assert page.locator("main table").bounding_box()["y"] < PHONE["height"]
    search = page.locator("input[name=q]").bounding_box()
    assert search["width"] >= 200, "the search box shrank to a sliver"
    _look(page, "referral-list")
    show.click()
    expect(page.get_by_label("Status")).to_be_visible()
    expect(page.get_by_role("button", name="Hide filters")).to_have_attribute(
        "aria-expanded", "true"
    )

    # Intake: dates and the NHS number bring up a number pad; the referral is saved.
    page.goto(live_server.url + "/referrals/new/")
    for box in ("#id_person-date_of_birth", "#id_person-nhs_number"):
        assert page.get_attribute(box, "inputmode") in ("numeric", "decimal")
    page.fill("#id_person-given_name", "Mina")
    page.fill("#id_person-family_name", "Haddad")
    page.fill("#id_person-date_of_birth", "14.2.91")  # as typed on a phone's number pad
    page.get_by_label("Female", exact=True).check()
    page.select_option("#id_person-ethnicity", index=1)
    page.select_option("#id_referral-source", value="police_custody")
    page.select_option("#id_referral-site", index=1)
    page.fill("#id_referral-referrer_name", "Sgt Amy Fox")
    page.select_option("#id_referral-referrer_role", value="custody_staff")
    page.fill("#id_referral-referrer_organisation", "Cambridgeshire Constabulary")
    page.fill("#id_referral-reason", "Tearful at booking-in.")
    _look(page, "intake")
    before = Referral.objects.count()
    page.get_by_role("button", name="Save referral").click()
    expect(page.locator(".govuk-notification-banner__heading")).to_contain_text("recorded")
    assert Referral.objects.count() == before + 1
    person = Referral.objects.latest("pk").person
    assert (person.family_name, str(person.date_of_birth)) == ("Haddad", "1991-02-14")
    _look(page, "referral-recorded")


def test_probation_officer_on_a_phone(phone, live_server):
    page = phone("probation")

    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    _look(page, "caseload")
    search = page.locator("main input[type=search], main input[name=q]").first
    assert search.bounding_box()["width"] >= 200, "the search box shrank to a sliver"

    page.goto(live_server.url + "/orders/week/")
    _look(page, "week")
