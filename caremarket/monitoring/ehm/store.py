"""The visit store: one Parquet file per accepted submission, in Hive-style folders.

    <EHM_STORE_DIR>/visits/period=<n>/provider=<CQC provider ID>/submission-<id>.parquet

Files are written to <EHM_STORE_DIR>/tmp first and renamed into place (same file system, so
the rename is atomic): a reader never sees half a file and a failed run leaves nothing.
Superseded files move to <EHM_STORE_DIR>/superseded/ with the same layout. A file keeps the
rows in the CSV's order: a row's place (`file_row_number`) + 2 is its row in the provider's
spreadsheet (files stored before 4 December 2026 also carry it as a `row` column).

With object storage (`shared`, EHM_S3_BUCKET) the same names are keys in the bucket, and the
folder is each machine's scratch space: a file placed in it is uploaded whole and dropped
(`store_share`), and fetched back whole before it is read (`store_fetch`, `store_reading`).
Objects are written once under names never reused, so a reader never sees half of one either.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.core.files import File
from django.core.files.storage import Storage

VISITS, SUPERSEDED, TMP, INCOMING, REPORTS = "visits", "superseded", "tmp", "incoming", "reports"


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "_", text)


def store_relpath(*, period: int, provider_reference: str, submission_id: int) -> str:
    return (
        f"{VISITS}/period={period}/provider={_safe(provider_reference)}/"
        f"submission-{submission_id}.parquet"
    )


def store_temp_path(*, root: Path, suffix: str) -> Path:
    folder = root / TMP
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}{suffix}"


def store_place(*, temp: Path, root: Path, relpath: str) -> Path:
    final = root / relpath
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, final)
    return final


def store_retire(*, root: Path, relpath: str, shared: Storage | None = None) -> str:
    """Move a superseded submission's file out of the live folders; returns its new path."""
    source = root / relpath
    target_rel = SUPERSEDED + relpath.removeprefix(VISITS)
    if source.exists():
        target = root / target_rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    if shared is not None and shared.exists(relpath):
        with shared.open(relpath, "rb") as fh:
            _save_as(shared, target_rel, fh)
        shared.delete(relpath)
    return target_rel


def store_discard(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            path.unlink(missing_ok=True)


def _save_as(shared: Storage, relpath: str, fh: IO[bytes]) -> None:
    saved = shared.save(relpath, File(fh))
    if saved != relpath:  # the names are unique; another name means someone else's file
        shared.delete(saved)
        raise FileExistsError(f"{relpath} is already in the visit store")


def store_share(*, root: Path, relpath: str, shared: Storage | None) -> None:
    """Object storage: upload a file placed in the local folder, then drop the local copy."""
    if shared is None:
        return
    local = root / relpath
    with local.open("rb") as fh:
        _save_as(shared, relpath, fh)
    local.unlink()


def store_unshare(*, relpath: str, shared: Storage | None) -> None:
    if shared is not None and relpath:
        shared.delete(relpath)


def store_fetch(*, root: Path, relpath: str, shared: Storage | None) -> Path:
    """The local path of a stored file, downloading it whole first from object storage."""
    local = root / relpath
    if shared is None or local.exists() or not shared.exists(relpath):
        return local
    temp = store_temp_path(root=root, suffix=".part")
    try:
        with shared.open(relpath, "rb") as source, temp.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        local.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, local)
    finally:
        store_discard(temp)
    return local


@contextlib.contextmanager
def store_reading(*, root: Path, relpath: str, shared: Storage | None) -> Iterator[Path]:
    """A stored file to read locally for the duration of the block (a download is dropped)."""
    kept = (root / relpath).exists()
    path = store_fetch(root=root, relpath=relpath, shared=shared)
    try:
        yield path
    finally:
        if shared is not None and not kept:
            store_discard(path)
