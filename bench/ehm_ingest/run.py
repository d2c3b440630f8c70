"""EHM ingest: a 1,000,000-row visit file validated, stored and turned into KPIs.

Measures the real services end to end (receive the upload, validate every row in DuckDB,
write Parquet, count KPIs, save results and flags in the database) and, as the reference,
the bare DuckDB scan-and-aggregate of the same file. Each measurement runs in a fresh
process so its peak memory (max RSS) is its own. Target (DESIGN section 8): < 2 s, < 1 GB.

    python bench/ehm_ingest/run.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROVIDER, BRANCHES = "1-000000002", ("1-102000001", "1-102000002", "1-102000003")
PERIOD_START = "2026-01-05"  # period 3

GENERATE = f"""
COPY (
  SELECT
    '{PROVIDER}' AS provider_reference,
    ['{BRANCHES[0]}', '{BRANCHES[1]}', '{BRANCHES[2]}'][1 + i % 3] AS branch_reference,
    '{PERIOD_START}' AS period_start,
    'V' || lpad(i::VARCHAR, 8, '0') AS visit_reference,
    'P' || lpad((i % 4000)::VARCHAR, 6, '0') AS service_user_reference,
    'C' || lpad(((i // 7) % 600)::VARCHAR, 4, '0') AS carer_reference,
    'PC' AS service_type,
    CASE WHEN i % 5 = 0 THEN 'Y' ELSE 'N' END AS time_critical,
    strftime(ps, '%Y-%m-%d %H:%M') AS planned_start,
    strftime(ps + INTERVAL 45 MINUTE, '%Y-%m-%d %H:%M') AS planned_end,
    CASE WHEN st IN ('DELIVERED', 'FRUSTRATED')
      THEN strftime(ps + to_minutes(late), '%Y-%m-%d %H:%M') END AS actual_check_in,
    CASE WHEN st = 'DELIVERED'
      THEN strftime(ps + to_minutes(late + dur), '%Y-%m-%d %H:%M') END AS actual_check_out,
    CASE WHEN st IN ('DELIVERED', 'FRUSTRATED')
      THEN CASE WHEN i % 11 = 0 THEN 'MANUAL' ELSE 'APP' END END AS check_in_method,
    '1' AS carers,
    st AS visit_status,
    CASE WHEN st = 'CANCELLED' THEN 'HOSPITAL' ELSE '' END AS exception_code
  FROM (
    SELECT i,
      TIMESTAMP '{PERIOD_START} 07:00' + to_days((i % 28)::INTEGER)
        + to_minutes(((i * 37) % 840)::INTEGER) AS ps,
      CASE WHEN i % 97 = 0 THEN 'MISSED' WHEN i % 53 = 0 THEN 'CANCELLED'
           WHEN i % 131 = 0 THEN 'FRUSTRATED' ELSE 'DELIVERED' END AS st,
      ((i * 13) % 50 - 10)::INTEGER AS late,
      (30 + (i * 7) % 20)::INTEGER AS dur
    FROM range(?) t(i)
  )
) TO '{{path}}' (HEADER, DELIMITER ',')
"""

BARE = """
SELECT branch_reference, count(*),
  count(*) FILTER (visit_status = 'MISSED'),
  avg(date_diff('minute', planned_start::TIMESTAMP, actual_check_in::TIMESTAMP)),
  count(DISTINCT service_user_reference)
FROM read_csv(?, header = true, all_varchar = true)
GROUP BY branch_reference
"""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_bare(path: str) -> dict[str, float]:
    import duckdb

    start, cpu = time.perf_counter(), _cpu()
    with duckdb.connect(config={"threads": 2}) as con:
        con.execute(BARE, [path]).fetchall()
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": _cpu() - cpu,
        "peak_mb": _peak_mb(),
    }


def child_service(path: str, store: str) -> dict[str, float]:
    os.environ["EHM_STORE_DIR"] = store
    os.environ["CAREMARKET_TESTING"] = "1"  # in-memory test database, immediate tasks
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.db import connection
    from django.utils import timezone

    connection.creation.create_test_db(verbosity=0)
    from caremarket.accounts.models import OrganisationKind, Role
    from caremarket.accounts.services import organisation_create, user_create
    from caremarket.cqc.models import CqcLocation
    from caremarket.monitoring.models import KpiResult
    from caremarket.monitoring.services.submissions import submission_process, submission_receive

    now = timezone.now()
    org = organisation_create(
        actor=None,
        name="Bench Home Care",
        kind=OrganisationKind.HOME_CARE_PROVIDER,
        reference=PROVIDER,
        now=now,
    )
    user = user_create(
        actor=None,
        organisation=org,
        email="bench@example.test",
        full_name="Bench",
        role=Role.PROVIDER_USER,
        send_invitation=False,
        now=now,
    )
    for n, location in enumerate(BRANCHES):
        CqcLocation.objects.create(
            location_id=location,
            provider_id=PROVIDER,
            name=f"Branch {n}",
            postcode=("CM1 1AA", "CO1 1AA", "SS14 1AA")[n],
            updated_at=now,
        )
    # The job runs in a worker that has started: its start-up hooks have run, as the
    # consumer runs them (loading the URL map that the uploader's notification links into).
    from huey.contrib.djhuey import HUEY

    import caremarket.core.tasks  # noqa: F401 (registers the hooks)

    for hook in HUEY._startup.values():
        hook()
    baseline = _peak_mb()
    size = Path(path).stat().st_size
    start, cpu = time.perf_counter(), _cpu()
    with open(path, "rb") as fh:
        submission = submission_receive(
            actor=user,
            organisation=org,
            chunks=iter(lambda: fh.read(1 << 20), b""),
            filename="bench.csv",
            size=size,
            now=now,
        )
    received = time.perf_counter()
    submission = submission_process(submission_id=submission.pk, now=now)
    done, cpu = time.perf_counter(), _cpu() - cpu
    assert submission.status == "accepted", (submission.status, submission.errors[:3])
    # The stored file keeps the CSV's order (its rows are numbered by position when read
    # back), even though both threads wrote it: the generator's references follow the rows.
    import duckdb

    from caremarket.monitoring import config

    with duckdb.connect() as con:
        misnumbered = con.execute(
            "SELECT count(*) FROM read_parquet(?, file_row_number = true)"
            " WHERE visit_reference <> 'V' || lpad(file_row_number::VARCHAR, 8, '0')",
            [str(config.store_dir() / submission.store_path)],
        ).fetchone()
    assert misnumbered == (0,), misnumbered
    assert KpiResult.objects.filter(submission=submission).count() >= 7
    return {
        "seconds": done - start,
        "cpu_seconds": cpu,
        "receive_seconds": received - start,
        "process_seconds": done - received,
        "rows": submission.rows,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
    }


def run_child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = child_bare(*rest) if kind == "bare" else child_service(*rest)
        print(json.dumps(result))
        return
    import duckdb

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="ehm-bench-") as tmp:
        path = Path(tmp) / "visits.csv"
        start = time.perf_counter()
        with duckdb.connect() as con:
            con.execute(GENERATE.replace("{path}", str(path)), [args.rows])
        size_mb = path.stat().st_size / 1e6
        print(
            f"file: {args.rows:,} rows, {size_mb:,.0f} MB (generated in "
            f"{time.perf_counter() - start:.1f} s)"
        )
        bare = [run_child("bare", str(path)) for _ in range(args.repeat)]
        service = [
            run_child("service", str(path), str(Path(tmp) / f"store{n}"))
            for n in range(args.repeat)
        ]
    load_after = os.getloadavg()
    median_bare = statistics.median(r["seconds"] for r in bare)
    median = statistics.median(r["seconds"] for r in service)
    peak = max(r["peak_mb"] for r in service)
    median_receive = statistics.median(r["receive_seconds"] for r in service)
    print(
        f"machine load (1, 5, 15 min): {' '.join(f'{x:.1f}' for x in load_before)} before,"
        f" {' '.join(f'{x:.1f}' for x in load_after)} after"
    )
    print(
        f"bare DuckDB scan-and-aggregate: median {median_bare:.2f} s of "
        f"{[round(r['seconds'], 2) for r in bare]}, peak {max(r['peak_mb'] for r in bare):.0f} MB"
    )
    print(
        f"end to end (receive {median_receive:.2f} s + validate, store, KPIs): median"
        f" {median:.2f} s of {[round(r['seconds'], 2) for r in service]}, peak {peak:.0f} MB"
        f" (Django and the test database alone: {service[0]['baseline_mb']:.0f} MB)"
    )
    cpu_bare = statistics.median(r["cpu_seconds"] for r in bare)
    cpu = statistics.median(r["cpu_seconds"] for r in service)
    print(
        f"CPU time (less sensitive to other work on the machine): bare {cpu_bare:.2f} s,"
        f" end to end {cpu:.2f} s, ratio {cpu / cpu_bare:.1f}x"
    )
    ratio = median / median_bare
    print(
        f"ratio to the bare scan (medians): {ratio:.1f}x, target within 4x:"
        f" {'met' if ratio <= 4 else 'missed'}; target < 2 s: {'met' if median < 2 else 'missed'};"
        f" memory < 1 GB: {'met' if peak < 1024 else 'missed'}"
    )


if __name__ == "__main__":
    main()
