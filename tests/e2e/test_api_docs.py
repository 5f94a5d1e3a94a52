"""The API documentation page in a real browser: reached from the administrators' API
clients page, axe-clean at 1280 and 390 px (headings in order, tables with headers, the
examples scroll on their own), screenshots."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.enums import Role, TeamKind
from tests.factories import TeamFactory, UserFactory

from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_documentation_from_the_clients_page(page, live_server, signed_in_page, screenshot):
    admin_team = TeamFactory(name="Service administration", kind=TeamKind.ADMINISTRATION)
    signed_in_page(UserFactory(role=Role.ADMINISTRATOR, team=admin_team))
    page.goto(live_server.url + reverse("api_admin:client_list"))

    page.get_by_role("link", name="API documentation").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("documentation")
    expect(page.get_by_role("heading", name="Create a referral")).to_be_visible()
    expect(page.get_by_role("table", name="Responses of Create a referral")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_violations(page, f"API documentation at {width} px")
        screenshot(f"api-docs-{width}")
    page.get_by_role("link", name="Record an appointment's outcome").click()
    expect(page).to_have_url(live_server.url + reverse("api:docs") + "#op-appointment_outcome")
