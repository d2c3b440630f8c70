"""The dashboards' tables as downloads: every table a sheet of one workbook, or one CSV.

Shares are written as percentages with one decimal place so CSV and xlsx read alike.
"""

from __future__ import annotations

import datetime as dt

from caremarket.common.spreadsheets import Sheet, sheet_slug
from caremarket.insight.selectors.care_homes import BedCounts, CareHomeMarket
from caremarket.insight.selectors.demand import Demand
from caremarket.insight.selectors.figures import (
    BED_COLUMNS,
    DISTRICT_BED_COLUMNS,
    DISTRICT_COLUMNS,
    FIGURE_COLUMNS,
    MOVEMENT_COLUMNS,
    PERIOD_COLUMNS,
    ROUTE_COLUMNS,
    cell,
    movement_rows,
    sheet_columns,
    sheet_row,
)
from caremarket.insight.selectors.market import Market
from caremarket.insight.selectors.rounds import Rounds
from caremarket.sourcing.engine.calendar import LONDON

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


def market_sheets(*, market: Market, generated_at: dt.datetime) -> list[Sheet]:
    table = market.table
    heading = [
        "Home care market",
        f"{table.span.label}; figures as at {table.as_at:%-d %B %Y}; "
        f"downloaded {generated_at:%-d %B %Y %H:%M}",
    ]
    return [
        Sheet(
            title=MARKET_TABLES[0],
            heading=heading,
            columns=sheet_columns(FIGURE_COLUMNS),
            rows=[
                sheet_row(FIGURE_COLUMNS, (section, f))
                for section, figures in table.sections
                for f in figures
            ],
        ),
        Sheet(
            title=MARKET_TABLES[1],
            heading=heading,
            columns=sheet_columns((*PERIOD_COLUMNS, *ROUTE_COLUMNS)),
            rows=[sheet_row((*PERIOD_COLUMNS, *ROUTE_COLUMNS), row) for row in market.by_period()],
        ),
        Sheet(
            title=MARKET_TABLES[2],
            heading=heading,
            columns=[*sheet_columns(DISTRICT_COLUMNS), *sheet_columns(DISTRICT_BED_COLUMNS)],
            rows=[
                [*sheet_row(DISTRICT_COLUMNS, row), *sheet_row(DISTRICT_BED_COLUMNS, row[2])]
                for row in market.by_district()
            ],
        ),
        Sheet(
            title=MARKET_TABLES[3],
            heading=heading,
            columns=sheet_columns(MOVEMENT_COLUMNS),
            rows=[sheet_row(MOVEMENT_COLUMNS, r) for r in movement_rows(market.movements)],
        ),
    ]


def demand_sheets(*, demand: Demand) -> list[Sheet]:
    at = demand.at.astimezone(LONDON)
    heading = [
        "Live demand for home care",
        f"Packages not yet sourced at {at:%-d %B %Y %H:%M}. No personal data.",
    ]
    return [
        _demand_packages_sheet(demand, heading),
        _demand_lots_sheet(demand, heading),
        _demand_areas_sheet(demand, heading),
        _demand_trend_sheet(demand, heading),
    ]


def _demand_packages_sheet(demand: Demand, heading: list[str]) -> Sheet:
    return Sheet(
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
                cell(p.hours_per_week),
                p.start_date,
                "Yes" if p.urgent else "No",
                p.stage_label,
                p.waiting_since.astimezone(LONDON).replace(tzinfo=None),
                round(p.waited.total_seconds() / 3600, 1),
            ]
            for p in demand.packages
        ],
    )


def _demand_lots_sheet(demand: Demand, heading: list[str]) -> Sheet:
    return Sheet(
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
                cell(lot.hours_per_week),
                round(lot.longest_wait.total_seconds() / 3600, 1),
                round(lot.median_wait.total_seconds() / 3600, 1),
            ]
            for lot in demand.by_lot
        ],
    )


def _demand_areas_sheet(demand: Demand, heading: list[str]) -> Sheet:
    return Sheet(
        title=DEMAND_TABLES[2],
        heading=heading,
        columns=["Outward code", "District", "Packages", "Hours a week"],
        rows=[
            [a.outward_code, a.district, a.packages, cell(a.hours_per_week)] for a in demand.areas
        ],
    )


def _demand_trend_sheet(demand: Demand, heading: list[str]) -> Sheet:
    return Sheet(
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
                cell(w.hours_waiting),
            ]
            for w in demand.trend
        ],
    )


def care_home_sheets(*, market: CareHomeMarket, generated_at: dt.datetime) -> list[Sheet]:
    heading = [
        "Care home market",
        f"Room states at the end of each period; downloaded {generated_at:%-d %B %Y %H:%M}",
    ]
    counts = sheet_columns(BED_COLUMNS)

    def cells(b: BedCounts) -> list[object]:
        return sheet_row(BED_COLUMNS, b)

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


def rounds_sheets(*, figures: Rounds, generated_at: dt.datetime) -> list[Sheet]:
    as_at = [f"As at {generated_at:%d %B %Y %H:%M}; packages being delivered now."]
    return [
        Sheet(
            title="Providers by outward code",
            columns=["Outward code", "Providers", "Packages", "Packages by provider"],
            rows=[
                [
                    o.outward_code,
                    o.providers,
                    o.packages,
                    "; ".join(f"{p}: {n}" for p, n in o.by_provider),
                ]
                for o in figures.outward
            ],
            heading=as_at,
        ),
        Sheet(
            title="Scatter by district",
            columns=["District", "Provider", "Packages", "Mean km to nearest other package"],
            rows=[
                [s.district, s.provider, s.packages, round(s.mean_nearest_km, 2)]
                for s in figures.scatter
            ],
            heading=[*as_at, "Packages whose postcode is not in the directory are left out."],
        ),
        Sheet(
            title="Handbacks",
            columns=["Provider", *[label for _, label in figures.reasons], "Total"],
            rows=[
                [h.provider, *[h.counts.get(v, 0) for v, _ in figures.reasons], h.total]
                for h in figures.handbacks
            ],
            heading=["Notices given in the range shown on the page."],
        ),
    ]
