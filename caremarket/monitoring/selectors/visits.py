"""Visits read back from the Parquet store."""

from __future__ import annotations

from pathlib import Path

import duckdb

from caremarket.monitoring import config
from caremarket.monitoring.ehm.store import store_reading
from caremarket.monitoring.models import KpiResult

# The punctuality window when a submission's thresholds do not record one (minutes).
DEFAULT_PUNCTUALITY_WINDOW = 30


def branch_punctuality(
    *, result: KpiResult, branch: str
) -> tuple[int, list[tuple[int, int, int, float | None]]]:
    """The punctuality window the result's file was checked with, and for each hour of planned
    start: delivered visits, late visits and the share late (None with no visits)."""
    submission = result.submission
    window = int(
        submission.thresholds.get("punctuality_window_minutes", DEFAULT_PUNCTUALITY_WINDOW)
    )
    with store_reading(
        root=config.store_dir(), relpath=submission.store_path, shared=config.shared_store()
    ) as parquet:
        rows = visit_punctuality_by_hour(parquet=parquet, branch=branch, window_minutes=window)
    return window, [(h, n, late, late / n if n else None) for h, n, late in rows]


def visit_punctuality_by_hour(
    *, parquet: Path, branch: str, window_minutes: int
) -> list[tuple[int, int, int]]:
    """(hour of planned start, delivered visits, late visits) for one branch, from the store."""
    if not parquet.exists():
        return []
    with duckdb.connect() as con:
        schema = con.execute("SELECT name FROM parquet_schema(?)", [str(parquet)]).fetchall()
        names = {r[0] for r in schema}
        # Files stored before decision 0036 have no offsets: their times were read as given.
        ps, ci = (
            ("planned_start_utc_offset", "check_in_utc_offset")
            if "check_in_utc_offset" in names
            else ("0", "0")
        )
        sql = (
            "SELECT hour(planned_start) AS h, count(*) AS n,"  # noqa: S608 (two fixed names)
            f" count(*) FILTER (date_diff('minute', planned_start - to_minutes({ps}),"
            f" check_in - to_minutes({ci})) > ?) AS late"
            " FROM read_parquet(?, hive_partitioning = true)"
            " WHERE branch_reference = ? AND visit_status = 'DELIVERED'"
            " GROUP BY h ORDER BY h"
        )
        rows = con.execute(
            sql,
            [window_minutes, str(parquet), branch],
        ).fetchall()
    return [(int(h), int(n), int(late)) for h, n, late in rows]
