"""Writes of the service shell: the task worker's heartbeat, and reference-data files given to
the platform, kept on disk and imported by the worker.

The page, the API and the drop folder all hand a file to `data_import_receive`, which keeps it
under DATA_IMPORT_DIR and queues it; the worker runs `data_import_run`, which streams it into
the CQC or postcode import (each one transaction) and records what became of it. Progress is
a small file beside the upload, written outside the import's transaction so a page can read it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import DomainError, NotPermitted, ValidationFailed
from caremarket.common.jobs import job_enqueue_on_commit
from caremarket.core.models import DataImport, Heartbeat
from caremarket.core.selectors import WORKER
from caremarket.cqc.services import cqc_import
from caremarket.geography.services import postcode_import

NOT_PERMITTED = "Only the council's administrators can import reference data."
INCOMING = "incoming"
# The queued job that imports a received file (core.queue.data_import_process).
PROCESS_DATA_IMPORT = "core.data_import_process"
# How a postcode directory's header row begins, before 2025 and after.
_POSTCODE_HEADINGS = (b"pcd", b'"pcd')


def _root() -> Path:
    root = Path(settings.DATA_IMPORT_DIR)
    (root / INCOMING).mkdir(parents=True, exist_ok=True)
    return root


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


def kind_of(path: Path) -> str:
    """A postcode directory starts with its pcd/pcd7 heading; anything else is tried as CQC."""
    with path.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf").lower()
    return DataImport.Kind.POSTCODES if head.startswith(_POSTCODE_HEADINGS) else DataImport.Kind.CQC


def progress_path(run: DataImport) -> Path:
    return _root() / f"{run.stored_as}.progress"


def _progress_write(run: DataImport, rows: int) -> None:
    path = progress_path(run)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps({"rows": rows}))
    os.replace(temp, path)


@transaction.atomic
def data_import_receive(
    *,
    actor: User | None,
    chunks: Iterable[bytes],
    filename: str,
    now: dt.datetime,
    partial: bool = False,
    source: str = DataImport.Source.UPLOAD,
) -> DataImport:
    """Keep the file and queue its import for when the run is committed (page, API, folder)."""
    if source != DataImport.Source.FOLDER and not (
        actor is not None and actor.has_perm("core.import_reference_data")
    ):
        raise NotPermitted(NOT_PERMITTED)
    limit = settings.DATA_IMPORT_MAX_UPLOAD_BYTES
    root = _root()
    relative = f"{INCOMING}/{uuid.uuid4().hex}"
    target = root / relative
    digest, written = hashlib.sha256(), 0
    try:
        with target.open("wb") as fh:
            for chunk in chunks:
                written += len(chunk)
                if written > limit:
                    raise ValidationFailed(
                        {"file": [f"{filename} is larger than {_megabytes(limit)}."]}
                    )
                digest.update(chunk)
                fh.write(chunk)
        if written == 0:
            raise ValidationFailed({"file": [f"{filename} is empty."]})
        run = DataImport.objects.create(
            kind=kind_of(target),
            filename=Path(filename).name[:255],
            stored_as=relative,
            size_bytes=written,
            sha256=digest.hexdigest(),
            source=source,
            partial=partial,
            requested_by=actor,
            requested_at=now,
        )
        audit_record(
            actor=actor,
            action="data_import.received",
            obj=run,
            at=now,
            data={"filename": run.filename, "kind": run.kind, "size": written, "source": source},
        )
        job_enqueue_on_commit(PROCESS_DATA_IMPORT, run.pk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return run


def data_import_run(*, run_id: int, now: dt.datetime) -> DataImport:
    """Import a queued file. A refused file is recorded with the reason; nothing is half-done."""
    with transaction.atomic():
        run = DataImport.objects.select_for_update().get(pk=run_id)
        if run.status != DataImport.Status.QUEUED:
            return run  # already run: the queue may deliver a task twice
        run.status, run.started_at = DataImport.Status.RUNNING, now
        run.save(update_fields=["status", "started_at"])
    path = _root() / run.stored_as
    try:
        with path.open("rb") as stream:
            if run.kind == DataImport.Kind.POSTCODES:
                run.postcode_import = postcode_import(
                    stream=stream,
                    filename=run.filename,
                    actor=run.requested_by,
                    now=now,
                    progress=lambda rows: _progress_write(run, rows),
                )
            else:
                run.cqc_import = cqc_import(
                    data=stream.read(),
                    filename=run.filename,
                    now=now,
                    actor=run.requested_by,
                    partial=run.partial,
                )
        run.status = DataImport.Status.DONE
    except DomainError as exc:
        run.status, run.message = DataImport.Status.FAILED, exc.message
    except FileNotFoundError:
        run.status, run.message = DataImport.Status.FAILED, "The stored file has gone."
    with transaction.atomic():
        run.finished_at = now
        run.save(
            update_fields=["status", "message", "finished_at", "cqc_import", "postcode_import"]
        )
        audit_record(
            actor=run.requested_by,
            action=f"data_import.{run.status}",
            obj=run,
            at=now,
            changes={"status": [DataImport.Status.RUNNING, run.status]},
            data={"message": run.message},
        )
    progress_path(run).unlink(missing_ok=True)
    return run


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    while chunk := fh.read(1024 * 1024):
        yield chunk


def data_import_pick_up(*, now: dt.datetime) -> list[DataImport]:
    """Queue every file dropped in DATA_IMPORT_DROP_DIR, then move it to done/ beside it.

    A file still being written (changed in the last minute) waits for the next round; a file
    whose content was imported before is moved aside without importing it again.
    """
    folder = settings.DATA_IMPORT_DROP_DIR
    if not folder:
        return []
    drop = Path(folder)
    done = drop / "done"
    done.mkdir(parents=True, exist_ok=True)
    queued = []
    for path in sorted(p for p in drop.iterdir() if p.is_file() and not p.name.startswith(".")):
        if now.timestamp() - path.stat().st_mtime < 60:
            continue
        with path.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        stamp = now.strftime("%Y%m%d%H%M%S")
        if DataImport.objects.filter(sha256=digest, status=DataImport.Status.DONE).exists():
            shutil.move(path, done / f"{stamp}-already-imported-{path.name}")
            continue
        with path.open("rb") as fh:
            queued.append(
                data_import_receive(
                    actor=None,
                    chunks=_chunks(fh),
                    filename=path.name,
                    now=now,
                    source=DataImport.Source.FOLDER,
                )
            )
        shutil.move(path, done / f"{stamp}-{path.name}")
    return queued


def heartbeat_record(*, name: str = WORKER, now: dt.datetime) -> None:
    # Not audited: a liveness signal every minute, not a change anyone made.
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
