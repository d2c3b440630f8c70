"""Cheap checks on the first bytes of an upload, before DuckDB reads it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from caremarket.monitoring.ehm.errors import FileError
from caremarket.monitoring.ehm.spec import COLUMN_NAMES, REQUIRED

HEAD_BYTES = 64 * 1024
SAVE_AS = "save it from your EHM system or spreadsheet as “CSV UTF-8 (comma delimited)”"


def _whole(rule: str) -> list[FileError]:
    return [FileError(row=None, column="", value="", rule=rule)]


def file_precheck(*, path: Path) -> tuple[list[str], list[FileError]]:
    """The header's column names, or errors that make the file unreadable as CSV text."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if size == 0 or not head.removeprefix(b"\xef\xbb\xbf").strip():
        return [], _whole("The file is empty: it has no header row and no visits.")
    if head.startswith(b"PK\x03\x04"):
        return [], _whole(
            f"The file is a spreadsheet (xlsx or ODS) or a zip archive, not CSV text: {SAVE_AS}."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return [], _whole(f"The file is an old Excel workbook (.xls), not CSV text: {SAVE_AS}.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [], _whole(f"The file is UTF-16 text; only UTF-8 is accepted: {SAVE_AS}.")
    if b"\x00" in head:
        return [], _whole(f"The file contains binary data (NUL bytes), not CSV text: {SAVE_AS}.")
    first_line = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        return [], [
            FileError(
                row=1, column="", value="", rule=f"The header row is not UTF-8 text: {SAVE_AS}."
            )
        ]
    header = next(csv.reader(io.StringIO(text)), [])
    return header, header_check(header)


def file_first_period_start(*, path: Path, header: list[str]) -> str | None:
    """Row 2's period_start text, read from the first bytes: where the clock changes must be
    known before the one pass over the file. None when it is not there to read (the pass then
    reports what is wrong with it)."""
    names = [h.strip().lower() for h in header]
    if "period_start" not in names:
        return None
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES).removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    rows = csv.reader(io.StringIO(head))
    next(rows, None)
    row = next(rows, None)
    if row is None or len(row) != len(names):
        return None
    return row[names.index("period_start")].strip() or None


def header_check(header: list[str]) -> list[FileError]:
    errors: list[FileError] = []
    names = [h.strip().lower() for h in header]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            errors.append(
                FileError(1, f"column {position}", "", "The column has no name in the header row.")
            )
        elif name in seen:
            errors.append(FileError(1, name, name, "The column appears twice in the header row."))
        elif name not in COLUMN_NAMES:
            errors.append(
                FileError(
                    1,
                    f"column {position}",
                    header[position - 1][:100],
                    "Unknown column: use only the columns of the file specification.",
                )
            )
        seen.add(name)
    for name in REQUIRED:
        if name not in names:
            errors.append(FileError(1, name, "", "A required column is missing from the header."))
    return errors
