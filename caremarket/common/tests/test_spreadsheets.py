import io

import openpyxl
import pytest

from caremarket.common.spreadsheets import Sheet, csv_text, safe_cell, workbook_bytes


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2+3", "@cmd", "\tx"])
def test_text_starting_with_a_formula_character_is_neutralised(text):
    assert safe_cell(text) == "'" + text


def test_numbers_and_plain_text_are_left_alone():
    assert safe_cell(-5) == -5
    assert safe_cell("Chelmsford") == "Chelmsford"


def test_a_workbook_holds_each_sheet_with_its_heading_and_safe_cells():
    data = workbook_bytes(
        sheets=[
            Sheet(
                title="Market table",
                heading=["Home care market"],
                columns=["A", "B"],
                rows=[["=1+1", 3]],
            ),
            Sheet(title="A title far longer than Excel allows for a sheet", columns=["C"], rows=[]),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Market table", "A title far longer than Excel a"]
    rows = list(book["Market table"].iter_rows(values_only=True))
    assert rows == [("Home care market", None), (None, None), ("A", "B"), ("'=1+1", 3)]


def test_a_csv_is_one_sheet_with_its_header_and_safe_cells():
    sheet = Sheet(
        title="By lot",
        heading=["not in the CSV"],
        columns=["Name", "N"],
        rows=[["@evil", -2], ["Basildon", 1.5]],
    )
    assert csv_text(sheet=sheet) == "Name,N\r\n'@evil,-2\r\nBasildon,1.5\r\n"
    assert sheet.slug == "by-lot"
