"""The visit store: one Parquet file per accepted submission, in Hive-style folders.

    <EHM_STORE_DIR>/visits/period=<n>/provider=<CQC provider ID>/submission-<id>.parquet

Files are written to <EHM_STORE_DIR>/tmp first and renamed into place (same file system, so
the rename is atomic): a reader never sees half a file and a failed run leaves nothing.
Superseded files move to <EHM_STORE_DIR>/superseded/ with the same layout.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import duckdb

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


def store_write_temp(con: duckdb.DuckDBPyConnection, *, root: Path) -> Path:
    """Write the connection's `visits` table to a temporary Parquet file."""
    path = store_temp_path(root=root, suffix=".parquet.part")
    literal = str(path).replace("'", "''")
    con.execute(f"COPY (SELECT * FROM visits) TO '{literal}' (FORMAT PARQUET)")
    return path


def store_place(*, temp: Path, root: Path, relpath: str) -> Path:
    final = root / relpath
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(temp, final)
    return final


def store_retire(*, root: Path, relpath: str) -> str:
    """Move a superseded submission's file out of the live folders; returns its new path."""
    source = root / relpath
    target_rel = SUPERSEDED + relpath.removeprefix(VISITS)
    if source.exists():
        target = root / target_rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    return target_rel


def store_discard(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            path.unlink(missing_ok=True)
