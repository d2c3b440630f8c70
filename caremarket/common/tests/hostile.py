"""Hostile spreadsheets, built byte by byte the way an attacker (or a broken exporter) would.

A real spreadsheet program never writes most of these; they are what arrives when someone
edits the XML inside an xlsx or ODS by hand, so the tests build the zip parts directly.
"""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
 Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
 Target="sharedStrings.xml"/>
</Relationships>"""
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx(
    rows_xml: str | bytes,
    *,
    dimension: str | None = None,
    shared_strings: str = "",
    sheet: str = "Sheet1",
) -> bytes:
    """A minimal valid xlsx whose one sheet's <sheetData> holds `rows_xml`."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{SHEET_NS}">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    body = rows_xml.encode() if isinstance(rows_xml, str) else rows_xml
    sheet_xml = head.encode() + b"<sheetData>" + body + b"</sheetData></worksheet>"
    strings = shared_strings or f'<sst xmlns="{SHEET_NS}" count="0" uniqueCount="0"></sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(name=sheet))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        z.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


def header_row(columns: list[str]) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return (
        '<row r="1">'
        + "".join(inline(f"{letters[i]}1", c) for i, c in enumerate(columns))
        + "</row>"
    )


def far_cell_xlsx(columns: list[str], *, declared: bool = True) -> bytes:
    """About 1.5 KB: the headings, and one cell at the last cell a sheet can have."""
    rows = header_row(columns) + '<row r="1048576">' + inline("XFD1048576", "x") + "</row>"
    return xlsx(rows, dimension="A1:XFD1048576" if declared else "A1:D1")


def many_rows_xlsx(columns: list[str], count: int) -> bytes:
    """`count` rows of one cell each: six million fit in about two megabytes zipped."""
    body = io.BytesIO()
    body.write(header_row(columns).encode())
    # Without row and cell references, as the file format allows: it zips to almost nothing.
    body.write(b"<row><c><v>1</v></c></row>" * count)
    return xlsx(body.getvalue())


def ods(content_body: str) -> bytes:
    """An ODS whose one spreadsheet's <table:table> holds `content_body`."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{content_body}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return out.getvalue()


def ods_row(*cells: str, repeat: int = 1) -> str:
    body = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
        for c in cells
    )
    return f'<table:table-row table:number-rows-repeated="{repeat}">{body}</table:table-row>'
