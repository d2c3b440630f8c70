"""Vacancy search at national scale: GET /api/v1/vacancies with 1, 4 and 16 concurrent clients.

Target (DESIGN section 8): p95 under 50 ms with 16 concurrent clients, on PostgreSQL, on a
2-core machine, and at least half the throughput of the same SQL replayed without the framework.

    python bench/vacancy_search/run.py [--rebuild] [--duration 15] [--workers 3]

The server is the production configuration: gunicorn, DEBUG off, the answer cache on Redis
(decision 17). Runs, each printed as it ends:

- cached: the Python driver (threads, in this process) at 1, 4 and 16 clients, then Debian's
  wrk (C, outside this Python) at 16 connections; the cache is empty before the first run and
  each run reports how many answers it computed (misses);
- cached while rooms are booked and cancelled through the API (2 changes a second by default),
  each change checked by the very next search (a stale answer is counted and fails the run);
- the cache off (VACANCY_SEARCH_CACHE_SECONDS=0): every search computed, by both drivers;
- the reference: the SQL a search runs (captured from Django on a cache miss) replayed with
  psycopg by the Python driver.

The dataset (about 1.4 GB) is built once in the database BENCH_SEARCH_DB (default
caremarket_bench_search) and reused. BENCH_REDIS_URL (default redis://127.0.0.1:6379/4) must
be a Redis database of its own: it is emptied before each cached run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent.parent))

from support import (  # noqa: E402
    drive,
    get,
    gunicorn,
    load_average,
    manage,
    pg_exists,
    pg_recreate,
    pg_url,
    post,
    server_cpu_seconds,
    wrk,
)

# Several people may share one PostgreSQL server: BENCH_SEARCH_DB names your own copy.
DATABASE = os.environ.get("BENCH_SEARCH_DB", "caremarket_bench_search")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
CONCURRENCY = (1, 4, 16)
TARGET_P95_MS = 50.0
TARGET_SQL_RATIO = 0.5


def build(url: str, homes: int, rooms_per_home: float) -> None:
    from vacancy_search.dataset import generate

    manage(url, "migrate", "--noinput")
    generate(url, homes=homes, rooms_per_home=rooms_per_home)


def dataset_ready(url: str) -> bool:
    """The database exists and a previous build finished (the homes are written last but one)."""
    if not pg_exists(DATABASE):
        return False
    import psycopg

    with psycopg.connect(url) as conn:
        try:
            row = conn.execute("SELECT count(*) FROM carehomes_booking").fetchone()
        except psycopg.errors.UndefinedTable:
            return False
    return bool(row and row[0])


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    import django

    django.setup()


def broker_token() -> str:
    """A council broker (sees rooms and the council's Block rooms) with an API token."""
    from django.utils import timezone

    from caremarket.accounts.models import Organisation, Role, User
    from caremarket.accounts.services import api_token_create, user_create

    user = User.objects.filter(email="broker@bench.example").first() or user_create(
        actor=None,
        organisation=Organisation.objects.get(pk=1),
        email="broker@bench.example",
        full_name="Bench Broker",
        role=Role.BROKER,
        send_invitation=False,
        now=timezone.now(),
    )
    return api_token_create(actor=user, name="bench", now=timezone.now())[1]


def queries(count: int, seed: int = 7) -> list[dict[str, object]]:
    """A realistic mix: a postcode and radius, often a care type or a bed need."""
    from caremarket.geography.models import Postcode

    rng = random.Random(seed)
    postcodes = list(
        Postcode.objects.filter(postcode__startswith="Q").values_list("postcode", flat=True)
    )
    mix = []
    for _ in range(count):
        q: dict[str, object] = {
            "postcode": rng.choice(postcodes),
            "radius_km": rng.choice([5, 10, 10, 20]),
        }
        if rng.random() < 0.3:
            q["care_type"] = rng.choice(["older_people", "dementia", "mental_health"])
        if rng.random() < 0.25:
            q["nursing"] = "true"
        if rng.random() < 0.2:
            q["accepts_la_rate"] = "true"
        if rng.random() < 0.1:
            q["features"] = "en_suite"
        mix.append(q)
    return mix


def capture_sql(
    mix: list[dict[str, object]], token_user_email: str
) -> list[tuple[bool, list[str]]]:
    """The SQL statements a search runs when its answer is not cached, public and broker."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from caremarket.accounts.models import User
    from caremarket.carehomes.selectors.search import VacancyQuery, vacancy_search

    broker = User.objects.get(email=token_user_email)
    captured = []
    never = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    with override_settings(
        CACHES={"default": never, "capture": never}, VACANCY_SEARCH_CACHE="capture"
    ):
        for i, q in enumerate(mix):
            signed_in = i % 2 == 1
            viewer = User.objects.get(pk=broker.pk) if signed_in else AnonymousUser()
            query = VacancyQuery(
                postcode=str(q["postcode"]),
                radius_km=float(q["radius_km"]),  # type: ignore[arg-type]
                care_type=str(q.get("care_type", "")),
                nursing=True if q.get("nursing") else None,
                accepts_la_rate=bool(q.get("accepts_la_rate")),
                features=(str(q["features"]),) if q.get("features") else (),
            )
            with CaptureQueriesContext(connection) as ctx:
                vacancy_search(viewer=viewer, query=query, now=timezone.now())
            captured.append((signed_in, [c["sql"] for c in ctx.captured_queries]))
    return captured


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL)


class Writer(threading.Thread):
    """A broker requesting a room found in search and cancelling it, through the API, while
    the readers run; after each change the same search must show it (else it counts stale)."""

    def __init__(
        self, port: int, mix: list[dict[str, object]], token: str, per_second: float
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.mix, self.per_second = port, mix, per_second
        self.auth = {"Authorization": f"Bearer {token}"}
        self.stop = threading.Event()
        self.changes = self.stale = self.failures = 0
        self.rng = random.Random(11)

    def _rooms(self, path: str) -> set[int]:
        status, body = get(self.port, path, self.auth)
        if status != 200:
            self.failures += 1
            return set()
        return {r["id"] for h in json.loads(body)["results"] for r in h["rooms"] or []}

    def _change(self, path: str, body: object) -> dict[str, object] | None:
        status, answer = post(self.port, path, body, self.auth)
        if status not in (200, 201):
            self.failures += 1
            return None
        self.changes += 1
        return json.loads(answer)

    def run(self) -> None:
        today = dt.date.today().isoformat()
        while not self.stop.is_set():
            began = time.perf_counter()
            path = f"/api/v1/vacancies?{urlencode(self.rng.choice(self.mix))}"
            rooms = sorted(self._rooms(path))
            if rooms:
                room = self.rng.choice(rooms)
                booking = self._change(
                    "/api/v1/booking-requests",
                    {
                        "room_id": room,
                        "starts_on": today,
                        "person_reference": f"BENCH-{self.rng.randrange(10**9)}",
                        "funding": "self_funder",
                    },
                )
                if booking is not None:
                    self.stale += room in self._rooms(path)  # the request holds the room
                    if self._change(f"/api/v1/booking-requests/{booking['id']}/cancel", {}):
                        self.stale += room not in self._rooms(path)  # free again
            # Two changes per cycle.
            self.stop.wait(max(0.0, 2 / self.per_second - (time.perf_counter() - began)))


def api_run(
    port: int,
    requests: list[tuple[str, str | None]],
    *,
    clients: int,
    duration: float,
    driver: str,
) -> dict[str, object]:
    began = server_cpu_seconds(port)
    if driver == "wrk":
        row = wrk(port, requests, connections=clients, duration=duration)
    else:

        def one(i: int) -> bool:
            path, token = requests[i % len(requests)]
            status, _ = get(port, path, {"Authorization": f"Bearer {token}"} if token else None)
            return status == 200

        row = drive(clients, duration, one)
    # What a request costs the web processes, whatever else the machine is doing.
    used = server_cpu_seconds(port) - began
    return {**row, "server_cpu_ms": round(used * 1000 / max(1, int(row["requests"])), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="generate the dataset again")
    parser.add_argument("--homes", type=int, default=15000)
    parser.add_argument("--rooms-per-home", type=float, default=30.0)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per measurement")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--clients", type=int, nargs="*", default=list(CONCURRENCY))
    parser.add_argument("--writes-per-second", type=float, default=2.0)
    parser.add_argument("--no-sql", action="store_true", help="skip the raw SQL replay")
    parser.add_argument("--no-wrk", action="store_true", help="only the Python driver")
    args = parser.parse_args()

    url = pg_url(DATABASE)
    if args.rebuild or not dataset_ready(url):
        print(f"Building the national dataset in {DATABASE} ...")
        pg_recreate(DATABASE)
        build(url, args.homes, args.rooms_per_home)
    manage(url, "migrate", "--noinput")
    setup_django(url)
    from caremarket.carehomes.models import Booking, CareHome, Room

    sizes = {
        "homes": CareHome.objects.count(),
        "rooms": Room.objects.count(),
        "bookings": Booking.objects.count(),
    }
    print(f"Dataset: {sizes}; load average {load_average()}")
    token = broker_token()
    mix = queries(args.samples)
    sql = capture_sql(mix, "broker@bench.example")
    # Every other request is a council broker's (rooms, Block rooms); the rest are the public's.
    requests = [
        (f"/api/v1/vacancies?{urlencode(q)}", token if n % 2 == 1 else None)
        for n, q in enumerate(mix)
    ]
    drivers = ["python"] if args.no_wrk else ["python", "wrk"]
    results: dict[str, object] = {"dataset": sizes, "workers": args.workers, "runs": []}
    runs: list[dict[str, object]] = results["runs"]  # type: ignore[assignment]
    redis = redis_client()

    def record(mode: str, driver: str, row: dict[str, object], **extra: object) -> None:
        entry = {"mode": mode, "driver": driver, **row, **extra, "load": load_average()}
        runs.append(entry)
        print(f"  {mode:<14} {driver:<6} {json.dumps({**row, **extra})}  load {entry['load']}")

    cached = {"REDIS_URL": REDIS_URL}
    with gunicorn(url, workers=args.workers, env=cached) as port:
        # Warm the workers (imports, connections), not the answers: the cache is emptied.
        drive(4, 3.0, lambda i: get(port, requests[i % len(requests)][0])[0] == 200)
        redis.flushdb()
        for driver in drivers:
            for clients in args.clients if driver == "python" else [16]:
                # The cache starts empty at the first run; the answers each run computed (its
                # misses) are the keys it added: nothing expires within the runs.
                before = redis.dbsize()
                row = api_run(
                    port, requests, clients=clients, duration=args.duration, driver=driver
                )
                record("cached", driver, row, computed=redis.dbsize() - before)
        for driver in drivers:
            writer = Writer(port, mix, token, args.writes_per_second)
            writer.start()
            row = api_run(port, requests, clients=16, duration=args.duration, driver=driver)
            writer.stop.set()
            writer.join()
            record(
                "cached+writes",
                driver,
                row,
                changes=writer.changes,
                stale=writer.stale,
                write_failures=writer.failures,
            )
            if writer.stale or writer.failures:
                raise SystemExit(f"{writer.stale} stale answers, {writer.failures} failures")

    with gunicorn(url, workers=args.workers, env={"VACANCY_SEARCH_CACHE_SECONDS": "0"}) as port:
        drive(4, 3.0, lambda i: get(port, requests[i % len(requests)][0])[0] == 200)
        for driver in drivers:
            row = api_run(port, requests, clients=16, duration=args.duration, driver=driver)
            record("uncached", driver, row)

    if not args.no_sql:
        import psycopg

        local = threading.local()

        def sql_request(i: int) -> bool:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = psycopg.connect(url, autocommit=True)
            for statement in sql[i % len(sql)][1]:
                conn.execute(statement).fetchall()
            return True

        drive(4, 2.0, sql_request)
        for clients in args.clients:
            local = threading.local()
            record("sql", "python", drive(clients, args.duration, sql_request))

    def find(mode: str, driver: str, clients: int = 16) -> dict[str, object] | None:
        for r in runs:
            if (r["mode"], r["driver"], r["clients"]) == (mode, driver, clients):
                return r
        return None

    sql16 = find("sql", "python")
    print(f"Target: p95 < {TARGET_P95_MS:g} ms at 16 clients, API >= half the SQL's req/s")
    for mode in ("cached", "cached+writes", "uncached"):
        for driver in drivers:
            r = find(mode, driver)
            if r is None:
                continue
            ratio = (
                float(r["per_second"]) / float(sql16["per_second"])  # type: ignore[arg-type]
                if sql16
                else float("nan")
            )
            met = float(r["p95_ms"]) < TARGET_P95_MS and ratio >= TARGET_SQL_RATIO  # type: ignore[arg-type]
            r["ratio_to_sql"] = round(ratio, 2)
            print(
                f"  {mode:<14} {driver:<6} p95 {r['p95_ms']} ms, {r['per_second']} req/s,"
                f" {ratio:.2f} x the SQL's {sql16['per_second'] if sql16 else '?'} req/s:"
                f" {'met' if met else 'missed'}"
            )
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
