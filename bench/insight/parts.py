"""Where the selectors' time goes: each step of market(), care_home_market() and demand()
timed on its own (best of N), and leaner versions of the costly reads beside them, to size
the fixes. Nothing here changes the application; the "lean" reads only show what the same
rows cost without building model instances or parsing timestamps in Python.

    python bench/insight/run.py --parts
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def timings(runs: int = 3) -> list[tuple[str, float]]:
    from django.db import connection
    from django.utils import timezone

    from caremarket.carehomes.models import Booking
    from caremarket.framework.models import PurchaseOrder
    from caremarket.insight.selectors import care_homes, demand, market, providers
    from caremarket.insight.selectors.care_book import care_book
    from caremarket.insight.selectors.periods import DateRange, range_preset
    from caremarket.sourcing.models import Package

    now = timezone.now()
    today = timezone.localdate(now)
    span = range_preset("52w", today=today)
    periods = span.periods()
    days = [p.ends_on for p in periods]
    book = care_book(until=span.ends_on)
    placed = market.placements(span=span)
    histories = care_homes.room_histories(until=span.ends_on)
    cqc_ids = providers.organisation_cqc_ids()
    register = providers.market_providers()
    packages = demand.demand_packages(now=now)
    rows: list[tuple[str, float]] = []

    def add(label: str, fn: Callable[[], object]) -> None:
        rows.append((label, best_of(fn, runs)))

    add("market 52w: whole selector", lambda: market.market(span=span))
    add(
        f"  care_book(until=today): {len(book.spans)} spans",
        lambda: care_book(until=span.ends_on),
    )
    add(
        "    of which the orders as model instances (select_related provider, lot)",
        lambda: list(PurchaseOrder.objects.select_related("provider", "lot")),
    )
    add(
        "    the same order columns with values_list (lean)",
        lambda: list(
            PurchaseOrder.objects.values_list(
                "package_reference",
                "provider__organisation_id",
                "lot__district_id",
                "lot__service_type",
                "lot__cohort",
                "hours_per_week",
                "rate",
                "unit",
                "starts_on",
                "ends_on",
            )
        ),
    )
    add(
        "    of which the placed packages as model instances (select_related lot)",
        lambda: list(
            Package.objects.filter(stage__in=["placed", "ended"], placed_with__isnull=False)
            .select_related("lot")
            .order_by()
        ),
    )
    add(f"  book.totals_on({len(days)} days)", lambda: book.totals_on(days))
    add(f"  placements(span): {len(placed)} placed", lambda: market.placements(span=span))
    add(
        f"  sourcing_summary, whole range and {len(periods)} periods",
        lambda: [
            market.sourcing_summary(placed=placed, span=span),
            *[
                market.sourcing_summary(
                    placed=[p for p in placed if q.starts_on <= p.placed_on <= q.ends_on],
                    span=DateRange(q.starts_on, q.ends_on),
                )
                for q in periods
            ],
        ],
    )
    add(
        "  market_providers() and organisation_cqc_ids()",
        lambda: (providers.market_providers(), providers.organisation_cqc_ids()),
    )
    add(
        "  framework on the day, package quality, movements",
        lambda: (
            market._framework_on(span.ends_on),
            market._package_quality(span.ends_on, book, register, cqc_ids),
            market.movements(book=book, span=span, names={}),
        ),
    )
    add(
        f"  room_histories(until=today): {len(histories)} rooms, every booking",
        lambda: care_homes.room_histories(until=span.ends_on),
    )
    add(
        "    of which the bookings' rows (three timestamps each)",
        lambda: list(
            Booking.objects.filter(room__home__is_active=True).values_list(
                "room_id",
                "status",
                "starts_on",
                "ends_on",
                "requested_at",
                "decided_at",
                "cancelled_at",
            )
        ),
    )
    add(
        "    the same rows with the local dates worked out in SQL (lean)",
        lambda: _bookings_with_sql_dates(connection),
    )
    add(
        "  beds_on(histories, [today])",
        lambda: care_homes.beds_on(histories=histories, days=[today]),
    )
    add(
        f"care home market 52w: whole selector ({len(days)} days)",
        lambda: care_homes.care_home_market(span=span, now=now),
    )
    add(
        f"  beds_on(histories, {len(days)} days)",
        lambda: care_homes.beds_on(histories=histories, days=days),
    )
    add("  suspended_rooms_on(today)", lambda: care_homes.suspended_rooms_on(day=today))
    add("  stale_homes(now)", lambda: care_homes.stale_homes(now=now))
    add("demand: whole selector", lambda: demand.demand(now=now))
    add(f"  demand_packages: {len(packages)} waiting", lambda: demand.demand_packages(now=now))
    add(
        "  demand_by_lot, demand_by_outward_code",
        lambda: (
            demand.demand_by_lot(packages=packages),
            demand.demand_by_outward_code(packages=packages),
        ),
    )
    add("  demand_trend(now): 12 weeks", lambda: demand.demand_trend(now=now))
    add(
        "    the same 12 weeks counted by one SQL query (lean)",
        lambda: _trend_in_sql(connection, now),
    )
    python = [
        (w.referred, w.placed, w.cancelled, w.waiting, w.hours_waiting)
        for w in demand.demand_trend(now=now)
    ]
    if python != _trend_in_sql(connection, now):
        raise AssertionError("the SQL trend differs from demand_trend")
    return rows


def _bookings_with_sql_dates(connection) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.room_id, b.status, b.starts_on, b.ends_on,"
            " (b.requested_at AT TIME ZONE 'Europe/London')::date,"
            " (COALESCE(b.decided_at, b.cancelled_at) AT TIME ZONE 'Europe/London')::date"
            " FROM carehomes_booking b JOIN carehomes_room r ON r.id = b.room_id"
            " JOIN carehomes_carehome h ON h.id = r.home_id WHERE h.is_active"
        )
        return cursor.fetchall()


def _trend_in_sql(connection, now: dt.datetime) -> list[tuple]:
    """demand_trend's figures (referred, placed, cancelled, waiting and hours waiting at each
    week's end) in one statement over the same rows."""
    from caremarket.insight.selectors.periods import range_last_weeks
    from caremarket.sourcing.engine.calendar import LONDON

    periods = range_last_weeks(weeks=12, today=now.astimezone(LONDON).date()).periods()
    starts = [dt.datetime.combine(p.starts_on, dt.time(0), tzinfo=LONDON) for p in periods]
    ends = [
        min(now, dt.datetime.combine(p.ends_on + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON))
        for p in periods
    ]
    waiting = (
        "p.created_at < w.ends AND (p.placed_at IS NULL OR p.placed_at >= w.ends)"
        " AND (p.cancelled_at IS NULL OR p.cancelled_at >= w.ends)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH w AS (SELECT * FROM unnest(%(starts)s::timestamptz[], %(ends)s::timestamptz[])"
            "   AS w(starts, ends)),"
            " p AS (SELECT created_at, placed_at, cancelled_at, hours_per_week"
            "   FROM sourcing_package WHERE created_at <= %(now)s AND (created_at >= %(first)s"
            "   OR (placed_at IS NULL AND cancelled_at IS NULL) OR placed_at >= %(first)s"
            "   OR cancelled_at >= %(first)s))"
            " SELECT w.starts,"
            "  count(*) FILTER (WHERE p.created_at >= w.starts AND p.created_at < w.ends),"
            "  count(*) FILTER (WHERE p.placed_at >= w.starts AND p.placed_at < w.ends),"
            "  count(*) FILTER (WHERE p.cancelled_at >= w.starts AND p.cancelled_at < w.ends),"
            f"  count(*) FILTER (WHERE {waiting}),"
            f"  COALESCE(sum(p.hours_per_week) FILTER (WHERE {waiting}), 0)"
            " FROM w CROSS JOIN p GROUP BY w.starts ORDER BY w.starts",
            {"starts": starts, "ends": ends, "now": now, "first": starts[0]},
        )
        return [tuple(row[1:]) for row in cursor.fetchall()]


def report(runs: int = 3) -> list[dict[str, object]]:
    rows = timings(runs)
    for label, seconds in rows:
        print(f"  {label:78} {seconds * 1000:8.1f} ms")
    return [{"step": label.strip(), "best_ms": round(seconds * 1000, 1)} for label, seconds in rows]
