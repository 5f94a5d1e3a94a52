"""A commissioner signs in, filters the dashboard to women in one team, reads a chart and
its table, downloads the figures as CSV and opens the printable board summary."""

import csv
import io
import re

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.enums import Role, TeamKind
from tests.e2e.axe import assert_no_serious_violations
from tests.factories import TeamFactory, UserFactory
from tests.reporting.known_data import NOW, build_known_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard_data(e2e_db):
    # The clock runs on from the known data's "now", so the snapshot and periods match it.
    with time_machine.travel(NOW, tick=True):
        yield build_known_data()


def _hidden_labels(page, key):
    """The "*" and "-" markers the chart wrote for its hidden figures."""
    return page.evaluate(
        """key => window.Chart.getChart(document.querySelector(`#${key} canvas`)).$hiddenLabels""",
        key,
    )


def _chart_values(page, key):
    """What Chart.js drew for a figure: its labels and first dataset."""
    return page.evaluate(
        """key => {
            const canvas = document.querySelector(`#${key} canvas`);
            const chart = window.Chart.getChart(canvas);
            return {labels: chart.data.labels, data: chart.data.datasets[0].data};
        }""",
        key,
    )


def test_commissioner_filters_to_women_in_one_team_and_downloads_csv(
    signed_in_page, dashboard_data, screenshot
):
    team = TeamFactory(name="NHS England Midlands", kind=TeamKind.COMMISSIONER)
    commissioner = UserFactory(role=Role.COMMISSIONER, team=team, first_name="Grace")

    page = signed_in_page(commissioner)
    errors = []  # a CSP violation or a script error would show here
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.reload()
    expect(
        page.get_by_role("heading", name="Liaison & Diversion and treatment requirements")
    ).to_be_visible()
    expect(page.locator("#headlines")).to_contain_text("25")
    assert_no_serious_violations(page, "commissioner dashboard")
    screenshot("1-dashboard")

    # Norwich's 3 referrals are hidden: no bar (never a 0), but a "*" where the bar would be.
    _small_figure_hidden_and_starred(page, screenshot)

    _filter_to_women_in_fenland_and_download_the_csv(page, dashboard_data, screenshot)

    _printable_board_summary_fits_one_page(page, screenshot, errors)


def _small_figure_hidden_and_starred(page, screenshot):
    page.wait_for_selector("#referrals-by-team canvas[data-chart-ready=true]", state="attached")
    by_team = page.locator("#referrals-by-team")
    by_team.scroll_into_view_if_needed()
    assert _chart_values(page, "referrals-by-team") == {
        "labels": ["Fenland L&D", "Norwich L&D"],
        "data": [20, None],
    }
    assert _hidden_labels(page, "referrals-by-team") == [{"dataset": 0, "index": 1, "text": "*"}]
    screenshot("1b-hidden-figure-labelled")


def _filter_to_women_in_fenland_and_download_the_csv(page, dashboard_data, screenshot):
    """The filters are in the address; the rounded figure is the same in the chart, its table and
    the CSV, which names its filters and no person."""
    page.select_option("#id_cohort", label="Women")
    page.select_option("#id_team", label="Fenland L&D")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#dashboard-scope")).to_contain_text("Women, Fenland L&D, all sources")
    assert "cohort=women" in page.url and f"team={dashboard_data.team_a.pk}" in page.url
    page.wait_for_selector("#referrals-by-team canvas[data-chart-ready=true]", state="attached")
    figure = page.locator("#referrals-by-team")
    figure.scroll_into_view_if_needed()
    screenshot("2-women-in-fenland")

    # 13 women were referred to Fenland: the chart and the table both show 15 (rounded).
    assert _chart_values(page, "referrals-by-team") == {"labels": ["Fenland L&D"], "data": [15]}
    figure.get_by_text("Table of figures").click()
    row = figure.get_by_role("row", name="Fenland L&D")
    expect(row.get_by_role("cell")).to_have_text(["15", "100"])
    expect(figure).to_contain_text("data last refreshed")
    assert_no_serious_violations(page, "filtered dashboard with a table open")
    figure.scroll_into_view_if_needed()
    screenshot("3-chart-and-table")

    with page.expect_download() as download_info:
        figure.get_by_role("link", name="CSV file of Referrals by team").click()
    download = download_info.value
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Fenland L&D", "15", "100"] in rows
    assert "Filters: Women, Fenland L&D, all sources" in text
    leaked = [i for i in dashboard_data.identifiers if i and i.casefold() in text.casefold()]
    assert leaked == []


def _printable_board_summary_fits_one_page(page, screenshot, errors):
    page.get_by_role("link", name="Printable board summary").click()
    expect(page.get_by_role("heading", name="Service summary")).to_contain_text("Service summary")
    expect(page.get_by_role("table").first).to_be_visible()
    assert_no_serious_violations(page, "board summary")
    screenshot("4-board-summary")
    assert errors == []
    page.emulate_media(media="print")
    screenshot("5-board-summary-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # fits one A4 page
