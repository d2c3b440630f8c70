"""The dashboards' tables as downloads: every table a sheet of one workbook, or one CSV.

Shares are written as percentages with one decimal place so CSV and xlsx read alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from caremarket.common.spreadsheets import Sheet, sheet_slug
from caremarket.insight.selectors.care_homes import BedCounts, CareHomeMarket
from caremarket.insight.selectors.demand import Demand
from caremarket.insight.selectors.market import Figure, Market
from caremarket.insight.selectors.placements import ROUTE_PHRASES, ROUTES
from caremarket.sourcing.engine.calendar import LONDON


def percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _number(value: int | float | Decimal | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return round(float(value), 2)


def figure_value(f: Figure) -> int | float | None:
    return (
        percent(float(f.value)) if f.kind == "percent" and f.value is not None else _number(f.value)
    )


MARKET_TABLES = (
    "Market table",
    "By period",
    "By district",
    "Providers joining and leaving",
)
DEMAND_TABLES = (
    "Packages",
    "By lot",
    "By outward code",
    "Weekly trend",
)
CARE_HOME_TABLES = (
    "By district",
    "By care type",
    "Suspended rooms",
    "Stale vacancy data",
)


def table_links(titles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(slug, title) of each table, for the pages' CSV download links."""
    return [(sheet_slug(t), t) for t in titles]


FIGURE_UNITS = {
    "percent": "%",
    "hours": "hours a week",
    "money": "£",
    "working_hours": "working hours",
    "count": "",
}


def market_sheets(*, market: Market, generated_at: dt.datetime) -> list[Sheet]:
    table = market.table
    heading = [
        "Home care market",
        f"{table.span.label}; figures as at {table.as_at:%-d %B %Y}; "
        f"downloaded {generated_at:%-d %B %Y %H:%M}",
    ]
    route_columns = [f"Placed through {ROUTE_PHRASES[r]}" for r in ROUTES]
    by_period = [
        [
            period.label,
            period.starts_on,
            period.ends_on,
            care.adult_count,
            care.packages,
            _number(care.hours_per_week),
            _number(care.weekly_spend),
            care.provider_count,
            percent(care.utilisation),
            sourcing.referred,
            sourcing.placed,
            _number(sourcing.median_hours),
            _number(sourcing.p90_hours),
            *[sourcing.by_route.get(r, 0) for r in ROUTES],
        ]
        for period, care, sourcing in market.by_period()
    ]
    by_district = [
        [
            name,
            care.adult_count,
            care.packages,
            _number(care.hours_per_week),
            care.provider_count,
            beds.rooms,
            beds.occupied,
            beds.vacancies,
            beds.reserved,
            beds.suspended,
            percent(beds.occupancy),
        ]
        for name, care, beds in market.by_district()
    ]
    moved = market.movements
    movements = [
        *[["Joined the framework", m.name, m.on, m.detail] for m in moved.framework_joined],
        *[["Left the framework", m.name, m.on, m.detail] for m in moved.framework_left],
        *[["Started working with the council", m.name, m.on, m.detail] for m in moved.started],
        *[["Stopped working with the council", m.name, m.on, m.detail] for m in moved.stopped],
    ]
    return [
        Sheet(
            title=MARKET_TABLES[0],
            heading=heading,
            columns=["Section", "Figure", "Value", "Unit", "Note"],
            rows=[
                [section, f.label, figure_value(f), FIGURE_UNITS[f.kind], f.note]
                for section, figures in table.sections
                for f in figures
            ],
        ),
        Sheet(
            title=MARKET_TABLES[1],
            heading=heading,
            columns=[
                "Period",
                "From",
                "To",
                "Adults receiving care (at the end)",
                "Packages (at the end)",
                "Commissioned hours a week (at the end)",
                "Commissioned spend a week (£, at the end)",
                "Active providers (at the end)",
                "Framework utilisation (%, at the end)",
                "Packages referred",
                "Packages placed",
                "Median time to source (working hours)",
                "Time to source, 90th percentile (working hours)",
                *route_columns,
            ],
            rows=by_period,
        ),
        Sheet(
            title=MARKET_TABLES[2],
            heading=heading,
            columns=[
                "District",
                "Adults receiving care",
                "Packages",
                "Commissioned hours a week",
                "Active providers",
                "Care home rooms",
                "Occupied",
                "Vacant",
                "Vacant but reserved",
                "Suspended",
                "Occupancy (%)",
            ],
            rows=by_district,
        ),
        Sheet(
            title=MARKET_TABLES[3],
            heading=heading,
            columns=["Movement", "Provider", "Date", "Detail"],
            rows=movements,
        ),
    ]


def demand_sheets(*, demand: Demand) -> list[Sheet]:
    at = demand.at.astimezone(LONDON)
    heading = [
        "Live demand for home care",
        f"Packages not yet sourced at {at:%-d %B %Y %H:%M}. No personal data.",
    ]
    return [
        Sheet(
            title=DEMAND_TABLES[0],
            heading=heading,
            columns=[
                "Package",
                "District",
                "Outward code",
                "Service type",
                "Cohort",
                "Hours a week",
                "Start date",
                "Urgent",
                "Where in sourcing",
                "Waiting since (UK time)",
                "Waited (hours)",
            ],
            rows=[
                [
                    p.reference,
                    p.district,
                    p.outward_code,
                    p.service_type_label,
                    p.cohort_label,
                    _number(p.hours_per_week),
                    p.start_date,
                    "Yes" if p.urgent else "No",
                    p.stage_label,
                    p.waiting_since.astimezone(LONDON).replace(tzinfo=None),
                    round(p.waited.total_seconds() / 3600, 1),
                ]
                for p in demand.packages
            ],
        ),
        Sheet(
            title=DEMAND_TABLES[1],
            heading=heading,
            columns=[
                "District",
                "Service type",
                "Cohort",
                "Packages",
                "Hours a week",
                "Longest wait (hours)",
                "Median wait (hours)",
            ],
            rows=[
                [
                    lot.district,
                    lot.service_type_label,
                    lot.cohort_label,
                    lot.packages,
                    _number(lot.hours_per_week),
                    round(lot.longest_wait.total_seconds() / 3600, 1),
                    round(lot.median_wait.total_seconds() / 3600, 1),
                ]
                for lot in demand.by_lot
            ],
        ),
        Sheet(
            title=DEMAND_TABLES[2],
            heading=heading,
            columns=["Outward code", "District", "Packages", "Hours a week"],
            rows=[
                [a.outward_code, a.district, a.packages, _number(a.hours_per_week)]
                for a in demand.areas
            ],
        ),
        Sheet(
            title=DEMAND_TABLES[3],
            heading=heading,
            columns=[
                "Week",
                "From",
                "To",
                "Referred",
                "Placed",
                "Cancelled",
                "Waiting at the end",
                "Hours a week waiting at the end",
            ],
            rows=[
                [
                    w.period.label,
                    w.period.starts_on,
                    w.period.ends_on,
                    w.referred,
                    w.placed,
                    w.cancelled,
                    w.waiting,
                    _number(w.hours_waiting),
                ]
                for w in demand.trend
            ],
        ),
    ]


def care_home_sheets(*, market: CareHomeMarket, generated_at: dt.datetime) -> list[Sheet]:
    heading = [
        "Care home market",
        f"Room states at the end of each period; downloaded {generated_at:%-d %B %Y %H:%M}",
    ]
    counts = ["Rooms", "Occupied", "Vacant", "Vacant but reserved", "Suspended", "Occupancy (%)"]

    def cells(b: BedCounts) -> list[object]:
        return [b.rooms, b.occupied, b.vacancies, b.reserved, b.suspended, percent(b.occupancy)]

    pairs = list(zip(market.periods, market.series, strict=True))
    by_district = [
        [period.label, beds.day, name, *cells(b)]
        for period, beds in pairs
        for _, name, b in market.districts(beds)
    ]
    by_care_type = [
        [period.label, beds.day, label, *cells(b)]
        for period, beds in pairs
        for label, b in [*market.care_types(beds), *market.kinds(beds)]
    ]
    return [
        Sheet(
            title=CARE_HOME_TABLES[0],
            heading=heading,
            columns=["Period", "As at", "District", *counts],
            rows=by_district,
        ),
        Sheet(
            title=CARE_HOME_TABLES[1],
            heading=heading,
            columns=["Period", "As at", "Care type or kind of home", *counts],
            rows=by_care_type,
        ),
        Sheet(
            title=CARE_HOME_TABLES[2],
            heading=heading,
            columns=[
                "Care home",
                "CQC location ID",
                "District",
                "Rooms",
                "Reasons",
                "Since",
                "Until",
            ],
            rows=[
                [
                    s.home.name,
                    s.home.cqc_location_id,
                    s.home.district.name if s.home.district else "",
                    s.rooms,
                    "; ".join(s.reasons),
                    s.since,
                    s.until,
                ]
                for s in market.suspended
            ],
        ),
        Sheet(
            title=CARE_HOME_TABLES[3],
            heading=heading,
            columns=[
                "Care home",
                "CQC location ID",
                "District",
                "Vacancies last updated (UK time)",
                "Days",
            ],
            rows=[
                [
                    h.home.name,
                    h.home.cqc_location_id,
                    h.home.district.name if h.home.district else "",
                    h.updated_at.astimezone(LONDON).replace(tzinfo=None),
                    h.days,
                ]
                for h in market.stale
            ],
        ),
    ]
