"""The caseload in a browser: search by name (the URL keeps only a token), page through the
orders, filter by requirement, and see all of a due list; axe-clean at each step."""

import re

import pytest
from playwright.sync_api import expect

from referrals.models import Person
from tests.treatment_requirements.factories import (
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    days,
)
from treatment_requirements import selectors

from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_searches_pages_and_filters_the_caseload(
    signed_in_page, live_server, screenshot, monkeypatch
):
    monkeypatch.setattr(selectors, "CASELOAD_PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "CASELOAD_LIST_LIMIT", 2)
    officer = ProbationOfficerFactory(team=ProbationTeamFactory(), username="e2e_officer")
    orders = [OrderFactory(responsible_officer=officer) for _ in range(5)]
    OrderRequirementFactory(order=orders[1], kind="drr")
    OrderRequirementFactory(order=orders[4], kind="drr")
    for order in orders[:3]:
        FailureFactory(order=order, deadline=days(3))
    person = Person.objects.get(pk=orders[3].person_id)
    person.given_name, person.family_name = "Morgan", "Quill-Hart"
    person.save()

    page = signed_in_page(officer)
    page.goto(live_server.url + "/orders/")
    screenshot("01-caseload")
    assert_no_serious_violations(page, "caseload")

    page.get_by_role("link", name="See all open non-compliance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Open non-compliance: enforcement action due"
    )
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_role("link", name="Decide action")).to_have_count(1)
    screenshot("02-due-list-last-page")
    assert_no_serious_violations(page, "due list")

    page.goto(live_server.url + "/orders/")
    page.get_by_label("Search by name, order reference, NHS number or PNC ID").fill(
        "quill-hart morgan"
    )
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Morgan Quill-Hart")).to_be_visible()
    assert re.fullmatch(r".*/orders/all/\?cases=mine&search=[\w-]{12}", page.url)
    screenshot("03-search")
    assert_no_serious_violations(page, "caseload search")

    page.get_by_role("link", name="Clear search").click()
    page.get_by_label("Requirement").select_option("drr")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    screenshot("04-filtered")
    page.get_by_label("Requirement").select_option("")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="Next page").click()
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    screenshot("05-last-page")
    assert_no_serious_violations(page, "orders list")


def test_officer_sees_new_to_me_and_the_week_of_appointments(
    signed_in_page, live_server, screenshot
):
    import datetime

    from django.utils import timezone

    from tests.treatment_requirements.factories import AppointmentFactory
    from treatment_requirements.caseload_week import week_start
    from treatment_requirements.models import OrderAllocation

    officer = ProbationOfficerFactory(team=ProbationTeamFactory(), username="e2e_week")
    new, held = OrderFactory(responsible_officer=officer), OrderFactory(responsible_officer=officer)
    monday = week_start(timezone.localdate())
    for order, day, hour in ((new, 0, 9), (held, 2, 14), (held, 8, 10)):
        AppointmentFactory(
            order=order,
            starts_at=timezone.make_aware(
                datetime.datetime.combine(
                    monday + datetime.timedelta(days=day), datetime.time(hour)
                )
            ),
        )

    page = signed_in_page(officer)  # signing in lands on the caseload: a first look
    OrderAllocation.objects.create(order=new, officer=officer)
    page.goto(live_server.url + "/orders/")
    expect(page.get_by_role("heading", name="New to me (1)")).to_be_visible()
    expect(page.get_by_role("link", name=f"CO{new.pk:06d}")).to_be_visible()
    screenshot("05-new-to-me")

    page.get_by_role("link", name="This week's appointments and what is due this week").click()
    expect(page.get_by_role("heading", name="Due this week")).to_be_visible()
    expect(page.locator("[data-appointment]")).to_have_count(2)
    screenshot("06-this-week")
    assert_no_serious_violations(page, "week view")

    page.get_by_role("link", name="Next week", exact=True).click()
    expect(page.locator("[data-appointment]")).to_have_count(1)
    assert_no_serious_violations(page, "next week")

    page.goto(live_server.url + "/orders/")
    expect(page.get_by_role("heading", name="New to me (0)")).to_be_visible()
