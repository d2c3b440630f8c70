"""Imports of the ONS postcode directory (ONSPD / NSPL)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils import timezone

from caremarket.audit.services import audit_record
from caremarket.common.errors import ValidationFailed
from caremarket.geography.models import District, Postcode, PostcodeImport
from caremarket.geography.postcodes import postcode_normalise

REQUIRED_COLUMNS = ("pcds", "oslaua", "lat", "long", "doterm")
BATCH = 5000
# ONSPD gives postcodes without a grid reference this latitude.
NO_LOCATION_LAT = 99.999999


class PostcodeFileError(ValidationFailed):
    pass


@dataclass
class _Counts:
    rows_read: int = 0
    stored: int = 0
    skipped_terminated: int = 0
    skipped_outside_area: int = 0
    skipped_no_location: int = 0
    removed_terminated: int = 0
    terminated: list[str] = field(default_factory=list)


def _default_keep_codes() -> set[str]:
    # The council's districts and their neighbours: everything in the districts table.
    return set(District.objects.values_list("code", flat=True))


def _rows(reader: Iterable[dict[str, str]]) -> Iterator[tuple[int, dict[str, str]]]:
    # Row numbers count the header as row 1, as a spreadsheet would show them.
    yield from enumerate(reader, start=2)


def _coordinate(
    row: dict[str, str], column: str, index: int, filename: str, low: float, high: float
) -> float:
    raw = (row.get(column) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise PostcodeFileError(
            f"{filename}, row {index}, column {column}: “{raw}” is not a number."
        ) from None
    if value == NO_LOCATION_LAT:
        return value
    if not low <= value <= high:
        raise PostcodeFileError(
            f"{filename}, row {index}, column {column}: {value} is outside {low} to {high}."
        )
    return value


@transaction.atomic
def postcode_import(
    *, stream: IO[str], filename: str, keep_all: bool = False, actor: object = None
) -> PostcodeImport:
    """Stream the directory into the postcode table, all or nothing.

    Re-running with the same or a newer file updates rows in place; postcodes that the
    file says are terminated are removed.
    """
    run = PostcodeImport.objects.create(
        filename=filename, started_at=timezone.now(), keep_all=keep_all
    )
    reader = csv.DictReader(stream)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PostcodeFileError(
            f"{filename}: the header row has no column {', '.join(missing)}. "
            f"The file needs the columns {', '.join(REQUIRED_COLUMNS)}."
        )
    keep = None if keep_all else _default_keep_codes()
    counts = _Counts()
    batch: list[Postcode] = []
    for index, row in _rows(reader):
        counts.rows_read += 1
        raw_pc = (row.get("pcds") or "").strip()
        try:
            pc = postcode_normalise(raw_pc)
        except ValidationFailed:
            raise PostcodeFileError(
                f"{filename}, row {index}, column pcds: “{raw_pc}” is not a valid postcode."
            ) from None
        oslaua = (row.get("oslaua") or "").strip()
        if keep is not None and oslaua not in keep:
            counts.skipped_outside_area += 1
            continue
        if (row.get("doterm") or "").strip():
            counts.skipped_terminated += 1
            counts.terminated.append(pc)
            continue
        lat = _coordinate(row, "lat", index, filename, 49.0, 61.5)
        lng = _coordinate(row, "long", index, filename, -8.7, 2.0)
        if lat == NO_LOCATION_LAT:
            counts.skipped_no_location += 1
            continue
        batch.append(Postcode(postcode=pc, oslaua=oslaua, lat=lat, lng=lng))
        if len(batch) >= BATCH:
            counts.stored += _flush(batch)
            batch = []
    counts.stored += _flush(batch)
    for start in range(0, len(counts.terminated), BATCH):
        deleted, _ = Postcode.objects.filter(
            postcode__in=counts.terminated[start : start + BATCH]
        ).delete()
        counts.removed_terminated += deleted
    for name in (
        "rows_read",
        "stored",
        "skipped_terminated",
        "skipped_outside_area",
        "skipped_no_location",
        "removed_terminated",
    ):
        setattr(run, name, getattr(counts, name))
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=actor,
        action="postcodes.imported",
        obj=run,
        data={
            "filename": filename,
            "stored": counts.stored,
            "rows_read": counts.rows_read,
        },
    )
    return run


def _flush(batch: list[Postcode]) -> int:
    if not batch:
        return 0
    Postcode.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["oslaua", "lat", "lng"],
    )
    return len(batch)
