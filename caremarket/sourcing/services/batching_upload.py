"""Read a returned Batching List workbook: ticks taken, anything else reported and refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from caremarket.common.errors import ValidationFailed
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

MAX_BYTES = 2 * 1024 * 1024
YES = {"y", "yes", "x", "✓", "✔", "true", "1"}
NO = {"", "n", "no", "false", "0", "-"}


class BatchingUploadError(ValidationFailed):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).strip().lstrip("'")


def batching_return_upload(
    *,
    actor: Any,
    batching_list: BatchingList,
    provider: Provider,
    data: bytes,
    filename: str,
    now: dt.datetime,
) -> set[int]:
    """Check the whole workbook first; record the ticks only if every row is as issued."""
    if len(data) > MAX_BYTES:
        raise BatchingUploadError(
            f"{filename}: larger than {MAX_BYTES // 1024 // 1024} MB; "
            "a Batching List is far smaller."
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise BatchingUploadError(
            f"{filename}: not an Excel workbook (.xlsx). Download the Batching List again, "
            "tick it and upload it unchanged in format."
        ) from None
    if SHEET not in wb.sheetnames:
        raise BatchingUploadError(f"{filename}: there is no sheet called “{SHEET}”.")
    about = (
        {str(r[0]): _text(r[1]) for r in wb["About"].iter_rows(values_only=True) if r and r[0]}
        if "About" in wb.sheetnames
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
    rows = list(wb[SHEET].iter_rows(min_row=HEADER_ROW, values_only=True))
    header = [_text(c) for c in (rows[0] if rows else [])][: len(COLUMNS)]
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
    for offset, values in enumerate(rows[1:], start=HEADER_ROW + 1):
        cells = [_text(v) for v in values] + [""] * len(COLUMNS)
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
