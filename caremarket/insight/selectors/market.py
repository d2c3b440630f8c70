"""The council's market table, kept live: the figures of its Market Position Statement
(providers, adults, hours, ratings, utilisation, joiners and leavers, time to source, how
packages were placed, care home beds), as at any day and over any range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

from caremarket.framework.models import Provider
from caremarket.insight.selectors.care_book import CareBook, CareTotals, care_book
from caremarket.insight.selectors.care_homes import (
    BedCounts,
    beds_on,
    district_names,
    room_histories,
)
from caremarket.insight.selectors.movements import Movements, framework_on, movements
from caremarket.insight.selectors.periods import DateRange, Period
from caremarket.insight.selectors.placements import (
    ROUTE_PHRASES,
    ROUTES,
    Sourcing,
    placements,
    share,
    sourcing_summary,
)
from caremarket.insight.selectors.providers import (
    MarketProvider,
    market_key_of,
    market_providers,
    organisation_cqc_ids,
)

WEEKS_A_YEAR = Decimal("52.1775")  # 365.2425 / 7: a year's spend at this week's rate


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | float | Decimal | None
    kind: str  # count, percent, hours, money, working_hours
    note: str = ""


# A titled group of figures, as the dashboard and the downloads show it.
Section: TypeAlias = tuple[str, list["Figure"]]


@dataclass
class MarketTable:
    span: DateRange
    as_at: dt.date
    sections: list[tuple[str, list[Figure]]] = field(default_factory=list)

    def figure(self, key: str) -> Figure:
        for _, figures in self.sections:
            for f in figures:
                if f.key == key:
                    return f
        raise KeyError(key)


def _good_share(
    providers: list[MarketProvider],
) -> tuple[float | None, int]:
    rated = [p for p in providers if p.rated]
    return share(sum(1 for p in rated if p.good_or_outstanding), len(rated)), len(rated)


def _package_quality(
    totals_day: dt.date,
    book: CareBook,
    register: dict[str, MarketProvider],
    cqc_ids: dict[int, str],
) -> tuple[float | None, int]:
    rated = good = 0
    for span in book.live_on(totals_day):
        provider = register.get(market_key_of(span.organisation_id, cqc_ids))
        if provider is None or not provider.rated:
            continue
        rated += 1
        good += provider.good_or_outstanding
    return share(good, rated), rated


@dataclass
class Market:
    """Everything the dashboard shows for one range, computed once."""

    table: MarketTable
    periods: list[Period]
    care: dict[dt.date, CareTotals]  # as at each period's last day
    sourcing_by_period: list[Sourcing]
    movements: Movements
    beds_by_district: dict[int | None, BedCounts]
    beds_total: BedCounts
    care_by_district: dict[object, CareTotals]
    district_names: dict[int | None, str]

    def by_period(self) -> list[tuple[Period, CareTotals, Sourcing]]:
        return [
            (p, self.care[p.ends_on], s)
            for p, s in zip(self.periods, self.sourcing_by_period, strict=True)
        ]

    def by_district(self) -> list[tuple[str, CareTotals, BedCounts]]:
        """Every district with care or care homes, as at the range's last day."""
        ids: set[int | None] = set(self.beds_by_district)
        ids |= {i for i in self.care_by_district if isinstance(i, int)}
        rows = [
            (
                self.district_names.get(i, self.district_names[None]),
                self.care_by_district.get(i, CareTotals()),
                self.beds_by_district.get(i, BedCounts()),
            )
            for i in ids
        ]
        return sorted(rows, key=lambda row: row[0])


def market(*, span: DateRange) -> Market:
    as_at = span.ends_on
    periods = span.periods()
    days = [p.ends_on for p in periods]
    # Only the care live on some period's last day is counted: the window bounds the work.
    book = care_book(overlapping_from=min(days), until=as_at)
    care = book.totals_on(days)
    today = care[as_at]
    placed = placements(span=span)
    sourcing = sourcing_summary(placed=placed, span=span)
    sourcing_by_period = [
        sourcing_summary(
            placed=[p for p in placed if period.starts_on <= p.placed_on <= period.ends_on],
            span=DateRange(period.starts_on, period.ends_on),
        )
        for period in periods
    ]
    cqc_ids = organisation_cqc_ids()
    register = market_providers()
    active_keys = {market_key_of(org, cqc_ids) for org in today.organisations}
    whole = list(register.values())
    # Providers delivering council-funded care count in the market even if CQC's file lacks them.
    known = set(register) | active_keys
    whole_share, whole_rated = _good_share(whole)
    framework = framework_on(as_at)
    framework_register = [
        register[market_key_of(p.organisation_id, cqc_ids)]
        for p in framework
        if market_key_of(p.organisation_id, cqc_ids) in register
    ]
    framework_share, framework_rated = _good_share(framework_register)
    package_share, package_rated = _package_quality(as_at, book, register, cqc_ids)
    names = {p.organisation_id: p.name for p in whole if p.organisation_id is not None}
    moved = movements(span=span, names=names)
    beds = beds_on(histories=room_histories(since=as_at, until=as_at), days=[as_at])[0]
    table = MarketTable(span=span, as_at=as_at)
    table.sections = [
        _whole_market_section(
            as_at=as_at,
            known=known,
            active_keys=active_keys,
            whole_share=whole_share,
            whole_rated=whole_rated,
            moved=moved,
        ),
        _council_care_section(
            as_at=as_at,
            today=today,
            package_share=package_share,
            package_rated=package_rated,
            framework=framework,
            framework_share=framework_share,
            framework_rated=framework_rated,
            moved=moved,
        ),
        _sourcing_section(span=span, sourcing=sourcing),
        _care_homes_section(as_at=as_at, beds=beds.total),
    ]
    return Market(
        table=table,
        periods=periods,
        care=care,
        sourcing_by_period=sourcing_by_period,
        movements=moved,
        beds_by_district=beds.by_district,
        beds_total=beds.total,
        care_by_district=book.totals_by(as_at, "district_id"),
        district_names=district_names(),
    )


def _whole_market_section(
    *,
    as_at: dt.date,
    known: set[str],
    active_keys: set[str],
    whole_share: float | None,
    whole_rated: int,
    moved: Movements,
) -> Section:
    return (
        f"Whole market, as at {as_at:%-d %B %Y}",
        [
            Figure(
                "providers",
                "Home care providers",
                len(known),
                "count",
                "Registered with the CQC in the area, or delivering council-funded care.",
            ),
            Figure(
                "active_providers",
                "Active providers",
                len(active_keys),
                "count",
                "Delivering council-funded care on the day.",
            ),
            Figure(
                "providers_good_share",
                "Providers rated Good or Outstanding",
                whole_share,
                "percent",
                f"Of {whole_rated} rated providers: every rated location Good or Outstanding.",
            ),
            Figure(
                "providers_started",
                "Providers that started working with the council",
                len(moved.started),
                "count",
                "First council-funded care began in the range.",
            ),
            Figure(
                "providers_stopped",
                "Providers that stopped working with the council",
                len(moved.stopped),
                "count",
                "Last council-funded care ended in the range.",
            ),
        ],
    )


def _council_care_section(
    *,
    as_at: dt.date,
    today: CareTotals,
    package_share: float | None,
    package_rated: int,
    framework: list[Provider],
    framework_share: float | None,
    framework_rated: int,
    moved: Movements,
) -> Section:
    return (
        f"Council-funded home care, as at {as_at:%-d %B %Y}",
        [
            Figure(
                "adults",
                "Adults receiving council-funded home care",
                today.adult_count,
                "count",
            ),
            Figure("packages", "Packages of care", today.packages, "count"),
            Figure("hours_per_week", "Commissioned hours a week", today.hours_per_week, "hours"),
            Figure("weekly_spend", "Commissioned spend a week", today.weekly_spend, "money"),
            Figure(
                "annual_spend",
                "A year's spend at this rate",
                today.weekly_spend * WEEKS_A_YEAR,
                "money",
            ),
            Figure(
                "packages_good_share",
                "Packages with providers rated Good or Outstanding",
                package_share,
                "percent",
                f"Of {package_rated} packages with rated providers.",
            ),
            Figure(
                "framework_providers",
                "Providers on the Live at Home framework",
                len(framework),
                "count",
            ),
            Figure(
                "framework_good_share",
                "Framework providers rated Good or Outstanding",
                framework_share,
                "percent",
                f"Of {framework_rated} rated framework providers.",
            ),
            Figure(
                "utilisation",
                "Framework utilisation",
                today.utilisation,
                "percent",
                "Commissioned hours under framework purchase orders.",
            ),
            Figure(
                "framework_joined",
                "Providers joining the framework",
                len(moved.framework_joined),
                "count",
                "In the range.",
            ),
            Figure(
                "framework_left",
                "Providers leaving the framework",
                len(moved.framework_left),
                "count",
                "In the range.",
            ),
        ],
    )


def _sourcing_section(*, span: DateRange, sourcing: Sourcing) -> Section:
    return (
        f"Sourcing, {span.label}",
        [
            Figure("referred", "Packages referred", sourcing.referred, "count"),
            Figure("placed", "Packages placed", sourcing.placed, "count"),
            Figure("cancelled", "Packages cancelled", sourcing.cancelled, "count"),
            Figure(
                "median_hours",
                "Median time to source",
                sourcing.median_hours,
                "working_hours",
                "Office hours from referral to placement.",
            ),
            Figure(
                "p90_hours",
                "Time to source, 90th percentile",
                sourcing.p90_hours,
                "working_hours",
            ),
            *[
                Figure(
                    f"route_{route}",
                    f"Placed through {ROUTE_PHRASES[route]}",
                    sourcing.route_share(route),
                    "percent",
                    f"{sourcing.by_route.get(route, 0)} of {sourcing.placed} placements.",
                )
                for route in ROUTES
            ],
        ],
    )


def _care_homes_section(*, as_at: dt.date, beds: BedCounts) -> Section:
    return (
        f"Care homes, as at {as_at:%-d %B %Y}",
        [
            Figure("care_home_rooms", "Care home rooms", beds.rooms, "count"),
            Figure("care_home_occupancy", "Occupancy", beds.occupancy, "percent"),
            Figure(
                "care_home_vacancies",
                "Vacant rooms",
                beds.vacancies,
                "count",
                f"{beds.reserved} of them reserved.",
            ),
            Figure("care_home_suspended", "Suspended rooms", beds.suspended, "count"),
        ],
    )
