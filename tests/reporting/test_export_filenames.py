"""Every dashboard download is named for what it holds, the dates it covers and the filters
(reporting.exports.export_filename); none names a person. The clock is frozen at
23 November 2026 and the snapshot is for 22 November, so "last 12 months" covers
1 December 2025 to 22 November 2026: the day of the snapshot, not today."""

import pytest
from django.urls import reverse


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="'), disposition
    return disposition.removeprefix('attachment; filename="').removesuffix('"')


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_table_download_names_the_table_the_dates_and_all_teams(
    commissioner_client, known_data, fmt
):
    response = commissioner_client.get(
        reverse("reporting:export_table", args=["referrals-by-source", fmt])
    )

    assert _filename(response) == f"referrals-by-source_2025-12-01_to_2026-11-22_all-teams.{fmt}"


def test_table_download_names_every_filter_chosen(commissioner_client, known_data):
    query = {
        "cohort": "women",
        "period": "last-financial-year",
        "team": known_data.team_b.pk,
        "source": "police_custody",
    }

    response = commissioner_client.get(
        reverse("reporting:export_table", args=["funnel", "csv"]), query
    )

    assert _filename(response) == (
        "funnel_2025-04-01_to_2026-03-31_women_team-norwich-ld_source-police-custody.csv"
    )


def test_team_lead_download_names_their_own_team_whatever_is_asked(fenland_lead_client, known_data):
    response = fenland_lead_client.get(
        reverse("reporting:export_table", args=["timeliness", "xlsx"]),
        {"team": known_data.team_b.pk, "cohort": "18_24"},
    )

    assert _filename(response) == (
        "timeliness_2025-12-01_to_2026-11-22_young-adults-18-to-24_team-fenland-ld.xlsx"
    )


def test_workbook_download_names_the_dashboard_the_dates_and_filters(
    commissioner_client, known_data
):
    response = commissioner_client.get(
        reverse("reporting:export_workbook"), {"period": "last-3-months", "cohort": "veterans"}
    )

    assert _filename(response) == "dashboard_2026-09-01_to_2026-11-22_veterans_all-teams.xlsx"


def test_board_summary_title_names_the_period_and_filters_a_saved_pdf_takes(
    fenland_lead_client, known_data
):
    response = fenland_lead_client.get(reverse("reporting:board_summary"))

    assert (
        "<title>Board summary, December 2025 to 22 November 2026, Everyone, Fenland L&amp;D, "
        "all sources - " in response.content.decode()
    )
