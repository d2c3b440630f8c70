"""Where the selectors' time goes: each step of market(), care_home_market() and demand()
timed on its own (best of N). Nothing here changes the application."""

from __future__ import annotations

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
    from django.utils import timezone

    from caremarket.insight.selectors import (
        care_homes,
        demand,
        market,
        movements,
        placements,
        providers,
    )
    from caremarket.insight.selectors.care_book import care_book, care_bounds
    from caremarket.insight.selectors.periods import DateRange, range_preset

    now = timezone.now()
    today = timezone.localdate(now)
    span = range_preset("52w", today=today)
    periods = span.periods()
    days = [p.ends_on for p in periods]
    book = care_book(overlapping_from=min(days), until=span.ends_on)
    placed = placements.placements(span=span)
    histories = care_homes.room_histories(since=min(days), until=span.ends_on)
    cqc_ids = providers.organisation_cqc_ids()
    register = providers.market_providers()
    packages = demand.demand_packages(now=now)
    rows: list[tuple[str, float]] = []

    def add(label: str, fn: Callable[[], object]) -> None:
        rows.append((label, best_of(fn, runs)))

    add("market 52w: whole selector", lambda: market.market(span=span))
    add(
        f"  care_book(overlapping the periods' last days): {len(book.spans)} spans",
        lambda: care_book(overlapping_from=min(days), until=span.ends_on),
    )
    add(f"  book.totals_on({len(days)} days)", lambda: book.totals_on(days))
    add("  care_bounds(until=today), for joiners and leavers", lambda: care_bounds(until=today))
    add(f"  placements(span): {len(placed)} placed", lambda: placements.placements(span=span))
    add(
        f"  sourcing_summary, whole range and {len(periods)} periods",
        lambda: [
            placements.sourcing_summary(placed=placed, span=span),
            *[
                placements.sourcing_summary(
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
        "  framework on the day, package quality",
        lambda: (
            movements.framework_on(span.ends_on),
            market._package_quality(span.ends_on, book, register, cqc_ids),
        ),
    )
    add(
        "  room_histories(since=until=today), for one day's beds",
        lambda: care_homes.room_histories(since=today, until=today),
    )
    add(
        f"care home market 52w: whole selector ({len(days)} days)",
        lambda: care_homes.care_home_market(span=span, now=now),
    )
    add(
        f"  room_histories over the range: {len(histories)} rooms",
        lambda: care_homes.room_histories(since=min(days), until=span.ends_on),
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
    add(
        "  demand_trend(now): 12 weeks, counted by the database",
        lambda: demand.demand_trend(now=now),
    )
    return rows


def report(runs: int = 3) -> list[dict[str, object]]:
    rows = timings(runs)
    for label, seconds in rows:
        print(f"  {label:74} {seconds * 1000:8.1f} ms")
    return [{"step": label.strip(), "best_ms": round(seconds * 1000, 1)} for label, seconds in rows]
