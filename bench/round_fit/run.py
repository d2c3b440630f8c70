"""Round fit for a provider's offers page: a provider with 1,000 current clients.

Target (DESIGN section 8): under 50 ms for the round fit of the packages on a provider's offers
page, the provider having 1,000 current clients.

    python bench/round_fit/run.py [--database-url postgres://.../cm_rounds] [--runs 50]
                                  [--clients 1000] [--packages 20]

Builds, in the given database (migrated first; its sourcing tables are emptied), one home care
provider whose 1,000 placed packages sit at real-shaped postcodes spread over Chelmsford
(about 15 x 15 km), each with four calls a day (28,000 calls), plus a second provider with as
many clients in the same area (so the query must pick its own out), and 20 packages on offer.
Then times `round_fit_for` (everything the page computes for round fit: the clients with their
coordinates, the nearby clients' calls, the figures) --runs times, and the bare SQL of its two
queries replayed through the same connection as the reference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 50.0
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caremarket.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(*, clients: int, packages: int, rng: random.Random):
    from django.db import transaction

    from caremarket.accounts.models import Organisation, OrganisationKind
    from caremarket.framework.models import Lot
    from caremarket.geography.models import District, Postcode
    from caremarket.sourcing.engine.visit_pattern import week_mask
    from caremarket.sourcing.models import Package, VisitCall, VisitWeek
    from caremarket.sourcing.models.rounds import WEEK_BYTES

    district = District.objects.get(code="E07000070")
    lot, _ = Lot.objects.get_or_create(
        district=district, service_type="personal_care", cohort="older_people"
    )
    with transaction.atomic():
        VisitWeek.objects.all().delete()
        VisitCall.objects.all().delete()
        Package.objects.all().delete()
        mine, _ = Organisation.objects.get_or_create(
            name="Bench Home Care", kind=OrganisationKind.HOME_CARE_PROVIDER
        )
        theirs, _ = Organisation.objects.get_or_create(
            name="Bench Other Care", kind=OrganisationKind.HOME_CARE_PROVIDER
        )
        codes = [
            f"CM{d} {n}{a}{b}"
            for d in (1, 2, 3)
            for n in range(10)
            for a in LETTERS
            for b in LETTERS
        ]
        rng.shuffle(codes)
        wanted = codes[: 2 * clients + packages]
        Postcode.objects.filter(postcode__in=wanted).delete()
        Postcode.objects.bulk_create(
            Postcode(
                postcode=pc,
                oslaua="E07000070",
                lat=51.66 + rng.random() * 0.135,
                lng=0.36 + rng.random() * 0.215,
            )
            for pc in wanted
        )
        now = dt.datetime(2026, 11, 19, 10, tzinfo=dt.UTC)

        def package(i: int, pc: str, org) -> Package:
            return Package(
                reference=f"PKG-{i:06d}",
                person_reference=f"AS-{i}",
                postcode=pc,
                outward_code=pc.split()[0],
                district=district,
                lot=lot,
                hours_per_week=Decimal("14"),
                visit_pattern="4 calls a day",
                start_date=now.date(),
                stage="placed" if org else "tier1",
                placed_with=org,
                placed_at=now if org else None,
                created_at=now,
            )

        rows = [package(i, wanted[i], mine if i < clients else theirs) for i in range(2 * clients)]
        rows += [package(2 * clients + j, wanted[2 * clients + j], None) for j in range(packages)]
        Package.objects.bulk_create(rows, batch_size=1000)
        saved = list(Package.objects.order_by("id"))
        calls = []
        for p in saved:
            for h, m in ((7, rng.choice((0, 30))), (12, 30), (17, 0), (20, rng.choice((0, 30)))):
                for day in range(7):
                    calls.append(
                        VisitCall(package=p, weekday=day, start=dt.time(h, m), minutes=30, carers=1)
                    )
        VisitCall.objects.bulk_create(calls, batch_size=5000)
        # The read model package_visit_pattern_set writes beside the calls.
        by_package: dict[int, list] = {}
        for c in calls:
            by_package.setdefault(c.package_id, []).append(c.as_call())
        VisitWeek.objects.bulk_create(
            (
                VisitWeek(package_id=pk, minutes=week_mask(cs).to_bytes(WEEK_BYTES, "little"))
                for pk, cs in by_package.items()
            ),
            batch_size=1000,
        )
    offered = [p for p in saved if p.placed_with_id is None]
    return mine, offered


def bare_sql(organisation_id: int, package_ids: list[int]) -> None:
    """The three queries round fit makes, without the ORM or the figures (the reference)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.id, pc.lat, pc.lng FROM sourcing_package p JOIN geography_postcode pc"
            " ON pc.postcode = p.postcode WHERE p.placed_with_id = %s AND p.stage = 'placed'",
            [organisation_id],
        )
        rows = cur.fetchall()
        near = [r[0] for r in rows[: 27 * len(package_ids)]]
        cur.execute(
            "SELECT package_id, minutes FROM sourcing_visitweek"
            f" WHERE package_id IN ({','.join(['%s'] * len(near))})",
            near,
        )
        cur.fetchall()
        cur.execute(
            "SELECT package_id, weekday, start, minutes, carers FROM sourcing_visitcall"
            f" WHERE package_id IN ({','.join(['%s'] * len(package_ids))})",
            package_ids,
        )
        cur.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or "sqlite:////tmp/bench_round_fit.sqlite3",
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--packages", type=int, default=20)
    args = parser.parse_args()
    setup(args.database_url)
    from caremarket.sourcing.selectors.round_fit import round_fit_for

    rng = random.Random(14)
    t0 = time.perf_counter()
    mine, offered = build(clients=args.clients, packages=args.packages, rng=rng)
    print(f"built in {time.perf_counter() - t0:.1f} s on {args.database_url.split(':')[0]}")
    ids = [p.pk for p in offered]

    def timed(fn) -> list[float]:
        fn()  # warm: connection and query plans
        out = []
        for _ in range(args.runs):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
        return sorted(out)

    fit_ms = timed(lambda: round_fit_for(organisation_id=mine.pk, packages=offered))
    sql_ms = timed(lambda: bare_sql(mine.pk, ids))
    fits = round_fit_for(organisation_id=mine.pk, packages=offered)
    sample = next(iter(fits.values()))

    def p95(xs: list[float]) -> float:
        return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]

    print(
        f"provider with {args.clients} current clients ({args.clients * 28} calls), another with"
        f" {args.clients}, {len(offered)} packages on offer; {args.runs} runs"
    )
    print(
        f"round fit for the offers page: median {statistics.median(fit_ms):.1f} ms,"
        f" p95 {p95(fit_ms):.1f} ms (target < {TARGET_MS:.0f} ms) ->"
        f" {'MET' if p95(fit_ms) < TARGET_MS else 'MISSED'}"
    )
    print(
        f"bare SQL of the same queries: median {statistics.median(sql_ms):.1f} ms;"
        f" ratio {statistics.median(fit_ms) / statistics.median(sql_ms):.1f}x"
    )
    print(
        f"sample: {sample.within_1km}/{sample.within_2km}/{sample.within_5km} within 1/2/5 km,"
        f" nearest {sample.nearest_km} km,"
        f" {len(sample.calls_fitting)}/{sample.calls_total} calls fit"
    )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
