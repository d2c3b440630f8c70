"""The council's book of home care: every package's care as a span of days, from which the
market figures on any day are counted (who receives care, how many hours, at what cost).

Purchase orders are the record of framework-priced care, including packages carried over
from before the platform; packages placed outside the price matrix (Available Packages,
mini-competition, spot) have no order and are read from the package itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from caremarket.framework.models import PurchaseOrder, RateUnit
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.models import Package

CARRIED_OVER = "carried_over"
NIGHTS_A_WEEK = Decimal(7)


def hours_per_night() -> Decimal:
    """Night services are priced by the night and commissioned in hours: a night's length."""
    return Decimal(str(getattr(settings, "INSIGHT_HOURS_PER_NIGHT", 8)))


@dataclass(frozen=True)
class CareSpan:
    reference: str  # the package
    # The person, or the package where the platform holds no person (carried over).
    adult: str
    organisation_id: int
    district_id: int
    service_type: str
    cohort: str
    hours_per_week: Decimal
    weekly_cost: Decimal
    starts_on: dt.date
    ends_on: dt.date | None  # inclusive, None while the care goes on
    # Under a framework purchase order (called off the ranked lists, or carried onto its terms).
    framework: bool
    route: str

    def live_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


def weekly_cost(*, rate: Decimal, unit: str, hours_per_week: Decimal) -> Decimal:
    if unit == RateUnit.WEEK:
        return rate
    if unit == RateUnit.NIGHT:
        return rate * min(NIGHTS_A_WEEK, hours_per_week / hours_per_night())
    return rate * hours_per_week


@dataclass
class CareTotals:
    packages: int = 0
    hours_per_week: Decimal = Decimal(0)
    framework_hours_per_week: Decimal = Decimal(0)
    weekly_spend: Decimal = Decimal(0)
    adults: set[str] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)

    def add(self, span: CareSpan) -> None:
        self.packages += 1
        self.hours_per_week += span.hours_per_week
        self.weekly_spend += span.weekly_cost
        if span.framework:
            self.framework_hours_per_week += span.hours_per_week
        self.adults.add(span.adult)
        self.organisations.add(span.organisation_id)

    @property
    def adult_count(self) -> int:
        return len(self.adults)

    @property
    def provider_count(self) -> int:
        return len(self.organisations)

    @property
    def utilisation(self) -> float | None:
        """Framework utilisation: the share of commissioned hours under framework orders."""
        if not self.hours_per_week:
            return None
        return float(self.framework_hours_per_week / self.hours_per_week)


@dataclass
class CareBook:
    spans: list[CareSpan]

    def live_on(self, day: dt.date) -> list[CareSpan]:
        return [s for s in self.spans if s.live_on(day)]

    def totals_on(self, days: Iterable[dt.date]) -> dict[dt.date, CareTotals]:
        """Totals for many days in one pass: each span adds to the days it covers."""
        ordered = sorted(set(days))
        totals = {day: CareTotals() for day in ordered}
        for span in self.spans:
            first = bisect.bisect_left(ordered, span.starts_on)
            last = (
                len(ordered) if span.ends_on is None else bisect.bisect_right(ordered, span.ends_on)
            )
            for day in ordered[first:last]:
                totals[day].add(span)
        return totals

    def totals_by(self, day: dt.date, key: str) -> dict[object, CareTotals]:
        grouped: dict[object, CareTotals] = {}
        for span in self.live_on(day):
            grouped.setdefault(getattr(span, key), CareTotals()).add(span)
        return grouped


def care_book(*, overlapping_from: dt.date | None = None, until: dt.date | None = None) -> CareBook:
    """Every span of care that overlaps [overlapping_from, until] (either end open)."""
    orders = PurchaseOrder.objects.select_related("provider", "lot")
    packages = Package.objects.filter(
        stage__in=[Stage.PLACED.value, Stage.ENDED.value], placed_with__isnull=False
    ).select_related("lot")
    if until is not None:
        orders = orders.filter(starts_on__lte=until)
        packages = packages.filter(start_date__lte=until)
    if overlapping_from is not None:
        orders = orders.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=overlapping_from))
        packages = packages.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=overlapping_from))
    by_reference = {p.reference: p for p in packages}
    # Orders name their package by reference; packages outside the window may own some.
    missing = {o.package_reference for o in orders} - set(by_reference)
    people = dict(
        Package.objects.filter(reference__in=missing).values_list("reference", "person_reference")
    )
    routes = dict(Package.objects.filter(reference__in=missing).values_list("reference", "route"))
    spans: list[CareSpan] = []
    ordered: set[str] = set()
    for o in orders:
        ordered.add(o.package_reference)
        package = by_reference.get(o.package_reference)
        adult = (
            package.person_reference
            if package
            else people.get(o.package_reference, f"package {o.package_reference}")
        )
        route = package.route if package else routes.get(o.package_reference, CARRIED_OVER)
        spans.append(
            CareSpan(
                reference=o.package_reference,
                adult=adult,
                organisation_id=o.provider.organisation_id,
                district_id=o.lot.district_id,
                service_type=o.lot.service_type,
                cohort=o.lot.cohort,
                hours_per_week=o.hours_per_week,
                weekly_cost=weekly_cost(rate=o.rate, unit=o.unit, hours_per_week=o.hours_per_week),
                starts_on=o.starts_on,
                ends_on=o.ends_on,
                framework=True,
                route=route or CARRIED_OVER,
            )
        )
    ordered |= set(
        PurchaseOrder.objects.filter(package_reference__in=set(by_reference) - ordered)
        .values_list("package_reference", flat=True)
        .distinct()
    )
    for p in by_reference.values():
        if p.reference in ordered or p.placed_with_id is None:
            continue
        # Rates agreed outside the matrix are hourly (the placement and proposal forms ask so).
        spans.append(
            CareSpan(
                reference=p.reference,
                adult=p.person_reference,
                organisation_id=p.placed_with_id,
                district_id=p.district_id,
                service_type=p.lot.service_type,
                cohort=p.lot.cohort,
                hours_per_week=p.hours_per_week,
                weekly_cost=(p.agreed_rate or Decimal(0)) * p.hours_per_week,
                starts_on=p.start_date,
                ends_on=p.ended_on,
                framework=False,
                route=p.route,
            )
        )
    return CareBook(spans=spans)
