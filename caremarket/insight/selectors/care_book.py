"""The council's book of home care: every package's care as a span of days, from which the
market figures on any day are counted (who receives care, how many hours, at what cost).

Purchase orders are the record of commissioned care, including packages carried over from
before the platform; placements outside the price matrix have orders at the agreed rate, spot
ones marked spot (decision 0074). Packages placed before that have no order and are read from
the package itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, Q

from caremarket.framework.models import PurchaseOrder, RateUnit
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.models import Package

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
    hours_per_week: Decimal
    weekly_cost: Decimal
    starts_on: dt.date
    ends_on: dt.date | None  # inclusive, None while the care goes on
    # Under a framework purchase order (called off the ranked lists, or carried onto its terms).
    framework: bool

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
    """Every span of care that overlaps [overlapping_from, until] (either end open).

    Rows are read as plain values, not model instances: at a county's scale (some 15,000
    orders and packages) building instances costs most of the dashboard's time.
    """
    orders = PurchaseOrder.objects.all()
    packages = Package.objects.filter(
        stage__in=[Stage.PLACED.value, Stage.ENDED.value], placed_with__isnull=False
    )
    if until is not None:
        orders = orders.filter(starts_on__lte=until)
        packages = packages.filter(start_date__lte=until)
    if overlapping_from is not None:
        orders = orders.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=overlapping_from))
        packages = packages.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=overlapping_from))
    order_rows = list(
        orders.values_list(
            "package_reference",
            "organisation_id",
            "lot__district_id",
            "hours_per_week",
            "rate",
            "unit",
            "starts_on",
            "ends_on",
            "pricing",
        )
    )
    package_rows = {
        row[0]: row
        for row in packages.values_list(
            "reference",
            "person_reference",
            "placed_with_id",
            "district_id",
            "hours_per_week",
            "agreed_rate",
            "start_date",
            "ended_on",
        )
    }
    # Orders name their package by reference; packages outside the window may own some.
    people = {reference: row[1] for reference, row in package_rows.items()}
    people.update(
        Package.objects.filter(
            reference__in={row[0] for row in order_rows} - set(package_rows)
        ).values_list("reference", "person_reference")
    )
    spans: list[CareSpan] = []
    ordered: set[str] = set()
    for reference, org, district, hours, rate, unit, starts, ends, pricing in order_rows:
        ordered.add(reference)
        spans.append(
            CareSpan(
                reference=reference,
                adult=people.get(reference, f"package {reference}"),
                organisation_id=org,
                district_id=district,
                hours_per_week=hours,
                weekly_cost=weekly_cost(rate=rate, unit=unit, hours_per_week=hours),
                starts_on=starts,
                ends_on=ends,
                # A spot order is care bought off the framework, however it is recorded.
                framework=pricing != PurchaseOrder.Pricing.SPOT,
            )
        )
    # A framework package whose orders all fall outside the window is still not spot care.
    ordered |= set(
        PurchaseOrder.objects.filter(package_reference__in=set(package_rows) - ordered)
        .values_list("package_reference", flat=True)
        .distinct()
    )
    for reference, person, org, district, hours, agreed, starts, ends in package_rows.values():
        if reference in ordered:
            continue
        # Rates agreed outside the matrix are hourly (the placement and proposal forms ask so).
        spans.append(
            CareSpan(
                reference=reference,
                adult=person,
                organisation_id=org,
                district_id=district,
                hours_per_week=hours,
                weekly_cost=(agreed or Decimal(0)) * hours,
                starts_on=starts,
                ends_on=ends,
                framework=False,
            )
        )
    return CareBook(spans=spans)


@dataclass(frozen=True)
class CareBounds:
    first_day: dt.date
    last_day: dt.date | None  # None while any of its care goes on


def care_bounds(*, until: dt.date) -> dict[int, CareBounds]:
    """Each organisation's first and last day of council-funded care, as it stood on `until`.

    Counted in the database: orders and placed packages give the same days for the same care
    (a package's order starts with it and ends with it), so both are read without matching.
    """
    found: dict[int, CareBounds] = {}
    sources = (
        (
            PurchaseOrder.objects.filter(starts_on__lte=until),
            "organisation_id",
            "starts_on",
            "ends_on",
        ),
        (
            Package.objects.filter(
                stage__in=[Stage.PLACED.value, Stage.ENDED.value],
                placed_with__isnull=False,
                start_date__lte=until,
            ),
            "placed_with_id",
            "start_date",
            "ended_on",
        ),
    )
    for qs, org_field, start_field, end_field in sources:
        rows = qs.values(org_field).annotate(
            first=Min(start_field),
            last=Max(end_field),
            going_on=Count(
                "pk", filter=Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": until})
            ),
        )
        for row in rows:
            org = row[org_field]
            last = None if row["going_on"] else row["last"]
            seen = found.get(org)
            if seen is not None:
                first = min(seen.first_day, row["first"])
                last = None if seen.last_day is None or last is None else max(seen.last_day, last)
            else:
                first = row["first"]
            found[org] = CareBounds(first_day=first, last_day=last)
    return found
