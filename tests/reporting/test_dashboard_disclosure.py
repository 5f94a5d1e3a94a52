"""Every commissioner view and export applies suppression and shows no one's identity."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.enums import AuditAction
from accounts.models import AuditEvent

COMMISSIONER_PAGES = [
    ("reporting:dashboard", []),
    ("reporting:board_summary", []),
]
COMMISSIONER_FILES = [
    ("reporting:export_workbook", []),
    ("reporting:export_table", ["referrals-by-team", "csv"]),
    ("reporting:export_table", ["referrals-by-team", "xlsx"]),
    ("reporting:export_table", ["funnel", "csv"]),
    ("reporting:export_table", ["timeliness", "xlsx"]),
]
FILTERS = [{}, {"cohort": "women"}, {"cohort": "veterans", "period": "last-24-months"}]


def _readable(response) -> str:
    """The response as text, with an Excel file's zipped XML unpacked."""
    body = b"".join(response) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return body.decode("utf-8")


@pytest.mark.parametrize(("name", "args"), COMMISSIONER_PAGES + COMMISSIONER_FILES)
@pytest.mark.parametrize("params", FILTERS)
def test_no_personal_identifier_in_any_commissioner_response(
    commissioner_client, known_data, name, args, params
):
    response = commissioner_client.get(reverse(name, args=args), params)
    text = _readable(response).casefold()

    assert response.status_code == 200
    leaked = [i for i in known_data.identifiers if i and i.casefold() in text]
    assert leaked == []


@pytest.mark.parametrize(("name", "args"), COMMISSIONER_PAGES)
def test_commissioner_pages_link_to_no_record(commissioner_client, known_data, name, args):
    text = commissioner_client.get(reverse(name, args=args)).text

    for referral in known_data.referrals[:3]:
        assert referral.get_absolute_url() not in text
        assert referral.person.get_absolute_url() not in text
    assert "/referrals/" not in text and "/people/" not in text


def test_dashboard_page_suppresses_small_counts(commissioner_client, known_data):
    response = commissioner_client.get(reverse("reporting:dashboard"))

    # Norwich has 3 referrals: the table and the chart data show "*", never 3.
    assert (
        '<th scope="row" class="govuk-table__header">Norwich L&amp;D</th><td class="govuk-table__cell govuk-table__cell--numeric">*</td>'
        in response.text
    )
    table = response.context["dashboard"].table("referrals-by-team")
    assert table.chart["datasets"][0]["data"] == [20, None]
    assert table.chart["datasets"][0]["display"] == ["20", "*"]


def test_team_lead_page_shows_exact_counts(fenland_lead_client, known_data):
    response = fenland_lead_client.get(reverse("reporting:dashboard"))

    assert (
        '<th scope="row" class="govuk-table__header">Fenland L&amp;D</th><td class="govuk-table__cell govuk-table__cell--numeric">22</td>'
        in response.text
    )
    assert "Exact figures for your own team" in response.text


def test_board_summary_applies_suppression(commissioner_client, known_data):
    response = commissioner_client.get(reverse("reporting:board_summary"))
    funnel = next(t for t in response.context["tables"] if t.key == "funnel")

    assert [row[1] for row in funnel.rows][:3] == [25, 20, "*"]
    assert "small-number rule" in response.text
    assert "data last refreshed" in response.text.lower()


def test_csv_export_applies_suppression(commissioner_client, known_data):
    response = commissioner_client.get(
        reverse("reporting:export_table", args=["referrals-by-team", "csv"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    # 22 of 25: "88" would give away Norwich's 3 (25 - 22), so the share is "*" too.
    assert ["Fenland L&D", "20", "*"] in rows
    assert ["Norwich L&D", "*", "*"] in rows
    assert ["Total", "25", "100"] in rows


def test_xlsx_export_applies_suppression(commissioner_client, known_data):
    response = commissioner_client.get(reverse("reporting:export_workbook"))
    workbook = load_workbook(io.BytesIO(response.content))
    values = list(workbook["Referrals by team"].iter_rows(values_only=True))

    assert ("Fenland L&D", 20, "*") in values
    assert ("Norwich L&D", "*", "*") in values
    assert len(workbook.sheetnames) == 16


def test_team_lead_export_has_exact_figures(fenland_lead_client, known_data):
    response = fenland_lead_client.get(
        reverse("reporting:export_table", args=["referrals-by-team", "csv"])
    )

    assert ["Fenland L&D", "22", "100"] in list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    )


def test_export_is_audited_without_personal_data(commissioner_client, commissioner, known_data):
    commissioner_client.get(
        reverse("reporting:export_table", args=["funnel", "csv"]), {"cohort": "women"}
    )

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.user == commissioner
    assert event.person_id is None
    assert "funnel" in event.detail and "cohort=women" in event.detail
