"""Vacancy search at national scale: GET /api/v1/vacancies with 1, 4 and 16 concurrent clients.

Target (DESIGN section 8): p95 under 50 ms with 16 concurrent clients, on PostgreSQL, on a
2-core machine. Beside the API, the same database work (the SQL statements the endpoint runs,
captured from Django) is replayed with plain psycopg, to show what the framework adds.

    python bench/vacancy_search/run.py [--rebuild] [--duration 15] [--workers 3]

The dataset (about 1.4 GB) is built once in the database caremarket_bench_search and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent.parent))

from support import (  # noqa: E402
    drive,
    get,
    gunicorn,
    manage,
    pg_exists,
    pg_recreate,
    pg_url,
)

DATABASE = "caremarket_bench_search"
CONCURRENCY = (1, 4, 16)
TARGET_P95_MS = 50.0


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
    from caremarket.accounts.models import Organisation, Role, User
    from caremarket.accounts.services import api_token_create, user_create

    user = User.objects.filter(email="broker@bench.example").first() or user_create(
        actor=None,
        organisation=Organisation.objects.get(pk=1),
        email="broker@bench.example",
        full_name="Bench Broker",
        role=Role.BROKER,
        send_invitation=False,
    )
    return api_token_create(actor=user, name="bench")[1]


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
    """The SQL statements the endpoint runs for each query, as the public and as the broker."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from caremarket.accounts.models import User
    from caremarket.carehomes.selectors.search import VacancyQuery, vacancy_search

    broker = User.objects.get(email=token_user_email)
    captured = []
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rebuild", action="store_true", help="generate the dataset again")
    parser.add_argument("--homes", type=int, default=15000)
    parser.add_argument("--rooms-per-home", type=float, default=30.0)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per measurement")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--clients", type=int, nargs="*", default=list(CONCURRENCY))
    parser.add_argument("--no-sql", action="store_true", help="skip the raw SQL replay")
    args = parser.parse_args()

    url = pg_url(DATABASE)
    if args.rebuild or not dataset_ready(url):
        print(f"Building the national dataset in {DATABASE} ...")
        pg_recreate(DATABASE)
        build(url, args.homes, args.rooms_per_home)
    setup_django(url)
    from caremarket.carehomes.models import Booking, CareHome, Room

    sizes = {
        "homes": CareHome.objects.count(),
        "rooms": Room.objects.count(),
        "bookings": Booking.objects.count(),
    }
    print(f"Dataset: {sizes}")
    token = broker_token()
    mix = queries(args.samples)
    sql = capture_sql(mix, "broker@bench.example")
    paths = [f"/api/v1/vacancies?{urlencode(q)}" for q in mix]
    auth = {"Authorization": f"Bearer {token}"}

    results: dict[str, object] = {"dataset": sizes, "workers": args.workers, "api": [], "sql": []}
    with gunicorn(url, workers=args.workers) as port:

        def api_request(i: int) -> bool:
            n = i % len(paths)
            status, _ = get(port, paths[n], auth if n % 2 == 1 else None)
            return status == 200

        drive(4, 3.0, api_request)  # warm the workers' connections and caches
        for clients in args.clients:
            row = drive(clients, args.duration, api_request)
            results["api"].append(row)  # type: ignore[union-attr]
            print(f"  API  {row}")

    import psycopg

    if args.no_sql:
        return
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
        row = drive(clients, args.duration, sql_request)
        results["sql"].append(row)  # type: ignore[union-attr]
        print(f"  SQL  {row}")

    api16 = [r for r in results["api"] if r["clients"] == 16]  # type: ignore[union-attr]
    if api16:
        verdict = "met" if api16[0]["p95_ms"] < TARGET_P95_MS else "missed"
        print(
            f"Target p95 < {TARGET_P95_MS:g} ms at 16 clients: {verdict} ({api16[0]['p95_ms']} ms)"
        )
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
