"""Imports of the ONS postcode directory (ONSPD / NSPL) as published (decision 0019).

The files are 1-2 GB for the UK, so they are streamed from disk row by row. Their column
names changed in 2025 (pcd7/pcd8/pcds, lad25cd and a new year's code each year, east1m,
gridind): the district column is found by its pattern, not a fixed name.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction

from caremarket.audit.services import audit_record
from caremarket.common.errors import ValidationFailed
from caremarket.common.process_caches import process_caches_clear
from caremarket.common.tabular import Limits, TableError, TableStream, table_open
from caremarket.geography.models import District, DistrictOutline, Postcode, PostcodeImport
from caremarket.geography.outlines import outlines_from_points
from caremarket.geography.postcodes import postcode_normalise

BATCH = 5000
# ONSPD gives postcodes without a grid reference this latitude (and longitude 0); the grid
# reference indicator (osgrdind before 2025, gridind after) is 9 for them.
NO_LOCATION_LAT = 99.999999
NO_GRID_REFERENCE = "9"
SKIPS_LISTED = 1000
LIMITS = Limits(
    what="a postcode directory", max_bytes=4 * 1024**3, max_rows=5_000_000, max_columns=200
)
POSTCODE, DISTRICT, LAT, LONG, TERMINATED, GRID = (
    "postcode",
    "district",
    "lat",
    "long",
    "doterm",
    "grid",
)
ALIASES = {
    # pcds is the one-space form; pcd (ONSPD), pcd7 and pcd8 (2025 on) are padded forms.
    POSTCODE: ("pcds", "pcd", "pcd7", "pcd8", "pcd2"),
    DISTRICT: ("oslaua", "laua", "ladcd"),
    GRID: ("osgrdind", "gridind"),
}
# lad25cd, lad26cd, ...: the year's local authority district code.
PATTERNS = {DISTRICT: r"lad\d{2}cd"}


class PostcodeFileError(ValidationFailed):
    pass


@dataclass
class _Counts:
    rows_read: int = 0
    stored: int = 0
    skipped_terminated: int = 0
    skipped_outside_area: int = 0
    skipped_no_location: int = 0
    skipped_bad_rows: int = 0
    removed_terminated: int = 0
    terminated: list[str] = field(default_factory=list)
    skipped: list[dict[str, object]] = field(default_factory=list)

    def skip(self, row: int, column: str, reason: str) -> None:
        self.skipped_bad_rows += 1
        if len(self.skipped) < SKIPS_LISTED:
            self.skipped.append({"row": row, "column": column, "reason": reason})


class _BadRow(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def _default_keep_codes() -> set[str]:
    # The council's districts and their neighbours: everything in the districts table.
    return set(District.objects.values_list("code", flat=True))


def _coordinate(raw: str, column: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise _BadRow(column, f"“{raw}” is not a number") from None
    if value == NO_LOCATION_LAT:
        return value
    if not low <= value <= high:
        raise _BadRow(column, f"{value} is outside {low} to {high}")
    return value


def _open(stream: IO[bytes], filename: str) -> TableStream:
    try:
        return table_open(
            stream=stream,
            filename=filename,
            required=(POSTCODE, DISTRICT, LAT, LONG),
            optional=(TERMINATED, GRID),
            aliases=ALIASES,
            patterns=PATTERNS,
            limits=LIMITS,
        )
    except TableError as exc:
        if "no header row" not in exc.message:
            raise PostcodeFileError(exc.message) from exc
        raise PostcodeFileError(
            f"{filename}: this is not the ONS postcode directory. It needs a postcode column"
            " (pcds, pcd, pcd7 or pcd8), a district column (oslaua, laua or ladNNcd such as"
            " lad25cd), lat and long."
        ) from exc


@transaction.atomic
def postcode_import(
    *,
    stream: IO[bytes],
    filename: str,
    keep_all: bool = False,
    actor: object = None,
    now: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> PostcodeImport:
    """Stream the directory into the postcode table, all or nothing.

    Re-running with the same or a newer file updates rows in place; postcodes that the
    file says are terminated are removed. A bad row is skipped and counted, never fatal.
    """
    started = time.monotonic()
    table = _open(stream, filename)
    run = PostcodeImport.objects.create(
        filename=filename,
        started_at=now,
        keep_all=keep_all,
        columns=table.columns,
    )
    keep = None if keep_all else _default_keep_codes()
    counts = _Counts()
    batch: list[Postcode] = []
    for index, row in table:
        counts.rows_read += 1
        if progress and counts.rows_read % 50_000 == 0:
            progress(counts.rows_read)
        district = row.get(DISTRICT, "")
        if keep is not None and district not in keep:
            counts.skipped_outside_area += 1
            continue
        raw_pc = row.get(POSTCODE, "")
        try:
            pc = postcode_normalise(raw_pc)
        except ValidationFailed:
            counts.skip(index, run.columns.get(POSTCODE, POSTCODE), f"“{raw_pc}” is not a postcode")
            continue
        if row.get(TERMINATED, ""):
            counts.skipped_terminated += 1
            counts.terminated.append(pc)
            continue
        if row.get(GRID, "") == NO_GRID_REFERENCE or not row.get(LAT, ""):
            counts.skipped_no_location += 1
            continue
        try:
            lat = _coordinate(row.get(LAT, ""), "lat", 49.0, 61.5)
            lng = _coordinate(row.get(LONG, ""), "long", -8.7, 2.0)
        except _BadRow as bad:
            counts.skip(index, bad.column, f"{pc}: {bad.reason}")
            continue
        if lat == NO_LOCATION_LAT:
            counts.skipped_no_location += 1
            continue
        batch.append(Postcode(postcode=pc, oslaua=district, lat=lat, lng=lng))
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
        "skipped_bad_rows",
        "removed_terminated",
        "skipped",
    ):
        setattr(run, name, getattr(counts, name))
    # The whole directory takes minutes: the finish is the start plus the time it really took.
    # The maps' outlines follow the postcodes: drawn here, once per import, never per request.
    outlines = district_outlines_build(actor=actor, now=now)
    run.finished_at = now + dt.timedelta(seconds=time.monotonic() - started)
    run.save()
    audit_record(
        actor=actor,
        action="postcodes.imported",
        obj=run,
        at=now,
        data={
            "filename": filename,
            "stored": counts.stored,
            "rows_read": counts.rows_read,
            "skipped_bad_rows": counts.skipped_bad_rows,
            "columns": run.columns,
            "district_outlines": outlines,
        },
    )
    # This process forgets cached positions now; the others within their ten minutes.
    transaction.on_commit(process_caches_clear)
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


@transaction.atomic
def district_outlines_build(*, actor: object = None, now: dt.datetime) -> int:
    """Redraw every known district's outline from the postcodes held (decision 0064).

    Postcodes of districts the platform does not know are left out; the count drawn is returned.
    """
    districts = {d.code: d for d in District.objects.all()}
    points = (
        (code, lat, lng)
        for code, lat, lng in Postcode.objects.filter(oslaua__in=districts)
        .values_list("oslaua", "lat", "lng")
        .iterator(chunk_size=BATCH)
    )
    outlines = outlines_from_points(points)
    DistrictOutline.objects.all().delete()
    DistrictOutline.objects.bulk_create(
        DistrictOutline(
            district=districts[o.code],
            rings=[[list(point) for point in ring] for ring in o.rings],
            label_lat=o.label[0],
            label_lng=o.label[1],
            south=o.bounds[0],
            west=o.bounds[1],
            north=o.bounds[2],
            east=o.bounds[3],
            points=o.points,
            built_at=now,
        )
        for o in outlines
    )
    for outline in DistrictOutline.objects.select_related("district"):
        audit_record(
            actor=actor,
            action="district_outline.built",
            obj=outline,
            at=now,
            data={"district": outline.district.code, "points": outline.points},
        )
    return len(outlines)
