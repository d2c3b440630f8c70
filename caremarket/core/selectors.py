from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from caremarket.core.models import DataImport, Heartbeat

# The worker beats every minute; three missed beats mean it is down or stuck.
WORKER, WORKER_LATE_AFTER = "worker", dt.timedelta(minutes=3)
# The sourcing timetable records its own beat after each tick (decision 0071): a worker that
# is alive but whose timetable fails or is stuck is late all the same.
TIMETABLE, TIMETABLE_LATE_AFTER = "timetable", dt.timedelta(minutes=2)


def database_status() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the health check reports, it never raises
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def heartbeat_status(*, name: str, now: dt.datetime, late_after: dt.timedelta) -> dict[str, object]:
    """When a background job last ran, and whether that is longer ago than it should be."""
    try:
        beat = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    except Exception as exc:  # the health check reports, it never raises
        return {"ok": False, "error": exc.__class__.__name__}
    if beat is None:
        return {"ok": False, "last_beat_at": None, "seconds_ago": None}
    age = (now - beat).total_seconds()
    return {
        "ok": age <= late_after.total_seconds(),
        "last_beat_at": beat.isoformat(),
        "seconds_ago": round(age),
    }


def timetable_status(*, now: dt.datetime) -> dict[str, object]:
    """The sourcing timetable runs every minute; two minutes without it and lists may be late."""
    return heartbeat_status(name=TIMETABLE, now=now, late_after=TIMETABLE_LATE_AFTER)


def worker_status(*, now: dt.datetime) -> dict[str, object]:
    """Whether the task worker has run its every-minute heartbeat and the timetable lately."""
    worker = heartbeat_status(name=WORKER, now=now, late_after=WORKER_LATE_AFTER)
    timetable = timetable_status(now=now)
    return {**worker, "ok": bool(worker["ok"] and timetable["ok"]), "timetable": timetable}


def data_import_list() -> QuerySet[DataImport]:
    return DataImport.objects.select_related("requested_by", "cqc_import", "postcode_import")


def data_import_get(*, pk: int) -> DataImport | None:
    return data_import_list().filter(pk=pk).first()


def data_import_rows_read(*, run: DataImport) -> int | None:
    """How far the worker has read a large file, while it is importing."""
    path = Path(settings.DATA_IMPORT_DIR) / f"{run.stored_as}.progress"
    try:
        return int(json.loads(path.read_text())["rows"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class ImportReport:
    """What a run did, the same for the page, the API and the CSV download."""

    kind: str
    counts: list[tuple[str, int]]
    notes: list[str]
    skipped: list[dict[str, Any]]  # row, column, reason
    skipped_total: int


def data_import_report(*, run: DataImport) -> ImportReport | None:
    if run.cqc_import is not None:
        c = run.cqc_import
        counts = [
            ("Rows read", c.rows_read),
            ("Created", c.created),
            ("Updated", c.updated),
            ("Unchanged", c.unchanged),
            ("Deregistered", c.deregistered),
            ("Skipped", len(c.skipped)),
        ]
        if c.kind == c.Kind.RATINGS:
            counts += [
                ("Service or population-group rows ignored", c.group_rows_ignored),
                ("Rated locations not in the directory", c.unknown_locations),
            ]
        scope = (
            ""
            if c.complete is None
            else (" (complete register)" if c.complete else " (partial file)")
        )
        return ImportReport(
            kind=f"{c.get_kind_display()}{scope}",
            counts=counts,
            notes=list(c.notes),
            skipped=list(c.skipped),
            skipped_total=len(c.skipped),
        )
    if run.postcode_import is not None:
        pc = run.postcode_import
        return ImportReport(
            kind="ONS postcode directory",
            counts=[
                ("Rows read", pc.rows_read),
                ("Postcodes stored", pc.stored),
                ("Terminated, skipped", pc.skipped_terminated),
                ("Terminated, removed", pc.removed_terminated),
                ("Outside the area", pc.skipped_outside_area),
                ("Without a grid reference", pc.skipped_no_location),
                ("Skipped (bad rows)", pc.skipped_bad_rows),
            ],
            notes=[f"Columns read: {', '.join(f'{k}: {v}' for k, v in pc.columns.items())}."],
            skipped=list(pc.skipped),
            skipped_total=pc.skipped_bad_rows,
        )
    return None


def data_import_report_table(*, run: DataImport) -> list[list[object]]:
    """The report as rows for a CSV: the counts, the notes, then every skipped row."""
    report = data_import_report(run=run)
    rows: list[list[object]] = [
        ["File", run.filename, "", ""],
        ["Status", run.get_status_display(), "", ""],
    ]
    if run.message:
        rows.append(["Refused", run.message, "", ""])
    if report is None:
        return rows
    rows.append(["Kind", report.kind, "", ""])
    rows += [[label, count, "", ""] for label, count in report.counts]
    rows += [["Note", note, "", ""] for note in report.notes]
    rows.append(["Row", "Column", "Reason", ""])
    rows += [
        [s.get("row", ""), s.get("column", ""), s.get("reason", ""), ""] for s in report.skipped
    ]
    return [r[:3] for r in rows]
