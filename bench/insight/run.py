"""Market insight at Essex scale: the selectors in process, then the API on gunicorn.

Targets (set with this benchmark): GET /api/v1/market?preset=52w under 2 s; GET
/api/v1/market/care-homes?preset=52w under 2 s; GET /api/v1/demand p95 under 200 ms with 16
concurrent clients; on the 2-core machine, PostgreSQL beside the server and the load generator.

    python bench/insight/run.py [--rebuild] [--runs 5] [--duration 20] [--workers 2]
    python bench/insight/run.py --profile market_52w   # cProfile one selector and stop

It prints, and writes to results.json: each selector's best and median of --runs runs in its own
process with its peak RSS; the steps of each selector timed on their own (parts.py); the three
endpoints through gunicorn with the figures they answer beside the planned ones.

The dataset (dataset.py) is built in the database bench_insight and reused on the day it was
built (the API's ranges end today, so it is rebuilt on another day).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent.parent))

from support import (  # noqa: E402
    PYTHON,
    drive,
    get,
    gunicorn,
    manage,
    percentile,
    pg_exists,
    pg_recreate,
    pg_url,
    server_env,
)

DATABASE = "bench_insight"
TARGET_MARKET_S = 2.0
TARGET_CARE_HOMES_S = 2.0
TARGET_DEMAND_P95_MS = 200.0
CASES = ("market_12w", "market_52w", "care_home_market_52w", "demand")


def setup_django(url: str) -> None:
    os.environ.update(server_env(url))
    import django

    django.setup()


def today_in_london() -> str:
    import datetime as dt
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Europe/London")).date().isoformat()


def built_summary(url: str) -> dict | None:
    """The dataset's counts if it was built today, else None."""
    if not pg_exists(DATABASE):
        return None
    import psycopg

    with psycopg.connect(url) as conn:
        try:
            row = conn.execute("SELECT built_on, summary FROM bench_meta").fetchone()
        except psycopg.errors.UndefinedTable:
            return None
    if not row or row[0].isoformat() != today_in_london():
        return None
    return dict(row[1])


def build(url: str) -> dict:
    pg_recreate(DATABASE)
    manage(url, "migrate", "--noinput")
    from insight.dataset import generate

    summary = generate()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_meta (built_on date, summary jsonb)")
        cursor.execute(
            "INSERT INTO bench_meta VALUES (%s, %s)", [today_in_london(), json.dumps(summary)]
        )
    return summary


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


# -- in process ------------------------------------------------------------------------------


def run_case(case: str):
    from django.utils import timezone

    from caremarket.insight.selectors.care_homes import care_home_market
    from caremarket.insight.selectors.demand import demand
    from caremarket.insight.selectors.market import market
    from caremarket.insight.selectors.periods import range_preset

    now = timezone.now()
    today = timezone.localdate(now)
    if case == "market_12w":
        return market(span=range_preset("12w", today=today))
    if case == "market_52w":
        return market(span=range_preset("52w", today=today))
    if case == "care_home_market_52w":
        return care_home_market(span=range_preset("52w", today=today), now=now)
    if case == "demand":
        return demand(now=now)
    raise ValueError(case)


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would
    include the parent's memory at the fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(case: str, runs: int) -> dict:
    """In this (fresh) process: `runs` timed runs, then one more counting its SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.ensure_connection()
    before = peak_rss_mb()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run_case(case)
        times.append(time.perf_counter() - started)
    peak = peak_rss_mb()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        run_case(case)
        counted = time.perf_counter() - started
    sql = sum(float(q["time"]) for q in ctx.captured_queries)
    return {
        "case": case,
        "runs_s": [round(t, 3) for t in times],
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "rss_after_setup_mb": round(before),
        "peak_rss_mb": round(peak),
        "queries": len(ctx.captured_queries),
        "sql_s": round(sql, 3),
        "with_query_log_s": round(counted, 3),
    }


def profile(case: str) -> None:
    import cProfile
    import pstats

    run_case(case)  # warm the caches and connection
    profiler = cProfile.Profile()
    profiler.enable()
    run_case(case)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def in_process(runs: int) -> list[dict]:
    """Each selector in its own process, so its peak memory is its own."""
    rows = []
    for case in CASES:
        out = subprocess.run(
            [PYTHON, __file__, "--measure", case, "--runs", str(runs)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out.strip().splitlines()[-1])
        row["load"] = load_average()
        rows.append(row)
        print(
            f"  {case:22} best {row['best_s']:.3f} s, median {row['median_s']:.3f} s"
            f" ({runs} runs); {row['queries']} queries, {row['sql_s']:.3f} s in SQL;"
            f" peak RSS {row['peak_rss_mb']} MB ({row['rss_after_setup_mb']} MB after setup);"
            f" load {row['load']}"
        )
    return rows


# -- through the API -------------------------------------------------------------------------


def tokens() -> dict[str, str]:
    """A council broker (market figures) and a framework provider's office (demand)."""
    from django.utils import timezone

    from caremarket.accounts.models import User
    from caremarket.accounts.services import api_token_create

    return {
        who: api_token_create(
            actor=User.objects.get(email=email), name="bench", now=timezone.now()
        )[1]
        for who, email in (
            ("broker", "broker@bench.example"),
            ("provider", "office@homecare.bench.example"),
        )
    }


def sequential(port: int, path: str, auth: dict[str, str], count: int) -> tuple[dict, dict]:
    times, statuses, body = [], [], b""
    for _ in range(count):
        started = time.perf_counter()
        status, body = get(port, path, auth)
        times.append(time.perf_counter() - started)
        statuses.append(status)
    return {
        "path": path,
        "requests": count,
        "statuses": sorted(set(statuses)),
        "times_s": [round(t, 3) for t in times],
        "p50_s": round(percentile(times, 50), 3),
        "max_s": round(max(times), 3),
        "bytes": len(body),
        "load": load_average(),
    }, json.loads(body)


def show(path: str, row: dict) -> None:
    print(
        f"  {path} at {row['clients']:2} clients: p50 {row['p50_ms']} ms,"
        f" p95 {row['p95_ms']} ms, max {row['max_ms']} ms, {row['per_second']} req/s"
        f" ({row['requests']} requests, {row['errors']} errors; load {row['load']})"
    )


def figures_of(body: dict) -> dict[str, object]:
    return {f["key"]: f["value"] for f in body["figures"]}


def sanity(market: dict, homes: dict, demand: dict, planned: dict) -> None:
    f = figures_of(market)
    print("  Market, 52 weeks (API):")
    rows = [
        ("adults", f["adults"], planned.get("live_adults")),
        ("packages", f["packages"], planned.get("live_packages")),
        ("hours a week", f["hours_per_week"], planned.get("live_hours")),
        ("weekly spend (£)", f["weekly_spend"], None),
        ("a year's spend (£)", f["annual_spend"], None),
        ("home care providers", f["providers"], planned.get("cqc_home_care_providers")),
        ("active providers", f["active_providers"], planned.get("live_organisations")),
        ("providers Good or Outstanding (%)", f["providers_good_share"], 89),
        ("framework providers", f["framework_providers"], planned.get("framework_providers")),
        ("framework utilisation (%)", f["utilisation"], None),
        ("packages with Good providers (%)", f["packages_good_share"], None),
        ("referred", f["referred"], 10000),
        ("placed", f["placed"], None),
        ("cancelled", f["cancelled"], None),
        ("median time to source (working h)", f["median_hours"], None),
        ("p90 time to source (working h)", f["p90_hours"], None),
        *[(f"placed via {r}", f[f"route_{r}"], None) for r in ROUTE_KEYS],
        ("care home rooms", f["care_home_rooms"], planned.get("rooms")),
        ("care home occupancy (%)", f["care_home_occupancy"], 87),
        ("periods", len(market["periods"]), None),
        ("districts", len(market["districts"]), 12),
    ]
    for label, value, plan in rows:
        print(f"    {label:38} {value!s:>14}   {'' if plan is None else f'(planned {plan})'}")
    latest = homes["periods"][-1]["total"]
    print(
        f"  Care homes, 52 weeks (API): {len(homes['periods'])} periods; today {latest['rooms']}"
        f" rooms, {latest['occupied']} occupied ({latest['occupancy_percent']}%),"
        f" {latest['vacant']} vacant of which {latest['reserved']} reserved,"
        f" {latest['suspended']} suspended; {len(homes['suspended'])} homes with suspended rooms,"
        f" {len(homes['stale'])} stale (planned {planned.get('care_homes_stale')})"
    )
    week = demand["weekly_trend"][-2]
    print(
        f"  Demand (API): {demand['packages_waiting']} packages waiting"
        f" ({demand['hours_per_week_waiting']} h a week, {demand['urgent']} urgent) in"
        f" {len(demand['by_lot'])} lots and {len(demand['by_outward_code'])} outward codes;"
        f" last whole week: {week['referred']} referred, {week['placed']} placed"
    )


ROUTE_KEYS = ("tier1", "batching", "tier2", "available", "mini_competition", "spot")


def through_api(url: str, workers: int, count: int, duration: float, planned: dict) -> dict:
    keys = tokens()
    broker = {"Authorization": f"Bearer {keys['broker']}"}
    provider = {"Authorization": f"Bearer {keys['provider']}"}
    results: dict[str, object] = {"workers": workers}
    with gunicorn(url, workers=workers) as port:
        paths = ("/api/v1/market?preset=52w", "/api/v1/market/care-homes?preset=52w")
        for _ in range(workers):  # each worker's first request loads the code
            for path in paths:
                get(port, path, broker)
            get(port, "/api/v1/demand", provider)
        market_row, market_body = sequential(port, paths[0], broker, count)
        homes_row, homes_body = sequential(port, paths[1], broker, count)
        for name, row in (("market_52w", market_row), ("care_homes_52w", homes_row)):
            results[name] = row
            print(
                f"  {row['path']:40} p50 {row['p50_s']:.3f} s, max {row['max_s']:.3f} s"
                f" ({count} sequential; status {row['statuses']}; {row['bytes']} bytes;"
                f" load {row['load']})"
            )
        status, raw = get(port, "/api/v1/demand", provider)
        assert status == 200, status
        demand_body = json.loads(raw)

        def one_demand() -> bool:
            return get(port, "/api/v1/demand", provider)[0] == 200

        for clients, seconds in ((1, min(duration, 5.0)), (16, duration)):
            row = {**drive(clients, seconds, lambda _: one_demand()), "load": load_average()}
            results[f"demand_{clients}"] = row
            show("/api/v1/demand", row)

        # The floor: the cheapest authenticated endpoint (the caller's own record) on the
        # same machine, to tell the demand work from Django's request cycle and the token.
        def one_me() -> bool:
            return get(port, "/api/v1/me", provider)[0] == 200

        row = {**drive(16, min(duration, 10.0), lambda _: one_me()), "load": load_average()}
        results["me_16"] = row
        show("/api/v1/me (floor)", row)
    sanity(market_body, homes_body, demand_body, planned)
    results["figures"] = figures_of(market_body)
    results["bodies"] = {"market": market_body, "care_homes": homes_body}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="generate the dataset again")
    parser.add_argument("--runs", type=int, default=5, help="in-process runs per selector")
    parser.add_argument("--requests", type=int, default=5, help="sequential API requests")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of demand load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--no-api", action="store_true")
    parser.add_argument("--no-parts", action="store_true", help="skip timing the steps")
    parser.add_argument("--measure", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--profile", choices=CASES, help="cProfile one selector and stop")
    args = parser.parse_args()

    url = pg_url(DATABASE)
    if args.measure or args.profile:
        setup_django(url)
        if args.profile:
            profile(args.profile)
        else:
            print(json.dumps(measure(args.measure, args.runs)))
        return
    planned = None if args.rebuild else built_summary(url)
    if planned is None:
        print(f"Building the Essex-scale market in {DATABASE} ...")
        setup_django(url)
        planned = build(url)
    else:
        setup_django(url)
    print(f"Dataset: {json.dumps(planned)}")
    print(f"Load average before: {load_average()} ({os.cpu_count()} CPUs)")
    results: dict[str, Any] = {"dataset": planned, "in_process": in_process(args.runs)}
    if not args.no_parts:
        from insight.parts import report

        print(f"Steps, best of 3 (load {load_average()}):")
        results["parts"] = report()
    if not args.no_api:
        results["api"] = through_api(url, args.workers, args.requests, args.duration, planned)
        api = results["api"]
        verdicts = [
            ("market API 52 weeks < 2 s", api["market_52w"]["max_s"], TARGET_MARKET_S, "s"),
            (
                "care home market API 52 weeks < 2 s",
                api["care_homes_52w"]["max_s"],
                TARGET_CARE_HOMES_S,
                "s",
            ),
            (
                "demand API p95 < 200 ms at 16 clients",
                api["demand_16"]["p95_ms"],
                TARGET_DEMAND_P95_MS,
                "ms",
            ),
        ]
        results["targets"] = {}
        for label, value, target, unit in verdicts:
            verdict = "MET" if value < target else "MISSED"
            results["targets"][label] = {"value": value, "verdict": verdict}
            print(f"Target {label}: {verdict} ({value} {unit}, worst case)")
        api.pop("bodies")
    results["load_after"] = load_average()
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
