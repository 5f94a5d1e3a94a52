"""Commissioner, end to end: demo data seeded and the overnight snapshot built, then the
dashboards with disclosure control, filters, the printable board summary and the exports.
Every screen is checked with axe-core and saved as a screenshot."""

from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from demo.accounts import DEMO_PASSWORD

from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_commissioner_dashboards_filters_and_exports(signed_in_page, checkpoint, e2e_db):
    call_command("seed_demo", referrals=150, demo=True, verbosity=0, stdout=None)
    call_command("build_snapshots", verbosity=0)
    commissioner = User.objects.get(username="commissioner")

    page = signed_in_page(commissioner, password=DEMO_PASSWORD)
    expect(
        page.get_by_role("heading", name="Liaison & Diversion and treatment requirements")
    ).to_be_visible()
    expect(page.locator("#dashboard-scope")).to_contain_text("Data last refreshed")
    checkpoint("01-dashboard")

    # Commissioners never see a name or an identifier.
    body = page.locator("main").inner_text()
    for person_word in ("NHS number", "PNC", "born "):
        assert person_word not in body

    # Filters: one team, custody referrals only.
    page.select_option("#id_team", index=1)
    page.select_option("#id_source", value="police_custody")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#dashboard-scope")).to_contain_text("Police custody")
    checkpoint("02-filtered")
    assert "source=police_custody" in page.url

    # Exports: one table as CSV, and every table as a workbook.
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").first.click()
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert csv_text.strip(), "the CSV export is empty"
    with page.expect_download() as workbook:
        page.get_by_role("link", name="Download all tables (Excel)").click()
    assert workbook.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="Printable board summary").click()
    checkpoint("03-board-summary")
