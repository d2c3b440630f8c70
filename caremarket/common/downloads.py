"""One download answer for every page with tables: the workbook, or one table as CSV."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from caremarket.common.spreadsheets import Sheet, csv_text, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, *, filename: str) -> HttpResponse:
    """A workbook offered as a download; `filename` without the extension."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def sheets_download(*, sheets: list[Sheet], name: str, fmt: str, table: str) -> HttpResponse:
    """The whole workbook as xlsx, or one table (by its slug; the first by default) as CSV."""
    if fmt == "xlsx":
        return xlsx_response(workbook_bytes(sheets=sheets), filename=name)
    sheet = next((s for s in sheets if s.slug == table), None) if table else sheets[0]
    if fmt != "csv" or sheet is None:
        raise Http404
    response = HttpResponse(csv_text(sheet=sheet), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{sheet.slug}.csv"'
    return response
