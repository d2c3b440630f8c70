"""The dashboards' tables as downloads: every table a sheet of one workbook, or one CSV.

Shares are written as percentages with one decimal place so CSV and xlsx read alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from caremarket.common.spreadsheets import Sheet
from caremarket.insight.selectors.care_homes import (
    CARE_TYPE_LABELS,
    BedCounts,
    BedsOn,
    StaleHome,
    SuspendedHome,
    district_names,
)
from caremarket.insight.selectors.demand import (
    AreaDemand,
    DemandPackage,
    DemandWeek,
    LotDemand,
)
from caremarket.insight.selectors.market import ROUTE_LABELS, ROUTES, Figure, Market
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
    names = district_names()
    route_columns = [f"Placed via {ROUTE_LABELS[r].lower()}" for r in ROUTES]
    by_period = []
    for period, sourcing in zip(market.periods, market.sourcing_by_period, strict=True):
        care = market.care[period.ends_on]
        by_period.append(
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
        )
    district_ids = sorted(
        set(market.beds_by_district) | set(market.care_by_district),
        key=lambda d: names.get(d, ""),  # type: ignore[arg-type]
    )
    by_district = []
    for district_id in district_ids:
        care = market.care_by_district.get(district_id)
        beds = market.beds_by_district.get(district_id, BedCounts())  # type: ignore[arg-type]
        by_district.append(
            [
                names.get(district_id, "District not known"),  # type: ignore[arg-type]
                care.adult_count if care else 0,
                care.packages if care else 0,
                _number(care.hours_per_week) if care else 0,
                care.provider_count if care else 0,
                beds.rooms,
                beds.occupied,
                beds.vacancies,
                beds.reserved,
                beds.suspended,
                percent(beds.occupancy),
            ]
        )
    moved = market.movements
    movements = [
        *[["Joined the framework", m.name, m.on, m.detail] for m in moved.framework_joined],
        *[["Left the framework", m.name, m.on, m.detail] for m in moved.framework_left],
        *[["Started working with the council", m.name, m.on, m.detail] for m in moved.started],
        *[["Stopped working with the council", m.name, m.on, m.detail] for m in moved.stopped],
    ]
    return [
        Sheet(
            title="Market table",
            heading=heading,
            columns=["Section", "Figure", "Value", "Unit", "Note"],
            rows=[
                [section, f.label, figure_value(f), FIGURE_UNITS[f.kind], f.note]
                for section, figures in table.sections
                for f in figures
            ],
        ),
        Sheet(
            title="By period",
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
            title="By district",
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
            title="Providers joining and leaving",
            heading=heading,
            columns=["Movement", "Provider", "Date", "Detail"],
            rows=movements,
        ),
    ]


def demand_sheets(
    *,
    packages: list[DemandPackage],
    by_lot: list[LotDemand],
    areas: list[AreaDemand],
    trend: list[DemandWeek],
    generated_at: dt.datetime,
) -> list[Sheet]:
    heading = [
        "Live demand for home care",
        f"Packages not yet sourced at {generated_at:%-d %B %Y %H:%M}. No personal data.",
    ]
    return [
        Sheet(
            title="Packages",
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
                for p in packages
            ],
        ),
        Sheet(
            title="By lot",
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
                for lot in by_lot
            ],
        ),
        Sheet(
            title="By outward code",
            heading=heading,
            columns=["Outward code", "District", "Packages", "Hours a week"],
            rows=[
                [a.outward_code, a.district, a.packages, _number(a.hours_per_week)] for a in areas
            ],
        ),
        Sheet(
            title="Weekly trend",
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
                for w in trend
            ],
        ),
    ]


def care_home_sheets(
    *,
    series: list[BedsOn],
    labels: list[str],
    suspended: list[SuspendedHome],
    stale: list[StaleHome],
    generated_at: dt.datetime,
) -> list[Sheet]:
    heading = [
        "Care home market",
        f"Room states at the end of each period; downloaded {generated_at:%-d %B %Y %H:%M}",
    ]
    names = district_names()
    counts = ["Rooms", "Occupied", "Vacant", "Vacant but reserved", "Suspended", "Occupancy (%)"]

    def cells(b: BedCounts) -> list[object]:
        return [b.rooms, b.occupied, b.vacancies, b.reserved, b.suspended, percent(b.occupancy)]

    by_district = [
        [label, day.day, names.get(district_id, "District not known"), *cells(b)]
        for label, day in zip(labels, series, strict=True)
        for district_id, b in sorted(
            day.by_district.items(), key=lambda item: names.get(item[0], "")
        )
    ]
    by_care_type = [
        [label, day.day, CARE_TYPE_LABELS.get(code, code), *cells(b)]
        for label, day in zip(labels, series, strict=True)
        for code, b in sorted(day.by_care_type.items())
    ]
    return [
        Sheet(
            title="By district",
            heading=heading,
            columns=["Period", "As at", "District", *counts],
            rows=by_district,
        ),
        Sheet(
            title="By care type",
            heading=heading,
            columns=["Period", "As at", "Care type", *counts],
            rows=by_care_type,
        ),
        Sheet(
            title="Suspended rooms",
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
                for s in suspended
            ],
        ),
        Sheet(
            title="Stale vacancy data",
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
                for h in stale
            ],
        ),
    ]
