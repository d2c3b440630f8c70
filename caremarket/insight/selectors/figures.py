"""The market's tables defined once: each column's API key, its heading in the downloads, and
how it is read from the market. The API (`insight.apis`) and the workbook and CSV downloads
(`selectors.downloads`) are both shaped from these, so a figure is added or renamed once.

Values are kept as computed (Decimal hours and money, percentages with one decimal place);
`cell` turns them into what a spreadsheet shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from caremarket.insight.selectors.care_book import CareTotals
from caremarket.insight.selectors.care_homes import BedCounts
from caremarket.insight.selectors.market import Figure
from caremarket.insight.selectors.movements import Movement, Movements
from caremarket.insight.selectors.periods import Period
from caremarket.insight.selectors.placements import ROUTE_PHRASES, ROUTES, Sourcing

R = TypeVar("R")
Value = int | float | Decimal | str | dt.date | None


def percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def cell(value: object) -> object:
    """A value as a spreadsheet shows it: numbers that are not whole to two places."""
    if isinstance(value, Decimal | float):
        return round(float(value), 2)
    return value


def figure_value(f: Figure) -> int | float | None:
    if f.kind == "percent" and f.value is not None:
        return percent(float(f.value))
    return None if f.value is None else cell(f.value)  # type: ignore[return-value]


FIGURE_UNITS = {
    "percent": "%",
    "hours": "hours a week",
    "money": "£",
    "working_hours": "working hours",
    "count": "",
}


@dataclass(frozen=True)
class Column(Generic[R]):
    key: str  # the API's field
    label: str  # the download's heading
    get: Callable[[R], Value]
    downloaded: bool = True  # False: the API's alone (an identifier the sheet does not show)
    in_api: bool = True  # False: the download's alone (the wording of an API's identifier)

    def relabelled(self, label: str) -> Column[R]:
        return Column(self.key, label, self.get, self.downloaded, self.in_api)


def api_row(columns: Iterable[Column[R]], row: R) -> dict[str, Value]:
    return {c.key: c.get(row) for c in columns if c.in_api}


def sheet_columns(columns: Iterable[Column[R]]) -> list[str]:
    return [c.label for c in columns if c.downloaded]


def sheet_row(columns: Iterable[Column[R]], row: R) -> list[object]:
    return [cell(c.get(row)) for c in columns if c.downloaded]


SectionFigure = tuple[str, Figure]
FIGURE_COLUMNS: tuple[Column[SectionFigure], ...] = (
    Column("section", "Section", lambda r: r[0]),
    Column("key", "Key", lambda r: r[1].key, downloaded=False),
    Column("label", "Figure", lambda r: r[1].label),
    Column("value", "Value", lambda r: figure_value(r[1])),
    Column("unit", "Unit", lambda r: FIGURE_UNITS[r[1].kind]),
    Column("note", "Note", lambda r: r[1].note),
)

PeriodRow = tuple[Period, CareTotals, Sourcing]
PERIOD_COLUMNS: tuple[Column[PeriodRow], ...] = (
    Column("label", "Period", lambda r: r[0].label),
    Column("starts_on", "From", lambda r: r[0].starts_on),
    Column("ends_on", "To", lambda r: r[0].ends_on),
    Column("adults", "Adults receiving care (at the end)", lambda r: r[1].adult_count),
    Column("packages", "Packages (at the end)", lambda r: r[1].packages),
    Column(
        "hours_per_week", "Commissioned hours a week (at the end)", lambda r: r[1].hours_per_week
    ),
    Column(
        "weekly_spend",
        "Commissioned spend a week (£, at the end)",
        lambda r: r[1].weekly_spend.quantize(Decimal("0.01")),
    ),
    Column("active_providers", "Active providers (at the end)", lambda r: r[1].provider_count),
    Column(
        "utilisation_percent",
        "Framework utilisation (%, at the end)",
        lambda r: percent(r[1].utilisation),
    ),
    Column("referred", "Packages referred", lambda r: r[2].referred),
    Column("placed", "Packages placed", lambda r: r[2].placed),
    Column(
        "median_hours_to_source",
        "Median time to source (working hours)",
        lambda r: r[2].median_hours,
    ),
    Column(
        "p90_hours_to_source",
        "Time to source, 90th percentile (working hours)",
        lambda r: r[2].p90_hours,
    ),
)


def _placed_through(route: str) -> Column[PeriodRow]:
    return Column(
        route, f"Placed through {ROUTE_PHRASES[route]}", lambda r: r[2].by_route.get(route, 0)
    )


# The API nests these under `placed_by_route`; the downloads give each its own column.
ROUTE_COLUMNS: tuple[Column[PeriodRow], ...] = tuple(_placed_through(r) for r in ROUTES)

BED_COLUMNS: tuple[Column[BedCounts], ...] = (
    Column("rooms", "Rooms", lambda b: b.rooms),
    Column("occupied", "Occupied", lambda b: b.occupied),
    Column("vacant", "Vacant", lambda b: b.vacancies),
    Column("reserved", "Vacant but reserved", lambda b: b.reserved),
    Column("suspended", "Suspended", lambda b: b.suspended),
    Column("occupancy_percent", "Occupancy (%)", lambda b: percent(b.occupancy)),
)

DistrictRow = tuple[str, CareTotals, BedCounts]
DISTRICT_COLUMNS: tuple[Column[DistrictRow], ...] = (
    Column("district", "District", lambda r: r[0]),
    Column("adults", "Adults receiving care", lambda r: r[1].adult_count),
    Column("packages", "Packages", lambda r: r[1].packages),
    Column("hours_per_week", "Commissioned hours a week", lambda r: r[1].hours_per_week),
    Column("active_providers", "Active providers", lambda r: r[1].provider_count),
)
# Beside the home care figures, the district table names the rooms as care home rooms.
DISTRICT_BED_COLUMNS = (BED_COLUMNS[0].relabelled("Care home rooms"), *BED_COLUMNS[1:])

# Each kind of movement: its API name, its wording in the download, where the market keeps it.
MOVEMENT_KINDS: tuple[tuple[str, str, Callable[[Movements], list[Movement]]], ...] = (
    ("joined_framework", "Joined the framework", lambda m: m.framework_joined),
    ("left_framework", "Left the framework", lambda m: m.framework_left),
    ("started_with_council", "Started working with the council", lambda m: m.started),
    ("stopped_with_council", "Stopped working with the council", lambda m: m.stopped),
)
MovementRow = tuple[str, str, Movement]  # (kind, its wording, the movement)
MOVEMENT_COLUMNS: tuple[Column[MovementRow], ...] = (
    Column("movement", "Movement", lambda r: r[0], downloaded=False),
    Column("movement", "Movement", lambda r: r[1], in_api=False),
    Column("provider", "Provider", lambda r: r[2].name),
    Column("on", "Date", lambda r: r[2].on),
    Column("detail", "Detail", lambda r: r[2].detail),
)


def movement_rows(movements: Movements) -> list[MovementRow]:
    return [(kind, words, m) for kind, words, get in MOVEMENT_KINDS for m in get(movements)]
