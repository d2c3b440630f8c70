"""The insight API: live demand (providers too) and the market figures (council staff)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require_visible
from caremarket.insight.selectors.care_homes import BedCounts, care_home_market
from caremarket.insight.selectors.demand import demand, demand_round_fit
from caremarket.insight.selectors.figures import (
    BED_COLUMNS,
    DISTRICT_COLUMNS,
    FIGURE_COLUMNS,
    MOVEMENT_COLUMNS,
    PERIOD_COLUMNS,
    ROUTE_COLUMNS,
    api_row,
    movement_rows,
)
from caremarket.insight.selectors.market import market
from caremarket.insight.selectors.periods import (
    DEFAULT_PRESET,
    PRESETS,
    DateRange,
    range_between,
    range_preset,
)
from caremarket.sourcing.apis.round_fit import RoundFitFigures, round_fit_figures
from caremarket.sourcing.selectors.round_fit import RoundFit

router = Router(tags=["Market insight"])


def _hours(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def _fit(fit: RoundFit | None) -> dict[str, object] | None:
    return None if fit is None else round_fit_figures(fit)


class DemandPackageOut(Schema):
    reference: str
    district: str
    district_code: str
    outward_code: str
    service_type: str
    cohort: str
    hours_per_week: Decimal
    start_date: dt.date
    urgent: bool
    stage: str
    waiting_since: dt.datetime
    waited_hours: float
    # Home care provider staff only; null for everyone else.
    round_fit: RoundFitFigures | None = None


class LotDemandOut(Schema):
    district: str
    service_type: str
    cohort: str
    packages: int
    hours_per_week: Decimal
    longest_wait_hours: float
    median_wait_hours: float


class AreaDemandOut(Schema):
    outward_code: str
    district: str
    packages: int
    hours_per_week: Decimal


class DemandWeekOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    referred: int
    placed: int
    cancelled: int
    waiting: int
    hours_waiting: Decimal


class DemandOut(Schema):
    at: dt.datetime
    packages_waiting: int
    hours_per_week_waiting: Decimal
    urgent: int
    packages: list[DemandPackageOut]
    by_lot: list[LotDemandOut]
    by_outward_code: list[AreaDemandOut]
    weekly_trend: list[DemandWeekOut]


@router.get(
    "/demand",
    response=DemandOut,
    summary="Home care packages not yet sourced (no personal data beyond the outward code)",
)
def demand_get(
    request: HttpRequest, district: str = "", service_type: str = "", cohort: str = ""
) -> dict[str, object]:
    require_visible(request.user, "insight.view_demand")
    live = demand(
        now=timezone.now(), district_code=district, service_type=service_type, cohort=cohort
    )
    fits = demand_round_fit(user=request.user, packages=live.packages)
    computed = ("waited_hours", "round_fit")
    return {
        "at": live.at,
        "packages_waiting": len(live.packages),
        "hours_per_week_waiting": live.hours_per_week,
        "urgent": live.urgent,
        "packages": [
            {
                **{k: getattr(p, k) for k in DemandPackageOut.model_fields if k not in computed},
                "waited_hours": _hours(p.waited),
                "round_fit": _fit(fits.get(p.reference)),
            }
            for p in live.packages
        ],
        "by_lot": [
            {
                "district": lot.district,
                "service_type": lot.service_type,
                "cohort": lot.cohort,
                "packages": lot.packages,
                "hours_per_week": lot.hours_per_week,
                "longest_wait_hours": _hours(lot.longest_wait),
                "median_wait_hours": _hours(lot.median_wait),
            }
            for lot in live.by_lot
        ],
        "by_outward_code": [a.__dict__ for a in live.areas],
        "weekly_trend": [
            {
                "starts_on": w.period.starts_on,
                "ends_on": w.period.ends_on,
                "referred": w.referred,
                "placed": w.placed,
                "cancelled": w.cancelled,
                "waiting": w.waiting,
                "hours_waiting": w.hours_waiting,
            }
            for w in live.trend
        ],
    }


def _span(starts_on: dt.date | None, ends_on: dt.date | None, preset: str) -> DateRange:
    today = timezone.localdate()
    if starts_on or ends_on:
        if not (starts_on and ends_on):
            missing = "starts_on" if starts_on is None else "ends_on"
            raise ValidationFailed({missing: ["Give both starts_on and ends_on, or a preset."]})
        return range_between(starts_on=starts_on, ends_on=ends_on, today=today)
    if preset and preset not in dict(PRESETS):
        raise ValidationFailed({"preset": [f"Choose one of {', '.join(dict(PRESETS))}."]})
    return range_preset(preset or DEFAULT_PRESET, today=today)


class FigureOut(Schema):
    section: str
    key: str
    label: str
    value: float | int | None
    unit: str
    note: str


class PeriodOut(Schema):
    label: str
    starts_on: dt.date
    ends_on: dt.date
    adults: int
    packages: int
    hours_per_week: Decimal
    weekly_spend: Decimal
    active_providers: int
    utilisation_percent: float | None
    referred: int
    placed: int
    median_hours_to_source: float | None
    p90_hours_to_source: float | None
    placed_by_route: dict[str, int]


class BedsOut(Schema):
    rooms: int
    occupied: int
    vacant: int
    reserved: int
    suspended: int
    occupancy_percent: float | None


class DistrictFiguresOut(Schema):
    district: str
    adults: int
    packages: int
    hours_per_week: Decimal
    active_providers: int
    care_homes: BedsOut


class MovementOut(Schema):
    movement: str
    provider: str
    on: dt.date
    detail: str


class MarketOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    figures: list[FigureOut]
    periods: list[PeriodOut]
    districts: list[DistrictFiguresOut]
    movements: list[MovementOut]


def _beds(b: BedCounts) -> dict[str, object]:
    return dict(api_row(BED_COLUMNS, b))


@router.get(
    "/market",
    response=MarketOut,
    summary="The market table, and its figures period by period (council staff)",
)
def market_get(
    request: HttpRequest,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    preset: str = "",
) -> dict[str, object]:
    require_visible(request.user, "insight.view_market")
    m = market(span=_span(starts_on, ends_on, preset))
    return {
        "starts_on": m.table.span.starts_on,
        "ends_on": m.table.span.ends_on,
        "figures": [
            api_row(FIGURE_COLUMNS, (section, f))
            for section, figures in m.table.sections
            for f in figures
        ],
        "periods": [
            {**api_row(PERIOD_COLUMNS, row), "placed_by_route": api_row(ROUTE_COLUMNS, row)}
            for row in m.by_period()
        ],
        "districts": [
            {**api_row(DISTRICT_COLUMNS, row), "care_homes": _beds(row[2])}
            for row in m.by_district()
        ],
        "movements": [api_row(MOVEMENT_COLUMNS, r) for r in movement_rows(m.movements)],
    }


class GroupBedsOut(Schema):
    name: str
    beds: BedsOut


class BedsPeriodOut(Schema):
    label: str
    starts_on: dt.date
    ends_on: dt.date
    total: BedsOut
    by_district: list[GroupBedsOut]
    by_care_type: list[GroupBedsOut]
    by_kind_of_home: list[GroupBedsOut]


class SuspendedHomeOut(Schema):
    care_home: str
    cqc_location_id: str
    district: str
    rooms: int
    reasons: list[str]
    since: dt.date
    until: dt.date | None


class StaleHomeOut(Schema):
    care_home: str
    cqc_location_id: str
    district: str
    vacancies_updated_at: dt.datetime
    days: int


class CareHomeMarketOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    periods: list[BedsPeriodOut]
    suspended: list[SuspendedHomeOut]
    stale: list[StaleHomeOut]


@router.get(
    "/market/care-homes",
    response=CareHomeMarketOut,
    summary="Care home rooms by district and care type over time; suspended rooms; stale data",
)
def care_homes_get(
    request: HttpRequest,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    preset: str = "",
) -> dict[str, object]:
    require_visible(request.user, "insight.view_care_home_market")
    beds = care_home_market(span=_span(starts_on, ends_on, preset), now=timezone.now())
    return {
        "starts_on": beds.span.starts_on,
        "ends_on": beds.span.ends_on,
        "periods": [
            {
                "label": p.label,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "total": _beds(day.total),
                "by_district": [
                    {"name": name, "beds": _beds(b)} for _, name, b in beds.districts(day)
                ],
                "by_care_type": [
                    {"name": name, "beds": _beds(b)} for name, b in beds.care_types(day)
                ],
                "by_kind_of_home": [
                    {"name": name, "beds": _beds(b)} for name, b in beds.kinds(day)
                ],
            }
            for p, day in zip(beds.periods, beds.series, strict=True)
        ],
        "suspended": [
            {
                "care_home": s.home.name,
                "cqc_location_id": s.home.cqc_location_id,
                "district": s.home.district.name if s.home.district else "",
                "rooms": s.rooms,
                "reasons": s.reasons,
                "since": s.since,
                "until": s.until,
            }
            for s in beds.suspended
        ],
        "stale": [
            {
                "care_home": h.home.name,
                "cqc_location_id": h.home.cqc_location_id,
                "district": h.home.district.name if h.home.district else "",
                "vacancies_updated_at": h.updated_at,
                "days": h.days,
            }
            for h in beds.stale
        ],
    }
