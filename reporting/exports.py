"""CSV and Excel files of dashboard tables, with the same figures as the screen.

The figures arrive already disclosure-controlled (see reporting.selectors); this module
only lays them out and neutralises spreadsheet formula injection: any text cell that a
spreadsheet could read as a formula (starting = + - @, a tab or a carriage return) is
prefixed with an apostrophe, so a team or site called "=HYPERLINK(...)" stays text.
"""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .disclosure import NOT_APPLICABLE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def export_filename(what: str, meta, selection, extension: str) -> str:
    """A download's name from what it holds, the dates it covers and the filters, e.g.
    referrals-by-source_2026-04-01_to_2026-09-30_team-westminster.csv. Codes and team
    names only: figures never name a person, and neither do their files."""
    period = f"{meta.period_start.isoformat()}_to_{meta.period_end.isoformat()}"
    return "_".join([what, period, *selection.filename_parts()]) + f".{extension}"


def neutralise(value):
    """A cell value safe to open in a spreadsheet: formula-like text gets a leading '.

    The disclosure marker "-" on its own (nothing to measure) is left as it is: a lone
    minus sign cannot be a formula, and the file should match the screen.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and value != NOT_APPLICABLE:
        return "'" + value
    return value


def _preamble(table, context) -> list[list]:
    return [
        [table.title],
        [f"Period: {context.period_label}"],
        [f"Filters: {context.filter_label}"],
        [f"Data last refreshed: {context.refreshed_label}"],
        [],
    ]


def _table_rows(table) -> Iterable[list]:
    yield list(table.columns)
    yield from (list(row) for row in table.rows)
    if table.total_row:
        yield list(table.total_row)


def _footer(table, context) -> list[list]:
    lines = [[]]
    if table.note:
        lines.append([table.note])
    lines.append([context.footnote])
    return lines


def table_rows_for_export(table, context) -> list[list]:
    """Every line of one table's export, neutralised, in order."""
    rows = [*_preamble(table, context), *_table_rows(table), *_footer(table, context)]
    return [[neutralise(cell) for cell in row] for row in rows]


def table_csv(table, context) -> bytes:
    """One dashboard table as CSV (UTF-8 with BOM so Excel reads the £ and en dashes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(table_rows_for_export(table, context))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    base = title.translate(_SHEET_TITLE_FORBIDDEN).strip()[:28] or "Table"
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate, n = f"{base[:25]} {n}", n + 1
    used.add(candidate.lower())
    return candidate


def _write_sheet(sheet, table, context):
    header_line = len(_preamble(table, context)) + 1
    for row in table_rows_for_export(table, context):
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[header_line]:
        cell.font = Font(bold=True)
    for index, _ in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 18 if index > 1 else 40


def tables_xlsx(tables, context) -> bytes:
    """A workbook with one sheet per table."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        _write_sheet(workbook.create_sheet(_sheet_title(table.title, used)), table, context)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
