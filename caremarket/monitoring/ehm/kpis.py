"""The KPIs of DESIGN section 5, counted in DuckDB over a validated file's `visits` table.

Counts are stored (not rates) so that any grouping of results adds up; rates are derived.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from caremarket.monitoring.config import Thresholds

COUNTS = (
    "visits_total",
    "visits_cancelled",
    "visits_due",
    "visits_missed",
    "visits_frustrated",
    "visits_delivered",
    "on_time",
    "late",
    "early",
    "time_critical_delivered",
    "time_critical_on_time",
    "short_visits",
    "logged_at_home",
    "service_users",
    "carer_assignments",
    "commissioned_minutes",
    "delivered_minutes",
)
PROVIDER, BRANCH, DISTRICT = "provider", "branch", "district"


@dataclass(frozen=True)
class KpiRow:
    scope: str
    key: str  # "" for the provider, the CQC location ID, or the district code
    counts: dict[str, int]


def _at(column: str) -> str:
    """A stored UK wall-clock time as its instant: lengths are real elapsed time (0036)."""
    return f"({column} - to_minutes({column}_utc_offset))"


def _flags_sql(t: Thresholds) -> str:
    cutoff = int(t.missed_cutoff_hour)
    return f"""
    WITH k AS (
      SELECT branch_reference, district, service_user_reference, carer_reference,
        time_critical, logged_at_home, visit_status,
        visit_status <> 'CANCELLED' AS due,
        visit_status = 'MISSED'
          OR (visit_status <> 'CANCELLED' AND exception_code IS NOT DISTINCT FROM 'MERGED')
          OR (visit_status = 'DELIVERED' AND hour(planned_start) < {cutoff}
              AND check_in > date_trunc('day', planned_start) + INTERVAL {cutoff} HOUR)
          AS missed,
        date_diff('minute', {_at("planned_start")}, {_at("planned_end")}) AS planned_min,
        date_diff('second', {_at("check_in")}, {_at("check_out")}) AS actual_sec,
        actual_sec / 60.0 AS actual_min,
        date_diff('second', {_at("planned_start")}, {_at("check_in")}) / 60.0 AS offset_min,
        CASE WHEN time_critical THEN {int(t.time_critical_window_minutes)}
             ELSE {int(t.punctuality_window_minutes)} END AS window_min
      FROM visits
    )
    SELECT *, visit_status = 'DELIVERED' AND NOT missed AS delivered FROM k
    """


def _counts_sql(t: Thresholds) -> str:
    ratio, floor = float(t.short_visit_ratio), int(t.short_visit_floor_minutes)
    return f"""
    SELECT branch_reference, district,
      count(*) AS visits_total,
      count(*) FILTER (NOT due) AS visits_cancelled,
      count(*) FILTER (due) AS visits_due,
      count(*) FILTER (missed) AS visits_missed,
      count(*) FILTER (visit_status = 'FRUSTRATED' AND NOT missed) AS visits_frustrated,
      count(*) FILTER (delivered) AS visits_delivered,
      count(*) FILTER (delivered AND abs(offset_min) <= window_min) AS on_time,
      count(*) FILTER (delivered AND offset_min > window_min) AS late,
      count(*) FILTER (delivered AND offset_min < -window_min) AS early,
      count(*) FILTER (delivered AND time_critical) AS time_critical_delivered,
      count(*) FILTER (delivered AND time_critical AND abs(offset_min) <= window_min)
        AS time_critical_on_time,
      count(*) FILTER (delivered AND (actual_min < {ratio} * planned_min
        OR (planned_min >= {floor} AND actual_min < {floor}))) AS short_visits,
      count(*) FILTER (delivered AND logged_at_home) AS logged_at_home,
      coalesce(sum(planned_min) FILTER (due), 0) AS commissioned_minutes,
      coalesce(sum(actual_sec) FILTER (delivered), 0) AS delivered_seconds
    FROM kv GROUP BY branch_reference, district
    """


CONTINUITY_SQL = """
WITH pairs AS (
  SELECT DISTINCT branch_reference, district, service_user_reference AS su,
    service_user_reference || chr(31) || carer_reference AS pair
  FROM kv WHERE delivered
)
SELECT 3, NULL, NULL, count(DISTINCT su), count(DISTINCT pair) FROM pairs
UNION ALL
SELECT 1, branch_reference, NULL, count(DISTINCT su), count(DISTINCT pair) FROM pairs
GROUP BY branch_reference
UNION ALL
SELECT 2, NULL, district, count(DISTINCT su), count(DISTINCT pair) FROM pairs GROUP BY district
"""


def _scope_key(g: int, branch: str | None, district: str | None) -> tuple[str, str]:
    if g == 3:
        return PROVIDER, ""
    if g == 1:
        return BRANCH, branch or ""
    return DISTRICT, district or ""


def kpi_count(con: duckdb.DuckDBPyConnection, *, thresholds: Thresholds) -> list[KpiRow]:
    """Counts per provider (the whole file), per branch and per district.

    A branch lies in one district, so the file is counted once per branch and the district
    and provider counts are their sums (counting each grouping over the file took twice as
    long). The people and pairs are distinct counts, which do not add up: counted apart.
    """
    con.execute("CREATE OR REPLACE TEMP VIEW kv AS " + _flags_sql(thresholds))
    cursor = con.execute(_counts_sql(thresholds))
    names = [d[0] for d in cursor.description]
    sums: dict[tuple[str, str], dict[str, int]] = {}
    for values in cursor.fetchall():
        record = dict(zip(names, values, strict=True))
        branch, district = record.pop("branch_reference"), record.pop("district")
        for key in ((PROVIDER, ""), (BRANCH, branch or ""), (DISTRICT, district or "")):
            into = sums.setdefault(key, dict.fromkeys(record, 0))
            for name, value in record.items():
                into[name] += int(value or 0)
    rows: dict[tuple[str, str], dict[str, int]] = {}
    for key, added in sums.items():
        seconds = added.pop("delivered_seconds")
        # Rounded half up, as DuckDB's round() did when it summed minutes.
        added["delivered_minutes"] = (2 * seconds + 60) // 120
        rows[key] = {name: added.get(name, 0) for name in COUNTS}
    for g, branch, district, people, assignments in con.execute(CONTINUITY_SQL).fetchall():
        key = _scope_key(g, branch, district)
        if key in rows:
            rows[key]["service_users"] = int(people)
            rows[key]["carer_assignments"] = int(assignments or 0)
    return [KpiRow(scope, key, counts) for (scope, key), counts in rows.items()]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def kpi_rates(c: Mapping[str, Any]) -> dict[str, float | None]:
    """The published figures, derived from counts (None when there is nothing to divide by)."""
    return {
        "attendance_rate": _share(c["visits_due"] - c["visits_missed"], c["visits_due"]),
        "missed_rate": _share(c["visits_missed"], c["visits_due"]),
        "on_time_rate": _share(c["on_time"], c["visits_delivered"]),
        "lateness_rate": _share(c["late"], c["visits_delivered"]),
        "time_critical_on_time_rate": _share(
            c["time_critical_on_time"], c["time_critical_delivered"]
        ),
        "short_visit_rate": _share(c["short_visits"], c["visits_delivered"]),
        "logged_at_home_rate": _share(c["logged_at_home"], c["visits_delivered"]),
        "carers_per_person": _share(c["carer_assignments"], c["service_users"]),
        "delivered_hours_share": _share(c["delivered_minutes"], c["commissioned_minutes"]),
    }


def kpi_sum(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    return {name: sum(int(r[name]) for r in rows) for name in COUNTS}


# The published figures in display order: (rate key, label, "pct" or "number").
FIGURES = (
    ("attendance_rate", "Visits attended", "pct"),
    ("missed_rate", "Missed visits", "pct"),
    ("on_time_rate", "Started on time", "pct"),
    ("lateness_rate", "Started late", "pct"),
    ("time_critical_on_time_rate", "Time-critical on time", "pct"),
    ("short_visit_rate", "Short visits", "pct"),
    ("logged_at_home_rate", "Logged at home", "pct"),
    ("carers_per_person", "Carers per person", "number"),
    ("delivered_hours_share", "Hours delivered of commissioned", "pct"),
)
