"""The Ranked List Tool workbook: every ranked list, and every provider's positions."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from caremarket.common.spreadsheets import sheet_table_write
from caremarket.framework.models import RankedListVersion
from caremarket.framework.selectors.ranked_lists import ranked_lists_of_version

LISTS_SHEET = "Ranked lists"
POSITIONS_SHEET = "Provider positions"
LIST_COLUMNS = (
    "District",
    "Service type",
    "Cohort",
    "Tier",
    "Position",
    "Provider",
    "CQC provider ID",
    "Status",
    "Price score",
    "Quality score",
)
SCORE_COLUMNS = LIST_COLUMNS[-2:]
POSITION_COLUMNS = (
    "Provider",
    "CQC provider ID",
    "District",
    "Service type",
    "Cohort",
    "Tier",
    "Position",
    "Status",
)
NO_PROVIDERS = "No providers on this list"


def _title(ws: Worksheet, version: RankedListVersion | None) -> None:
    ws.append(["Live at Home framework: Ranked List Tool"])
    ws["A1"].font = Font(bold=True, size=14)
    if version is None:
        ws.append(["No ranked list has been issued yet."])
    elif version.number:
        ws.append([f"Version {version.number}, in force from {version.effective_from:%d %B %Y}"])
    else:
        ws.append([f"Draft ({version.source}), not issued"])
    ws.append([])


def ranked_list_tool_workbook(
    *, version: RankedListVersion | None, with_scores: bool = True
) -> bytes:
    """The workbook providers download; the same "Ranked lists" sheet can be edited and imported.

    Without scores (what a provider gets unless the council publishes them) it shows tiers and
    positions only: competitors' price scores would give away their prices. Status says
    "Ranked" or "Left the framework on …": a leaver's row stays, since the issued version is
    history, but its position is the one it was issued, not a rank it holds (decision 0073).
    """
    lists = ranked_lists_of_version(version=version)
    list_rows: list[list[object]] = []
    positions: list[list[object]] = []
    for ranked in lists:
        lot = ranked.lot
        lot_cells = [lot.district.name, lot.get_service_type_display(), lot.get_cohort_display()]
        if not ranked.entries:
            list_rows.append([*lot_cells, None, None, NO_PROVIDERS, None, None, None, None])
        for e in ranked.entries:
            list_rows.append(
                [
                    *lot_cells,
                    e.tier,
                    e.position,
                    e.provider_name,
                    e.cqc_provider_id,
                    e.status_label,
                    float(e.price_score) if e.price_score is not None else None,
                    float(e.quality_score) if e.quality_score is not None else None,
                ]
            )
            positions.append(
                [e.provider_name, e.cqc_provider_id, *lot_cells, e.tier, e.position, e.status_label]
            )
    positions.sort(key=lambda r: (str(r[0]).lower(), r[2], r[3], r[4]))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = LISTS_SHEET
    _title(sheet, version)
    if not with_scores:
        list_rows = [row[: -len(SCORE_COLUMNS)] for row in list_rows]
    sheet_table_write(sheet, LIST_COLUMNS if with_scores else LIST_COLUMNS[:-2], list_rows)
    second = book.create_sheet(POSITIONS_SHEET)
    _title(second, version)
    sheet_table_write(second, POSITION_COLUMNS, positions)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
