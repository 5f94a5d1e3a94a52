"""The error pages and the accessibility statement in a real browser: reached from the
footer, axe-clean at 1280 and 390 px, no sideways scrolling at 390 px, screenshots."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.enums import Role
from tests.factories import ReferralFactory, TeamFactory, UserFactory

from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _look(page, screenshot, name):
    page.wait_for_load_state()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_violations(page, f"{name} at {width} px")
        screenshot(f"{name}-{width}")
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= 390, f"{name} scrolls sideways at 390 px ({scroll} px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_statement_from_the_footer_and_the_error_pages(
    page, live_server, signed_in_page, screenshot
):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement for")
    _look(page, screenshot, "01-statement")

    page.goto(live_server.url + "/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    _look(page, screenshot, "02-not-found-signed-out")

    practitioner = UserFactory(role=Role.PRACTITIONER, team=TeamFactory(name="Fenland L&D"))
    elsewhere = ReferralFactory(person__team=TeamFactory(name="Norwich L&D"))
    signed_in_page(practitioner)
    page.goto(live_server.url + reverse("referrals:referral_detail", args=[elsewhere.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    _look(page, screenshot, "03-record-not-found")
    page.get_by_role("link", name="Go to My work").click()
    expect(page).to_have_url(live_server.url + reverse("referrals:my_work"))

    page.goto(live_server.url + reverse("reporting:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have permission to view this page"
    )
    _look(page, screenshot, "04-no-permission")
