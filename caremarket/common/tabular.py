"""Read CSV, xlsx and ODS files as rows of named cells, with row numbers for error messages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from caremarket.common.errors import ValidationFailed

HEADER_SCAN_ROWS = 15


class TableError(ValidationFailed):
    pass


@dataclass
class Table:
    source: str  # the file name, and the sheet for spreadsheets
    header: list[str]
    header_row: int
    rows: list[tuple[int, dict[str, str]]]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sniff_kind(data: bytes, filename: str) -> str:
    if data[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise TableError(
                f"{filename}: the file is damaged (not a readable spreadsheet)."
            ) from None
        if "content.xml" in names:
            return "ods"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise TableError(f"{filename}: a zip file that is neither an xlsx nor an ODS spreadsheet.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TableError(
            f"{filename}: an old Excel (.xls) file. Save it as .xlsx or CSV and try again."
        )
    return "csv"


def _decode(data: bytes, filename: str) -> str:
    if b"\x00" in data[:4096]:
        raise TableError(f"{filename}: this is not a text file (it contains binary data).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Files saved from Excel on Windows are often cp1252 rather than UTF-8.
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TableError(
            f"{filename}: the text is neither UTF-8 nor Windows-1252 ({exc.reason})."
        ) from None


def _grids(data: bytes, filename: str) -> list[tuple[str, list[list[str]]]]:
    kind = _sniff_kind(data, filename)
    if kind == "csv":
        text = _decode(data, filename)
        return [(filename, [list(r) for r in csv.reader(io.StringIO(text, newline=""))])]
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise TableError(f"{filename}: the spreadsheet could not be read ({exc}).") from None
    grids = []
    for name in book.sheet_names:
        values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        grids.append(
            (f"{filename}, sheet {name}", [[_cell_text(c) for c in row] for row in values])
        )
    return grids


def table_read(*, data: bytes, filename: str, required: Sequence[str]) -> Table:
    """Find the first sheet whose header row (within the first rows) has every required column."""
    wanted = [c.strip().lower() for c in required]
    for source, grid in _grids(data, filename):
        for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
            header = [c.strip() for c in row]
            lowered = [c.lower() for c in header]
            if all(w in lowered for w in wanted):
                rows = []
                for offset, values in enumerate(grid[index + 1 :], start=index + 2):
                    if not any(v.strip() for v in values):
                        continue
                    padded = list(values) + [""] * (len(header) - len(values))
                    rows.append((offset, {h: padded[i].strip() for i, h in enumerate(header) if h}))
                return Table(source=source, header=header, header_row=index + 1, rows=rows)
    raise TableError(
        f"{filename}: no header row with the columns {', '.join(required)} was found "
        f"in the first {HEADER_SCAN_ROWS} rows."
    )


def parse_date(value: str) -> dt.date | None:
    """ISO (2024-03-05) or UK (05/03/2024) dates; None for an empty cell."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{value}” is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
