"""Sourcing over a range: packages referred, placed and cancelled, how long each took to place
(office hours) and by which route."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from caremarket.insight.selectors.periods import DateRange
from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.model import Route
from caremarket.sourcing.models import Package, RouteChoices
from caremarket.sourcing.services.engine_io import sourcing_rules

ROUTE_LABELS = dict(RouteChoices.choices)
ROUTES = [r.value for r in Route]
ROUTE_PHRASES = {
    Route.TIER1.value: "tier 1, in rank order",
    Route.BATCHING.value: "the Batching List",
    Route.TIER2.value: "tier 2, in rank order",
    Route.AVAILABLE.value: "the Available Packages list",
    Route.MINI_COMPETITION.value: "a mini-competition",
    Route.SPOT.value: "spot purchase",
}


def share(part: int | Decimal, whole: int | Decimal) -> float | None:
    return float(part) / float(whole) if whole else None


def percentile(values: list[float], fraction: float) -> float | None:
    """The nearest-rank value at or below the fraction, as the sourcing simulation reports it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


def _instant(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


@dataclass(frozen=True)
class Placement:
    reference: str
    route: str
    placed_on: dt.date
    working_hours: float  # from referral to placement, office hours only


def placements(*, span: DateRange) -> list[Placement]:
    """Packages placed in the range, with how long each took to source."""
    calendar = sourcing_rules().calendar
    rows = Package.objects.filter(
        placed_at__gte=_instant(span.starts_on),
        placed_at__lt=_instant(span.ends_on + dt.timedelta(days=1)),
    ).values_list("reference", "route", "created_at", "placed_at")
    return [
        Placement(
            reference=reference,
            route=route,
            placed_on=placed_at.astimezone(LONDON).date(),
            working_hours=calendar.working_hours_between(created_at, placed_at),
        )
        for reference, route, created_at, placed_at in rows
        if placed_at is not None  # the filter says so; this tells the type checker
    ]


@dataclass(frozen=True)
class Sourcing:
    referred: int
    cancelled: int
    placed: int
    by_route: dict[str, int]
    median_hours: float | None
    p90_hours: float | None

    def route_share(self, route: str) -> float | None:
        return share(self.by_route.get(route, 0), self.placed)


def sourcing_summary(*, placed: list[Placement], span: DateRange) -> Sourcing:
    start, end = _instant(span.starts_on), _instant(span.ends_on + dt.timedelta(days=1))
    hours = [p.working_hours for p in placed]
    return Sourcing(
        referred=Package.objects.filter(created_at__gte=start, created_at__lt=end).count(),
        cancelled=Package.objects.filter(cancelled_at__gte=start, cancelled_at__lt=end).count(),
        placed=len(placed),
        by_route=dict(Counter(p.route for p in placed)),
        median_hours=statistics.median(hours) if hours else None,
        p90_hours=percentile(hours, 0.9),
    )
