"""200 simultaneous booking requests for one room: exactly one booking, no server errors.

Target (DESIGN section 8). 200 council and NHS users, each with an API token, send
POST /api/v1/booking-requests for the same room and day at the same instant, through gunicorn
(4 processes × 16 threads, so requests really meet in the database), on PostgreSQL and on
SQLite. Expected: one 201, 199 × 409 naming the reason, no 5xx, one booking in the database;
then the home accepts it.

    python bench/booking_contention/run.py [--requests 200]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from support import PYTHON, ROOT, gunicorn, manage, pg_recreate, post, server_env  # noqa: E402

PG_DATABASE = "caremarket_bench_contention"
SQLITE_FILE = ROOT / "var" / "bench-contention.sqlite3"


def prepare(count: int) -> dict[str, object]:
    """Run inside Django: a home with one Spot room, `count` requesters with tokens."""
    import django

    django.setup()
    from django.utils import timezone

    from caremarket.accounts.models import OrganisationKind, Role
    from caremarket.accounts.services import (
        api_token_create,
        organisation_create,
        organisation_set_partners,
        user_create,
    )
    from caremarket.carehomes import services
    from caremarket.geography.models import Postcode

    now = timezone.now()
    Postcode.objects.create(postcode="CM1 1AA", oslaua="E07000070", lat=51.7356, lng=0.4685)
    council = organisation_create(
        actor=None, name="Bench Council", kind=OrganisationKind.COUNCIL, now=now
    )
    icb = organisation_create(actor=None, name="Bench ICB", kind=OrganisationKind.NHS, now=now)
    organisation_set_partners(actor=None, organisation=council, partners=[icb], now=now)
    provider = organisation_create(
        actor=None, name="Bench Homes", kind=OrganisationKind.CARE_HOME_PROVIDER, now=now
    )
    manager = user_create(
        actor=None,
        organisation=provider,
        email="manager@bench.example",
        full_name="Manager",
        role=Role.PROVIDER_ADMIN,
        send_invitation=False,
        now=now,
    )
    home = services.care_home_create(
        actor=None,
        provider=provider,
        cqc_location_id="1-1",
        name="Contended House",
        address="1 High Street",
        postcode="CM1 1AA",
        now=now,
    )
    room = services.room_create(
        actor=None, home=home, name="Room 1", contract_type="spot", accepts_la_rate=True, now=now
    )
    requesters = []
    for i in range(count):
        nhs = i % 2 == 1
        user = user_create(
            actor=None,
            organisation=icb if nhs else council,
            email=f"user{i}@bench.example",
            full_name=f"User {i}",
            role=Role.HEALTH_SEARCHER if nhs else Role.BROKER,
            send_invitation=False,
            now=now,
        )
        requesters.append(
            {
                "token": api_token_create(actor=user, name="bench", now=timezone.now())[1],
                "funding": "nhs" if nhs else "local_authority",
            }
        )
    return {
        "room": room.pk,
        "day": timezone.localdate(now).isoformat(),
        "requesters": requesters,
        "manager": api_token_create(actor=manager, name="bench", now=timezone.now())[1],
    }


def holds(room_id: int) -> dict[str, int]:
    import django

    django.setup()
    from django.db.models import Count

    from caremarket.carehomes.models import Booking

    rows = Booking.objects.filter(room_id=room_id).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def in_django(database_url: str, *args: str) -> dict[str, object]:
    out = subprocess.run(
        [PYTHON, __file__, *args],
        cwd=ROOT,
        env=server_env(database_url),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fire(port: int, setup: dict[str, object]) -> tuple[collections.Counter, float, set[str]]:
    requesters = setup["requesters"]
    assert isinstance(requesters, list)
    barrier = threading.Barrier(len(requesters))
    statuses: collections.Counter = collections.Counter()
    codes: set[str] = set()
    lock = threading.Lock()

    def one(requester: dict[str, str]) -> None:
        body = {
            "room_id": setup["room"],
            "starts_on": setup["day"],
            "person_reference": "CASE-1",
            "funding": requester["funding"],
        }
        barrier.wait()
        try:
            status, raw = post(
                port,
                "/api/v1/booking-requests",
                body,
                {"Authorization": f"Bearer {requester['token']}"},
            )
        except OSError as exc:  # a refused or reset connection counts as a server error
            status, raw = 599, str(exc).encode()
        with lock:
            statuses[status] += 1
            if status == 409:
                codes.add(json.loads(raw)["code"])

    threads = [threading.Thread(target=one, args=(r,)) for r in requesters]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, time.perf_counter() - started, codes


def run(name: str, database_url: str, count: int) -> dict[str, object]:
    manage(database_url, "migrate", "--noinput")
    setup = in_django(database_url, "--prepare", str(count))
    accepted = None
    with gunicorn(database_url, workers=4, threads=16) as port:
        statuses, seconds, codes = fire(port, setup)
        after_requests = in_django(database_url, "--holds", str(setup["room"]))
        if statuses.get(201) == 1:
            booking_id = _booking_id(database_url, int(str(setup["room"])))
            accepted, _ = post(
                port,
                f"/api/v1/booking-requests/{booking_id}/accept",
                {},
                {"Authorization": f"Bearer {setup['manager']}"},
            )
    after_accept = in_django(database_url, "--holds", str(setup["room"]))
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    return {
        "database": name,
        "requests": count,
        "statuses": dict(sorted(statuses.items())),
        "conflict_codes": sorted(codes),
        "server_errors": server_errors,
        "seconds": round(seconds, 2),
        "bookings_after_requests": after_requests,
        "accept_status": accepted,
        "bookings_after_accept": after_accept,
        "passed": statuses.get(201) == 1
        and statuses.get(409) == count - 1
        and server_errors == 0
        and after_requests == {"requested": 1}
        and after_accept == {"accepted": 1},
    }


def _booking_id(database_url: str, room_id: int) -> int:
    return int(str(in_django(database_url, "--booking", str(room_id))["id"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--prepare", type=int)
    parser.add_argument("--holds", type=int)
    parser.add_argument("--booking", type=int)
    args = parser.parse_args()
    if args.prepare is not None:
        print(json.dumps(prepare(args.prepare)))
        return
    if args.holds is not None:
        print(json.dumps(holds(args.holds)))
        return
    if args.booking is not None:
        import django

        django.setup()
        from caremarket.carehomes.models import Booking

        print(json.dumps({"id": Booking.objects.get(room_id=args.booking).pk}))
        return
    SQLITE_FILE.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    results = [
        run("PostgreSQL", pg_recreate(PG_DATABASE), args.requests),
        run("SQLite", f"sqlite:///{SQLITE_FILE}", args.requests),
    ]
    for r in results:
        print(f"  {r['database']}: {json.dumps(r)}")
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    if not all(r["passed"] for r in results):
        sys.exit("FAILED: not exactly one booking, or a server error")
    print("Exactly one booking and no server errors on both databases.")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    main()
