"""A simulated week of county demand through the real services, the API and the timetable.

Target (DESIGN section 8): one tick of the timetable through the real services on PostgreSQL
at ten times Essex's volume in under 1 second.

Essex places about 10,000 home care packages a year: about 40 new packages a working day.
For each scale (1 and 10 times that), the run copies a PostgreSQL database holding the demo
(framework, providers, ranked lists, postcodes, a month of sourcing history) and, in a fresh
process, plays one week minute by minute on a simulated clock:

- brokers create packages through `POST /api/v1/packages` during the working day;
- providers answer their offers through the API (85% answer within 5 to 110 working minutes,
  a third of those accept; the rest let the offer lapse);
- every provider with a Batching List reads it and returns it through the API the next
  morning, ticking about one listed package in six it may take;
- `timetable_tick` runs every simulated minute, as the worker's periodic task does, and is
  timed on its own: lapses, the 16:00 Batching List, its 10:00 close and the Monday and
  Thursday Available Packages lists all happen inside it.

The clock is simulated by replacing `django.utils.timezone.now` in the child process, so the
API's views, the services and the database defaults all see the same minute. Requests go
through Django's test client (the whole middleware and API stack, no socket), with real
bearer tokens. Reported: the cost of one tick (median, 95th percentile, worst, and the worst
tick with each kind of step) and the cost of one decision (a provider's answer through the
API, and a package created and offered).

    python bench/sourcing_tick/run.py [--scales 1,10] [--days 7]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.support import PYTHON, ROOT, manage, pg_exists, pg_recreate, pg_url, server_env

# A prefix of its own lets two checkouts on one server run the benchmark side by side.
PREFIX = os.environ.get("BENCH_SOURCING_TICK_DB", "bench_sourcing_tick")
SEED_DB = f"{PREFIX}_seed"
TARGET_SECONDS = 1.0
PER_WORKING_DAY = 40  # Essex: about 10,000 packages a year


def _seed() -> None:
    """The demo, loaded once into a template database (the next runs copy it in a second)."""
    if pg_exists(SEED_DB):
        return
    loading = f"{SEED_DB}_loading"  # renamed only when complete, so a failed load is retried
    url = pg_recreate(loading)
    manage(url, "migrate", "--noinput", "-v0")
    # The demo's published passwords are refused under production settings, by design.
    subprocess.run(
        [PYTHON, "manage.py", "load_demo"],
        cwd=ROOT,
        env={**server_env(url), "DEBUG": "true"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    import psycopg

    from bench.support import PG_SERVER

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{loading}" RENAME TO "{SEED_DB}"')


def _copy(name: str) -> str:
    import psycopg

    from bench.support import PG_SERVER

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{SEED_DB}"')
    return pg_url(name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        from bench.sourcing_tick.week import run_week

        print(json.dumps(run_week(scale=args.child, days=args.days, per_day=PER_WORKING_DAY)))
        return
    started = time.perf_counter()
    _seed()
    print(f"demo database ready in {time.perf_counter() - started:.0f} s", flush=True)
    results = {}
    for scale in [int(s) for s in args.scales.split(",")]:
        url = _copy(f"{PREFIX}_{scale}")
        env = {**server_env(url), "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "CRITICAL"}
        manage(url, "migrate", "--noinput", "-v0")  # the seed may predate the code's migrations
        out = subprocess.run(
            [PYTHON, str(Path(__file__)), "--child", str(scale), "--days", str(args.days)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=open(Path(__file__).parent / f"progress_{scale}.log", "w"),  # noqa: SIM115
            text=True,
        )
        if out.returncode:
            sys.exit(f"the {scale}x week failed: see bench/sourcing_tick/progress_{scale}.log")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results[scale] = result
        _print(scale, result)
    (Path(__file__).parent / "results.json").write_text(json.dumps(results, indent=2) + "\n")


def _print(scale: int, r: dict[str, object]) -> None:
    t = r["tick_ms"]
    assert isinstance(t, dict)
    worst = r["worst_by_step"]
    assert isinstance(worst, dict)
    verdict = "MET" if t["max"] < TARGET_SECONDS * 1000 else "MISSED"
    print(
        f"\n== {scale}x Essex: {r['packages_created']} packages created, {r['offers']} offers, "
        f"{r['answers']} answers, {r['batching_returns']} Batching List returns, "
        f"{r['ticks']} ticks in {r['wall_s']:.0f} s (load {r['load_before']} -> {r['load_after']})"
    )
    print(
        f"tick: median {t['median']:.1f} ms, p95 {t['p95']:.1f} ms, p99 {t['p99']:.1f} ms, "
        f"worst {t['max']:.0f} ms (target < {TARGET_SECONDS * 1000:.0f} ms) -> {verdict}"
    )
    for step, (ms, queries) in sorted(worst.items()):
        print(f"  worst tick that did {step}: {ms:.0f} ms, {queries} SQL statements")
    for name in ("answer_ms", "create_ms", "return_ms"):
        d = r[name]
        assert isinstance(d, dict)
        print(f"{name[:-3]} through the API: median {d['median']:.1f} ms, p95 {d['p95']:.1f} ms")
    print(f"catch-up tick after the demo (first tick): {r['first_tick_ms']:.0f} ms")
    print(f"peak RSS {r['peak_mb']:.0f} MB")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    main()
