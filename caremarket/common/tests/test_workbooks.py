"""The one spreadsheet reader: every hostile workbook is refused quickly with a clear message.

Each case would, before this reader, allocate hundreds of gigabytes or scan for minutes. The
tests run each read in a thread with a deadline, so a regression fails here in seconds
instead of hanging the suite or taking the machine down.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import io
import subprocess
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from caremarket.common.tabular import table_read
from caremarket.common.tests import hostile
from caremarket.common.workbooks import Limits, TableError, sheets_open, spreadsheet_kind

SMALL = Limits(what="a test list", max_bytes=2 * 1024 * 1024, max_rows=500, max_columns=20)
COLUMNS = ["Room", "Person reference", "Start date", "Funding"]
# Generous: the reads under test take milliseconds; the old reader took minutes or aborted.
DEADLINE_SECONDS = 30


def read_all(data: bytes, limits: Limits = SMALL) -> list[tuple[str, list[tuple[int, list[str]]]]]:
    def run():
        return [
            (sheet.name, list(sheet.rows()))
            for sheet in sheets_open(data=data, filename="upload.xlsx", limits=limits)
        ]

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=DEADLINE_SECONDS)


def refused(data: bytes, limits: Limits = SMALL) -> str:
    with pytest.raises(TableError) as caught:
        read_all(data, limits)
    return str(caught.value.message)


def openpyxl_book(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Residents"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_from_a_spreadsheet_program_reads_as_text_rows():
    data = openpyxl_book(
        [COLUMNS, ["Room 1", "P-1", dt.date(2026, 3, 5), "Local authority"], [None], ["Room 2", 7]]
    )
    [(name, rows)] = read_all(data)
    assert name == "Residents"
    assert rows == [
        (1, COLUMNS),
        (2, ["Room 1", "P-1", "2026-03-05", "Local authority"]),
        (4, ["Room 2", "7"]),
    ]


def test_a_cell_at_the_last_column_and_row_is_refused_by_the_declared_range():
    data = hostile.far_cell_xlsx(COLUMNS)
    assert len(data) < 2048
    message = refused(data)
    assert "declares 1,048,576 rows" in message
    assert "a test list has at most 500" in message


def test_a_far_cell_under_a_false_declared_range_is_refused_where_it_is():
    message = refused(hostile.far_cell_xlsx(COLUMNS, declared=False))
    assert "row 1,048,576 is past the 500 rows a test list can have" in message


def test_a_far_column_in_a_small_range_is_refused_naming_the_row_and_column():
    rows = hostile.header_row(COLUMNS) + '<row r="2">' + hostile.inline("XFD2", "x") + "</row>"
    message = refused(hostile.xlsx(rows))
    assert "sheet Sheet1, row 2, column XFD: a test list has at most 20 columns" in message


def test_six_million_rows_in_two_megabytes_are_refused_before_they_are_read():
    data = hostile.many_rows_xlsx(COLUMNS, 6_000_000)
    assert len(data) < 3 * 1024 * 1024
    message = refused(data)
    assert "expands to" in message
    assert "a test list may expand to at most 40 MB" in message


def test_rows_past_the_limit_stop_the_read_with_the_limit_named():
    message = refused(hostile.many_rows_xlsx(COLUMNS, 50_000))
    assert "more than 500 rows; a test list has at most 500" in message


def test_a_million_empty_rows_stop_the_read_soon_after_the_limit():
    empty = "<row/>" * 1_000_000
    message = refused(hostile.xlsx(hostile.header_row(COLUMNS) + empty))
    assert "row 1,501 is past the 500 rows" in message


def test_one_row_of_a_hundred_thousand_values_stops_at_the_column_limit():
    cells = "".join(f"<c><v>{n}</v></c>" for n in range(100_000))
    message = refused(hostile.xlsx(f'<row r="1">{cells}</row>'))
    assert "row 1, column U: a test list has at most 20 columns" in message


def test_a_zip_bomb_is_refused_by_its_declared_size():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (200 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    assert "expands to 200 MB" in refused(out.getvalue())


def test_entity_expansion_in_the_xml_is_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        f'<sst xmlns="{hostile.SHEET_NS}"><si><t>&c;</t></si></sst>'
    )
    message = refused(hostile.xlsx('<row r="1"><c t="s"><v>0</v></c></row>', shared_strings=laughs))
    assert "not allowed" in message


def test_damaged_xml_in_a_sheet_is_refused_clearly():
    message = refused(hostile.xlsx('<row r="1"><c r="A1"><v>1</v></c></ro', dimension="A1:A1"))
    assert "sheet Sheet1: the file's XML is damaged" in message
    assert "XML is damaged" in refused(hostile.xlsx('<row r="1"><c r="A1"><v>1</v></c></ro'))


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04broken zip",
        hostile.xlsx('<row r="1"><c r="A1" t="s"><v>99</v></c></row>'),
        hostile.xlsx('<row r="1"><c r="NOT-A-CELL"><v>1</v></c></row>'),
    ],
    ids=["broken zip", "missing shared string", "bad cell reference"],
)
def test_damaged_files_are_refused_with_a_message_not_an_exception(data):
    assert "damaged" in refused(data)


def test_ods_repeated_empty_rows_and_columns_cost_nothing():
    trailing = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    data = hostile.ods(hostile.ods_row(*COLUMNS) + hostile.ods_row("Room 1", "P-1") + trailing)
    [(_, rows)] = read_all(data)
    assert rows == [(1, COLUMNS), (2, ["Room 1", "P-1"])]


def test_ods_repeated_rows_with_values_stop_at_the_limit():
    data = hostile.ods(hostile.ods_row(*COLUMNS) + hostile.ods_row("x", repeat=1_000_000))
    assert "more than 500 rows" in refused(data)


def test_ods_repeated_columns_with_values_stop_at_the_column_limit():
    cell = (
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell>"
    )
    data = hostile.ods(f"<table:table-row>{cell}</table:table-row>")
    assert "row 1, column U: a test list has at most 20 columns" in refused(data)


def test_ods_values_of_each_type_read_as_text():
    row = (
        "<table:table-row>"
        '<table:table-cell office:value-type="float" office:value="12"/>'
        '<table:table-cell office:value-type="float" office:value="12.5"/>'
        '<table:table-cell office:value-type="date" office:date-value="2026-03-05"/>'
        '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>'
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="2"/>b</text:p>'
        "</table:table-cell></table:table-row>"
    )
    [(_, rows)] = read_all(hostile.ods(row))
    assert rows == [(1, ["12", "12.5", "2026-03-05", "TRUE", "a  b"])]


def test_csv_with_a_nul_character_is_refused_with_its_row():
    data = b"Room,Person reference\nRoom 1,P-1\n" + b"x" * 5000 + b"\nRoom 2,P\x00-2\n"
    assert "row 4: the row contains a NUL character" in refused(data)


def test_csv_with_a_field_past_the_csv_limit_is_refused():
    data = b'Room,Person reference\n"' + b"x" * 200_000 + b'",P-1\n'
    assert "damaged" in refused(data)


def test_csv_rows_past_the_limit_are_refused():
    data = b"Room\n" + b"r\n" * 10_000
    assert "more than 500 rows" in refused(data)


def test_a_file_larger_than_the_upload_allows_is_refused_before_it_is_opened():
    data = b"Room\n" + b"r" * (3 * 1024 * 1024)
    assert "the file is 3 MB; a test list can be at most 2 MB" in refused(data)


def test_old_excel_and_binary_workbooks_are_named():
    assert spreadsheet_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "xls"
    assert "old Excel (.xls)" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")


def test_rows_are_streamed_so_memory_does_not_grow_with_the_sheet():
    roomy = Limits(what="x", max_bytes=5 * 1024 * 1024, max_rows=500_000, max_columns=20)
    data = hostile.many_rows_xlsx(COLUMNS, 50_000)
    tracemalloc.start()
    try:
        count = sum(1 for _ in sheets_open(data=data, filename="u.xlsx", limits=roomy)[0].rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 50_001
    # The sheet's 150,000 XML elements would take over 15 MB if they were kept.
    assert peak < 5 * 1024 * 1024


def _libreoffice(source: Path, to: str, tmp_path: Path) -> bytes:
    profile = tmp_path / "profile"  # its own profile, so parallel runs never share a lock
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(tmp_path / to),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / to / f"{source.stem}.{to}").read_bytes()


def test_workbooks_saved_by_libreoffice_read_like_the_original(tmp_path):
    source = tmp_path / "residents.xlsx"
    source.write_bytes(
        openpyxl_book(
            [COLUMNS, ["Room 1", "P-1", dt.date(2026, 3, 5), "Local authority"], ["Room 2", 7.5]]
        )
    )
    expected = [
        (1, COLUMNS),
        (2, ["Room 1", "P-1", "2026-03-05", "Local authority"]),
        (3, ["Room 2", "7.5"]),
    ]
    for kind in ("ods", "xlsx"):
        [(name, rows)] = read_all(_libreoffice(source, kind, tmp_path))
        assert (name, rows) == ("Residents", expected), kind


def test_table_read_matches_headings_ignoring_case_spacing_and_punctuation():
    data = (
        b"room, PERSON  reference ,start-date,Funding,Notes\nRoom 1,P-1,2026-01-01,Self-funder,n\n"
    )
    table = table_read(data=data, filename="r.csv", required=COLUMNS, limits=SMALL)
    assert table.rows == [
        (
            2,
            {
                "Room": "Room 1",
                "Person reference": "P-1",
                "Start date": "2026-01-01",
                "Funding": "Self-funder",
                "Notes": "n",
            },
        )
    ]


def test_table_read_finds_the_data_sheet_after_a_readme_sheet():
    wb = Workbook()
    wb.active.title = "README"
    wb.active.append(["This workbook lists residents."])
    data_sheet = wb.create_sheet("Data")
    data_sheet.append(["Preamble line"])
    data_sheet.append(COLUMNS)
    data_sheet.append(["Room 1", "P-1", "2026-01-01", "Self-funder"])
    out = io.BytesIO()
    wb.save(out)
    table = table_read(data=out.getvalue(), filename="r.xlsx", required=COLUMNS, limits=SMALL)
    assert table.source == "r.xlsx, sheet Data"
    assert table.header_row == 2
    assert table.rows[0][0] == 3
