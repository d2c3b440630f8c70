"""Open uploaded spreadsheets safely: CSV, xlsx and ODS, streamed row by row within limits.

Every workbook a user sends goes through here (decision 0008). A spreadsheet is a zip of XML
that can declare a million rows and sixteen thousand columns in a kilobyte, expand a hundredfold
when unzipped, or hold six million rows in two megabytes. So, before any cell is read, the zip's
parts are checked against the size they may expand to and each sheet's declared used range
against the upload's limits; then rows are parsed one at a time (xlsx through openpyxl's own
streaming parser, ODS through an event parser here), empty cells cost nothing, and reading stops
with a message naming the limit the moment a sheet goes past it. Damaged files and hostile XML
(entities, DTDs: defusedxml) are refused with a message, never an exception.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from caremarket.common.errors import ValidationFailed

# Excel's own limit on the text in one cell.
MAX_CELL_CHARS = 32_767
# A legitimate sheet may carry blank or formatted rows below its data; past this many more
# than the limit the file is refused rather than scanned to its end.
SPARE_ROWS = 1_000

_XLSX = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XLSX_ROW, _XLSX_CELL = f"{_XLSX}row", f"{_XLSX}c"
_XLSX_DIMENSION, _XLSX_SHEET_DATA = f"{_XLSX}dimension", f"{_XLSX}sheetData"
_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CELLS = {f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"}


class TableError(ValidationFailed):
    """A file that cannot be read as a table: the message says which file, sheet and row."""


@dataclass(frozen=True)
class Limits:
    """What one kind of upload may hold; `what` names it in messages ("a residents list")."""

    what: str
    max_bytes: int
    max_rows: int
    max_columns: int
    max_sheets: int = 20
    # How far the zip's parts may expand when unzipped, as a multiple of max_bytes.
    expansion: int = 20

    @property
    def max_expanded_bytes(self) -> int:
        return self.max_bytes * self.expansion

    @property
    def max_scanned_rows(self) -> int:
        return self.max_rows + max(SPARE_ROWS, self.max_rows)


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.0f} KB"


def cell_text(value: Any) -> str:
    """A cell as the text a person would see: whole numbers without ".0", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


@dataclass
class Sheet:
    """One sheet (a CSV is one sheet); `rows()` streams (row number, cells as text)."""

    name: str
    source: str  # "file.xlsx, sheet Data" or "file.csv", for messages
    limits: Limits
    _cells: Callable[[], Iterator[tuple[int, dict[int, Any]]]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Non-empty rows, numbered as the spreadsheet numbers them; trailing blanks trimmed."""
        limits = self.limits
        kept = 0
        try:
            for number, cells in self._cells():
                if number > limits.max_scanned_rows:
                    raise TableError(
                        f"{self.source}: row {number:,} is past the {limits.max_rows:,} rows"
                        f" {limits.what} can have. Delete the rows below your data and try again."
                    )
                texts: dict[int, str] = {}
                for column, value in cells.items():
                    text = cell_text(value)
                    if not text:
                        continue
                    if column > limits.max_columns:
                        raise TableError(
                            f"{self.source}, row {number}, column {get_column_letter(column)}:"
                            f" {limits.what} has at most {limits.max_columns} columns."
                            " Delete the columns to the right of your data and try again."
                        )
                    if len(text) > MAX_CELL_CHARS:
                        raise TableError(
                            f"{self.source}, row {number}, column {get_column_letter(column)}:"
                            f" more than {MAX_CELL_CHARS:,} characters in one cell."
                        )
                    texts[column] = text
                if not texts:
                    continue
                kept += 1
                if kept > limits.max_rows:
                    raise TableError(
                        f"{self.source}: more than {limits.max_rows:,} rows;"
                        f" {limits.what} has at most {limits.max_rows:,}."
                    )
                width = max(texts)
                yield number, [texts.get(c, "") for c in range(1, width + 1)]
        except TableError:
            raise
        except (DefusedXmlException, ParseError) as exc:
            raise TableError(
                f"{self.source}: the file's XML is damaged or not allowed ({_reason(exc)})."
            ) from None
        except (csv.Error, zipfile.BadZipFile, KeyError, IndexError, ValueError, OSError) as exc:
            raise TableError(
                f"{self.source}: the file is damaged and could not be read ({_reason(exc)})."
            ) from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def spreadsheet_kind(data: bytes) -> str:
    """The kind of file, from its bytes: xlsx, ods, xlsb, xls, zip (another kind), damaged, csv."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if data[:4] != b"PK\x03\x04":
        return "csv"
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "damaged"
    if "content.xml" in names:
        return "ods"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    return "zip"


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


def _csv_sheet(data: bytes, filename: str, limits: Limits) -> Sheet:
    text = _decode(data, filename)

    def cells() -> Iterator[tuple[int, dict[int, Any]]]:
        reader = csv.reader(io.StringIO(text, newline=""))
        for number, values in enumerate(reader, start=1):
            if "\x00" in "".join(values):
                raise TableError(f"{filename}, row {number}: the row contains a NUL character.")
            yield number, {i: v for i, v in enumerate(values, start=1) if v}

    return Sheet(name=filename, source=filename, limits=limits, _cells=cells)


def _stream_size(stream: IO[bytes]) -> int | None:
    try:
        position = stream.tell()
        size = stream.seek(0, io.SEEK_END)
        stream.seek(position)
    except (OSError, ValueError, AttributeError):
        return None
    return size


def csv_stream_open(*, stream: IO[bytes], filename: str, limits: Limits) -> Sheet:
    """A CSV read from a binary stream row by row, never whole: for files of gigabytes.

    The encoding is decided on the first 64 KB (UTF-8, with or without a BOM, else
    Windows-1252); a later byte that is not UTF-8 stops the read naming the row.
    """
    size = _stream_size(stream)
    if size is not None and size > limits.max_bytes:
        raise TableError(
            f"{filename}: the file is {_megabytes(size)}; {limits.what} can be at most"
            f" {_megabytes(limits.max_bytes)}."
        )
    head = stream.read(65536)
    if b"\x00" in head[:4096]:
        raise TableError(f"{filename}: this is not a text file (it contains binary data).")
    try:
        # A multi-byte character may straddle the end of the sample.
        head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        encoding = "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"
    stream.seek(0)

    def cells() -> Iterator[tuple[int, dict[int, Any]]]:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        number = 0
        try:
            for number, values in enumerate(csv.reader(text), start=1):
                if "\x00" in "".join(values):
                    raise TableError(f"{filename}, row {number}: the row contains a NUL character.")
                yield number, {i: v for i, v in enumerate(values, start=1) if v}
        except UnicodeDecodeError as exc:
            raise TableError(
                f"{filename}, row {number + 1}: the text is not UTF-8 ({exc.reason})."
            ) from None
        finally:
            text.detach()

    return Sheet(name=filename, source=filename, limits=limits, _cells=cells)


def _zip_open(data: bytes, filename: str, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TableError(f"{filename}: the file is damaged (not a readable spreadsheet).") from None
    expanded = sum(m.file_size for m in members)
    if len(members) > 10_000 or expanded > limits.max_expanded_bytes:
        raise TableError(
            f"{filename}: the spreadsheet expands to {_megabytes(expanded)} when opened;"
            f" {limits.what} may expand to at most {_megabytes(limits.max_expanded_bytes)}."
        )
    return archive


def _check_sheet_count(count: int, filename: str, limits: Limits) -> None:
    if count > limits.max_sheets:
        raise TableError(
            f"{filename}: {count} sheets; {limits.what} has at most {limits.max_sheets}."
        )


def _xlsx_book(data: bytes, filename: str) -> ExcelReader:
    """The workbook's parts openpyxl needs to decode cells, without touching any sheet.

    openpyxl's own read-only loader sizes every sheet at open, which scans a sheet without a
    <dimension> to its end (seconds for a million empty rows); so the workbook, shared strings
    and styles are read with its reader's steps, and the sheets are streamed here.
    """
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; the values are intact.
            warnings.simplefilter("ignore")
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
    except (
        DefusedXmlException,
        ParseError,
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        OSError,
    ) as exc:
        cause = exc if isinstance(exc, ParseError) else exc.__cause__ or exc.__context__ or exc
        if isinstance(cause, DefusedXmlException | ParseError):
            raise TableError(
                f"{filename}: the workbook's XML is damaged or not allowed ({_reason(cause)})."
            ) from None
        raise TableError(f"{filename}: the file is damaged (not a readable workbook).") from None
    return reader


def _xlsx_dimension(archive: zipfile.ZipFile, path: str) -> tuple[int, int] | None:
    """The declared last row and column (<dimension ref="A1:XFD1048576"/>), read from the
    sheet's first elements only."""
    with archive.open(path) as source:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == _XLSX_DIMENSION:
                ref = element.get("ref", "")
                _, _, max_col, max_row = range_boundaries(ref.upper())
                return max_row, max_col
            if element.tag == _XLSX_SHEET_DATA:
                return None
    return None


def _xlsx_sheets(data: bytes, filename: str, limits: Limits) -> list[Sheet]:
    reader = _xlsx_book(data, filename)
    parts = [
        (sheet.name, rel.target)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and rel.Type.endswith("/worksheet")
    ]
    _check_sheet_count(len(parts), filename, limits)
    sheets = []
    for name, path in parts:
        source = f"{filename}, sheet {name}"
        try:
            declared = _xlsx_dimension(reader.archive, path)
        except (DefusedXmlException, ParseError) as exc:
            raise TableError(f"{source}: the file's XML is damaged ({_reason(exc)}).") from None
        except (ValueError, TypeError, KeyError, zipfile.BadZipFile):
            raise TableError(f"{source}: the sheet is damaged (its used range).") from None
        max_row, max_col = declared or (None, None)
        if max_row is not None and max_row > limits.max_scanned_rows:
            raise TableError(
                f"{source}: the sheet declares {max_row:,} rows; {limits.what} has at most"
                f" {limits.max_rows:,}. Delete the rows below your data and try again."
            )
        if max_col is not None and max_col > limits.max_columns:
            raise TableError(
                f"{source}: the sheet declares {max_col:,} columns (to column"
                f" {get_column_letter(min(max_col, 18278))}); {limits.what} has at most"
                f" {limits.max_columns}. Delete the columns to the right of your data."
            )

        def cells(path: str = path) -> Iterator[tuple[int, dict[int, Any]]]:
            return _xlsx_rows(reader, path, limits)

        sheets.append(Sheet(name=name, source=source, limits=limits, _cells=cells))
    return sheets


def _xlsx_rows(
    reader: ExcelReader, path: str, limits: Limits
) -> Iterator[tuple[int, dict[int, Any]]]:
    """Cells as they come: openpyxl decodes each <c> (shared strings, dates), nothing is kept."""
    book = reader.wb
    parser = WorkSheetParser(
        None,
        reader.shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    stack: list[Element] = []
    cells: dict[int, Any] = {}
    with reader.archive.open(path) as source, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                stack.append(element)
                if element.tag == _XLSX_ROW:
                    row = element.get("r")
                    parser.row_counter = int(row) if row else parser.row_counter + 1
                    parser.col_counter = 0
                    cells = {}
                continue
            stack.pop()
            if element.tag == _XLSX_CELL:
                cell = parser.parse_cell(element)
                if cell["value"] is not None:
                    cells[cell["column"]] = cell["value"]
                    if len(cells) > limits.max_columns:
                        # More values than columns allowed: the caller names the limit.
                        yield parser.row_counter, cells
                        return
            elif element.tag == _XLSX_ROW:
                yield parser.row_counter, cells
            else:
                continue
            element.clear()
            if stack:
                stack[-1].remove(element)


def _ods_value(cell: Element) -> Any:
    kind = cell.get(f"{_ODS_OFFICE}value-type")
    if kind in {"float", "percentage", "currency"}:
        return float(cell.get(f"{_ODS_OFFICE}value", "0"))
    if kind == "date":
        text = cell.get(f"{_ODS_OFFICE}date-value", "")
        return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
    if kind == "boolean":
        return cell.get(f"{_ODS_OFFICE}boolean-value") == "true"
    paragraphs = [_ods_text(p) for p in cell if p.tag == f"{_ODS_TEXT}p"]
    return "\n".join(paragraphs) if paragraphs else cell.get(f"{_ODS_OFFICE}string-value")


def _ods_text(element: Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_ODS_TEXT}s":
            parts.append(" " * int(child.get(f"{_ODS_TEXT}c", "1")))
        elif child.tag == f"{_ODS_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_ODS_TEXT}line-break":
            parts.append("\n")
        else:
            parts.append(_ods_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_content(archive: zipfile.ZipFile) -> IO[bytes]:
    return archive.open("content.xml")


def _repeat(element: Element, attribute: str) -> int:
    return max(1, int(element.get(f"{_ODS_TABLE}{attribute}", "1")))


def _ods_rows(
    archive: zipfile.ZipFile, index: int, limits: Limits
) -> Iterator[tuple[int, dict[int, Any]]]:
    """Rows of the index-th table; repeated empty rows and cells are counted, never built."""
    table_tag, row_tag = f"{_ODS_TABLE}table", f"{_ODS_TABLE}table-row"
    tables = -1
    inside = 0  # nesting depth of the wanted table (tables may hold sub-tables in cells)
    number = 0
    cells: dict[int, Any] = {}
    column = 0
    stack: list[Element] = []
    with _ods_content(archive) as content:
        for event, element in iterparse(content, events=("start", "end")):
            if event == "start":
                stack.append(element)
                if element.tag == table_tag:
                    if inside:
                        inside += 1
                    else:
                        tables += 1
                        inside = 1 if tables == index else 0
                elif element.tag == row_tag and inside == 1:
                    cells, column = {}, 0
                continue
            stack.pop()
            if element.tag == table_tag and inside:
                inside -= 1
                if inside == 0:
                    return
            if inside != 1:
                if element.tag == row_tag and stack:
                    stack[-1].remove(element)
                continue
            if element.tag in _ODS_CELLS and stack and stack[-1].tag == row_tag:
                repeat = _repeat(element, "number-columns-repeated")
                value = _ods_value(element)
                if value not in (None, ""):
                    if column + repeat > limits.max_columns:
                        repeat = max(1, limits.max_columns - column + 1)
                    for k in range(repeat):
                        cells[column + k + 1] = value
                column += repeat
                element.clear()
                stack[-1].remove(element)
            elif element.tag == row_tag:
                repeat = _repeat(element, "number-rows-repeated")
                if cells:
                    for _ in range(repeat):
                        number += 1
                        yield number, cells
                        if number > limits.max_scanned_rows:
                            return
                else:
                    number += repeat
                if stack:
                    stack[-1].remove(element)


def _ods_sheets(archive: zipfile.ZipFile, filename: str, limits: Limits) -> list[Sheet]:
    names: list[str] = []
    try:
        with _ods_content(archive) as content:
            for _event, element in iterparse(content, events=("start",)):
                if element.tag == f"{_ODS_TABLE}table":
                    names.append(element.get(f"{_ODS_TABLE}name") or f"Sheet{len(names) + 1}")
                    _check_sheet_count(len(names), filename, limits)
    except TableError:
        raise
    except (DefusedXmlException, ParseError) as exc:
        raise TableError(
            f"{filename}: the spreadsheet's XML is damaged or not allowed ({_reason(exc)})."
        ) from None
    except (KeyError, zipfile.BadZipFile, ValueError, OSError):
        raise TableError(f"{filename}: the file is damaged (not a readable spreadsheet).") from None
    return [
        Sheet(
            name=name,
            source=f"{filename}, sheet {name}",
            limits=limits,
            _cells=functools.partial(_ods_rows, archive, i, limits),
        )
        for i, name in enumerate(names)
    ]


def sheets_open(*, data: bytes, filename: str, limits: Limits) -> list[Sheet]:
    """Every sheet of a CSV, xlsx or ODS file, checked against `limits` before any row is read."""
    if len(data) > limits.max_bytes:
        raise TableError(
            f"{filename}: the file is {_megabytes(len(data))}; {limits.what} can be at most"
            f" {_megabytes(limits.max_bytes)}."
        )
    kind = spreadsheet_kind(data)
    if kind == "csv":
        return [_csv_sheet(data, filename, limits)]
    if kind in {"xlsx", "ods"}:
        # The zip's declared sizes are checked before openpyxl or the ODS parser reads a part.
        archive = _zip_open(data, filename, limits)
        if kind == "ods":
            return _ods_sheets(archive, filename, limits)
        return _xlsx_sheets(data, filename, limits)
    raise TableError(
        {
            "xls": f"{filename}: an old Excel (.xls) file. Save it as .xlsx or CSV and try again.",
            "xlsb": f"{filename}: an Excel binary (.xlsb) workbook. Save it as .xlsx or CSV.",
            "damaged": f"{filename}: the file is damaged (not a readable spreadsheet).",
        }.get(kind, f"{filename}: a zip file that is neither an xlsx nor an ODS spreadsheet.")
    )
