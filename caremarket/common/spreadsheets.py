"""Safe cell values for CSV and spreadsheet exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (CSV/formula injection).

    Numbers stay numbers; only text beginning with a formula character is prefixed
    with an apostrophe, which spreadsheets show but do not evaluate.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


@dataclass(frozen=True)
class Sheet:
    """One table of a download: an xlsx sheet, or a CSV file on its own."""

    title: str  # the sheet's name (Excel allows 31 characters)
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    # Lines above the table in the workbook (what the figures are, as at when).
    heading: Sequence[str] = ()

    @property
    def slug(self) -> str:
        return sheet_slug(self.title)


def sheet_slug(title: str) -> str:
    """How one table of a download is named in a URL and a CSV file name."""
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def sheet_table_write(ws: Worksheet, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A header in bold, frozen and filterable, then the rows with formula cells neutralised."""
    ws.append(list(columns))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(list(row)))
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{ws.max_row}"
    for index, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(45, len(name) + 24))


def workbook_bytes(*, sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        for line in sheet.heading:
            ws.append([safe_cell(line)])
        if sheet.heading:
            ws["A1"].font = Font(bold=True, size=14)
            ws.append([])
        sheet_table_write(ws, sheet.columns, sheet.rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(*, sheet: Sheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(list(sheet.columns)))
    writer.writerows(safe_row(list(row)) for row in sheet.rows)
    return out.getvalue()
