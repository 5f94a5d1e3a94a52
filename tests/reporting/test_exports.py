import csv
import io

import pytest
from openpyxl import load_workbook

from reporting.exports import neutralise, table_csv, tables_xlsx
from reporting.selectors import DashboardMeta, FigureTable

META = DashboardMeta(
    period_label="April 2026 to March 2027",
    filter_label="Everyone, all teams, all sources",
    refreshed_label="02:14 on 23 November 2026",
    footnote="Figures follow NHS Digital's small-number rule.",
)


def _table():
    return FigureTable(
        key="referrals-by-team",
        title="Referrals by team",
        columns=["Team", "Referrals"],
        rows=[['=HYPERLINK("http://evil","x")', 10], ["@SUM(A1)", "*"], ["Norfolk", 0]],
        total_row=["Total", 15],
    )


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "--", "@A1", "\tx", "\rx"])
def test_neutralise_prefixes_formula_like_text(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Norfolk", "*", "-", 10, 12.5, 0, -3])
def test_neutralise_leaves_ordinary_values(value):
    assert neutralise(value) == value


def test_csv_export_neutralises_formulas_and_keeps_suppression():
    rows = list(csv.reader(io.StringIO(table_csv(_table(), META).decode("utf-8-sig"))))

    assert ["Team", "Referrals"] in rows
    assert ['\'=HYPERLINK("http://evil","x")', "10"] in rows
    assert ["'@SUM(A1)", "*"] in rows
    assert ["Total", "15"] in rows


def test_csv_export_states_period_refresh_time_and_footnote():
    text = table_csv(_table(), META).decode("utf-8-sig")

    assert "Period: April 2026 to March 2027" in text
    assert "Data last refreshed: 02:14 on 23 November 2026" in text
    assert "small-number rule" in text


def test_xlsx_export_stores_no_formula_and_keeps_numbers_as_numbers():
    workbook = load_workbook(io.BytesIO(tables_xlsx([_table()], META)))
    sheet = workbook["Referrals by team"]
    values = list(sheet.iter_rows(values_only=True))
    cells = [cell for row in sheet.iter_rows() for cell in row]

    assert ('\'=HYPERLINK("http://evil","x")', 10) in values
    assert ("'@SUM(A1)", "*") in values
    assert all(cell.data_type != "f" for cell in cells)


def test_xlsx_export_gives_each_table_its_own_sheet():
    other = FigureTable("gender", "Referrals by gender", ["Gender", "Referrals"], [["Female", 10]])

    workbook = load_workbook(io.BytesIO(tables_xlsx([_table(), other], META)))

    assert workbook.sheetnames == ["Referrals by team", "Referrals by gender"]
