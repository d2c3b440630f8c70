"""Uploaded tables: find the header row, then give each row's cells by column name.

The file is opened by `common.workbooks` within the upload's limits; this module only finds
which sheet and which of its first rows holds the headings, matching them the way a person
would read them (ignoring case, spacing and punctuation), and keys every row by the caller's
own names for those columns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from caremarket.common.workbooks import Limits, TableError, sheets_open

__all__ = ["HEADER_SCAN_ROWS", "Limits", "Table", "TableError", "heading_key", "parse_date"]

HEADER_SCAN_ROWS = 15


def heading_key(text: str) -> str:
    """Headings as compared: "Location ID (office use)" matches "location id, office use"."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


@dataclass
class Table:
    source: str  # the file name, and the sheet for spreadsheets
    header: list[str]  # the headings as the file spells them
    header_row: int
    rows: list[tuple[int, dict[str, str]]]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)


def table_read(
    *,
    data: bytes,
    filename: str,
    required: Sequence[str],
    limits: Limits,
    optional: Sequence[str] = (),
) -> Table:
    """The first sheet whose header row (within the first rows) has every required column.

    Each row maps the caller's names (`required` and any `optional` found) to the cell's text,
    whatever the file's spelling; other columns are kept under the file's own headings.
    """
    wanted = {heading_key(name): name for name in (*optional, *required)}
    for sheet in sheets_open(data=data, filename=filename, limits=limits):
        rows = sheet.rows()
        for number, cells in rows:
            if number > HEADER_SCAN_ROWS:
                break
            header = [c.strip() for c in cells]
            keys = [heading_key(c) for c in header]
            if not all(heading_key(r) in keys for r in required):
                continue
            names = [wanted.get(key, text) for key, text in zip(keys, header, strict=True)]
            body = [
                (
                    offset,
                    {
                        name: (values[i].strip() if i < len(values) else "")
                        for i, name in enumerate(names)
                        if name
                    },
                )
                for offset, values in rows
            ]
            return Table(source=sheet.source, header=header, header_row=number, rows=body)
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
