"""Uploaded tables: find the header row, then give each row's cells by column name.

The file is opened by `common.workbooks` within the upload's limits; this module only finds
which sheet and which of its first rows holds the headings, matching them the way a person
would read them (ignoring case, spacing and punctuation, and any other spelling the caller
knows the publisher has used), and keys every row by the caller's own names for those columns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from caremarket.common.workbooks import Limits, Sheet, TableError, csv_stream_open, sheets_open

__all__ = [
    "HEADER_SCAN_ROWS",
    "Limits",
    "Shape",
    "Table",
    "TableError",
    "TableStream",
    "heading_key",
    "parse_date",
    "table_find",
    "table_open",
    "table_read",
]

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
    # Text above the header row and on the sheets before it (a README, preamble lines).
    preamble: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(self.rows)


@dataclass
class TableStream:
    """A table whose rows are read once, as they are iterated (for files too large to hold)."""

    source: str
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, dict[str, str]]]
    preamble: list[str] = field(default_factory=list)
    # The caller's names that the file has, each with the heading as the file spells it.
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> frozenset[str]:
        return frozenset(self.columns)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return self.rows


@dataclass(frozen=True)
class Shape:
    """One kind of table: the columns it must have, may have, and how the publisher spells them.

    A name matches a heading spelt as the name or as one of its `aliases` (compared by
    heading_key), or, when neither is there, whose key matches its `patterns` regex.
    """

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    patterns: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, keys: list[str]) -> dict[int, str]:
        """Column index -> the caller's name, for every name the header has."""
        found: dict[int, str] = {}
        for name in dict.fromkeys((*self.required, *self.optional)):
            # The name's own spelling first, then the aliases in the caller's order of preference.
            spellings = [heading_key(name), *(heading_key(a) for a in self.aliases.get(name, ()))]
            matches = [
                i
                for spelling in spellings
                for i, key in enumerate(keys)
                if key == spelling and i not in found
            ][:1]
            if not matches and name in self.patterns:
                pattern = re.compile(self.patterns[name])
                # Several years' columns (lad25cd, lad26cd): the latest, the last in key order.
                candidates = sorted(
                    (key, i)
                    for i, key in enumerate(keys)
                    if pattern.fullmatch(key) and i not in found
                )
                matches = [candidates[-1][1]] if candidates else []
            if matches:
                found[matches[0]] = name
        return found


def _match(shapes: Mapping[str, Shape], keys: list[str]) -> tuple[str, dict[int, str]] | None:
    for kind, shape in shapes.items():
        columns = shape.resolve(keys)
        if set(shape.required) <= set(columns.values()):
            return kind, columns
    return None


def _sheet_table(
    sheet: Sheet, shapes: Mapping[str, Shape], preamble: list[str]
) -> tuple[str, TableStream] | None:
    rows = sheet.rows()
    for number, cells in rows:
        if number > HEADER_SCAN_ROWS:
            return None
        header = [c.strip() for c in cells]
        keys = [heading_key(c) for c in header]
        matched = _match(shapes, keys)
        if matched is None:
            preamble.append(" ".join(c for c in header if c))
            continue
        kind, columns = matched
        names = [columns.get(i, text) for i, text in enumerate(header)]

        def body(
            rows: Iterator[tuple[int, list[str]]] = rows, names: list[str] = names
        ) -> Iterator[tuple[int, dict[str, str]]]:
            for offset, values in rows:
                yield (
                    offset,
                    {
                        name: (values[i].strip() if i < len(values) else "")
                        for i, name in enumerate(names)
                        if name
                    },
                )

        return kind, TableStream(
            source=sheet.source,
            header=header,
            header_row=number,
            rows=body(),
            preamble=preamble,
            columns={name: header[i] for i, name in columns.items()},
        )
    return None


def table_find(
    *,
    filename: str,
    shapes: Mapping[str, Shape],
    limits: Limits,
    data: bytes | None = None,
    stream: IO[bytes] | None = None,
) -> tuple[str, TableStream]:
    """The first sheet, and the first of its first rows, that is the header of one of `shapes`;
    with that shape's name. Each sheet is read once, however many shapes are tried.

    Give `data` (any spreadsheet) or `stream` (a CSV read from disk as it is iterated, for files
    of gigabytes). Each row maps the shape's names to the cell's text; other columns keep the
    file's own headings.
    """
    if stream is not None:
        sheets: Iterable[Sheet] = [csv_stream_open(stream=stream, filename=filename, limits=limits)]
    elif data is not None:
        sheets = sheets_open(data=data, filename=filename, limits=limits)
    else:
        raise TypeError("table_find needs data or stream")
    preamble: list[str] = []
    for sheet in sheets:
        found = _sheet_table(sheet, shapes, preamble)
        if found is not None:
            return found
    if len(shapes) == 1:
        [shape] = shapes.values()
        raise TableError(
            f"{filename}: no header row with the columns {', '.join(shape.required)} was found "
            f"in the first {HEADER_SCAN_ROWS} rows."
        )
    expected = "; ".join(f"{kind}: {', '.join(shape.required)}" for kind, shape in shapes.items())
    raise TableError(
        f"{filename}: not a file of any kind this import takes: no header row in the first"
        f" {HEADER_SCAN_ROWS} rows of any sheet has the headings expected for each kind"
        f" ({expected})."
    )


def table_open(
    *,
    filename: str,
    required: Sequence[str],
    limits: Limits,
    optional: Sequence[str] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    patterns: Mapping[str, str] | None = None,
    data: bytes | None = None,
    stream: IO[bytes] | None = None,
) -> TableStream:
    """The first sheet whose header row (within the first rows) has every required column."""
    shape = Shape(
        required=tuple(required),
        optional=tuple(optional),
        aliases=aliases or {},
        patterns=patterns or {},
    )
    _, table = table_find(
        filename=filename, shapes={"table": shape}, limits=limits, data=data, stream=stream
    )
    return table


def table_read(
    *,
    data: bytes,
    filename: str,
    required: Sequence[str],
    limits: Limits,
    optional: Sequence[str] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    patterns: Mapping[str, str] | None = None,
) -> Table:
    """table_open, with every row read (for uploads small enough to hold at once)."""
    table = table_open(
        data=data,
        filename=filename,
        required=required,
        limits=limits,
        optional=optional,
        aliases=aliases,
        patterns=patterns,
    )
    return Table(
        source=table.source,
        header=table.header,
        header_row=table.header_row,
        rows=list(table.rows),
        preamble=table.preamble,
    )


_TIME_SUFFIX = re.compile(r"^(\d{1,2}/\d{1,2}/\d{2,4})(?:\s*-?\s*\d{1,2}:\d{2}(?::\d{2})?)$")


def parse_date(value: str) -> dt.date | None:
    """ISO (2024-03-05) or UK (05/03/2024, "05/03/2024 - 14:30") dates; None for an empty cell."""
    value = (value or "").strip()
    if not value:
        return None
    if match := _TIME_SUFFIX.match(value):
        value = match.group(1)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{value}” is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
