"""Read a returned Batching List workbook: ticks taken, anything else reported and refused."""

from __future__ import annotations

import datetime as dt

from caremarket.accounts.models import User
from caremarket.common.errors import ValidationFailed
from caremarket.common.workbooks import Limits, Sheet, sheets_open, spreadsheet_kind
from caremarket.framework.models import Provider
from caremarket.sourcing.models import BatchingList
from caremarket.sourcing.selectors.batching import batching_packages_for
from caremarket.sourcing.selectors.batching_workbook import (
    COLUMNS,
    FIXED,
    HEADER_ROW,
    INTERESTED,
    SHEET,
    package_row,
)
from caremarket.sourcing.services.batching import batching_return_record

# A day's unsourced packages: a few hundred rows at the very most.
LIMITS = Limits(what="a Batching List", max_bytes=2 * 1024 * 1024, max_rows=2_000, max_columns=30)
YES = {"y", "yes", "x", "✓", "✔", "true", "1"}
NO = {"", "n", "no", "false", "0", "-"}


class BatchingUploadError(ValidationFailed):
    pass


def _text(value: str) -> str:
    # Cells the list wrote with a leading apostrophe (formula-safe) read back without it.
    return value.strip().lstrip("'")


def _rows(sheet: Sheet) -> list[tuple[int, list[str]]]:
    return [(number, [_text(c) for c in cells]) for number, cells in sheet.rows()]


def batching_return_upload(
    *,
    actor: User | None,
    batching_list: BatchingList,
    provider: Provider,
    data: bytes,
    filename: str,
    now: dt.datetime,
) -> set[int]:
    """Check the whole workbook first; record the ticks only if every row is as issued."""
    if spreadsheet_kind(data) != "xlsx":
        raise BatchingUploadError(
            f"{filename}: not an Excel workbook (.xlsx). Download the Batching List again, "
            "tick it and upload it unchanged in format."
        )
    sheets = {
        sheet.name: sheet for sheet in sheets_open(data=data, filename=filename, limits=LIMITS)
    }
    if SHEET not in sheets:
        raise BatchingUploadError(f"{filename}: there is no sheet called “{SHEET}”.")
    about = (
        {cells[0]: (cells[1] if len(cells) > 1 else "") for _, cells in _rows(sheets["About"])}
        if "About" in sheets
        else {}
    )
    if about.get("batching_list") != batching_list.reference:
        got = about.get("batching_list") or "an unknown list"
        raise BatchingUploadError(
            f"{filename} is {got}, not today's Batching List {batching_list.reference}: "
            "download the current list and return that."
        )
    if about.get("provider") != provider.cqc_provider_id:
        raise BatchingUploadError(f"{filename} was issued to another provider.")
    rows = [(number, cells) for number, cells in _rows(sheets[SHEET]) if number >= HEADER_ROW]
    header = (rows[0][1] if rows and rows[0][0] == HEADER_ROW else [])[: len(COLUMNS)]
    if header != list(COLUMNS):
        raise BatchingUploadError(
            f"{filename}, sheet {SHEET}, row {HEADER_ROW}: the column headings have been changed."
        )
    expected = {
        p.reference: p
        for p in batching_packages_for(batching_list=batching_list, provider=provider)
    }
    errors: list[str] = []
    interested: set[int] = set()
    seen: set[str] = set()
    for offset, values in rows[1:]:
        cells = values + [""] * len(COLUMNS)
        if not any(cells[: len(COLUMNS)]):
            continue
        where = f"{filename}, sheet {SHEET}, row {offset}"
        reference = cells[0]
        package = expected.get(reference)
        if package is None:
            errors.append(
                f"{where}: package “{reference}” is not on your Batching List "
                "(rows must not be added)."
            )
            continue
        if reference in seen:
            errors.append(f"{where}: package {reference} appears twice.")
            continue
        seen.add(reference)
        for column, (got, want) in zip(
            FIXED, zip(cells, package_row(package), strict=False), strict=False
        ):
            if got != want:
                errors.append(f"{where}, column “{column}”: changed from “{want}” to “{got}”.")
        tick = cells[len(FIXED)].lower()
        if tick in YES:
            interested.add(package.pk)
        elif tick not in NO:
            errors.append(f"{where}, column “{INTERESTED}”: “{cells[len(FIXED)]}” is not Y or N.")
    if errors:
        raise BatchingUploadError(errors)
    batching_return_record(
        actor=actor,
        batching_list=batching_list,
        provider=provider,
        interested=interested,
        now=now,
        source="upload",
    )
    return interested
