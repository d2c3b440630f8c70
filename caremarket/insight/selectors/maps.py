"""Demand on a plain SVG map: every outward code of the area, and circles sized by demand."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.common.maps import project
from caremarket.geography.models import OutwardCode
from caremarket.insight.selectors.demand import AreaDemand

MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 640, 480, 36
SMALLEST, LARGEST = 6.0, 24.0  # circle radii


@dataclass(frozen=True)
class MapPlace:
    code: str
    x: float
    y: float


@dataclass(frozen=True)
class MapDemand:
    area: AreaDemand
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class DemandMap:
    width: int
    height: int
    places: list[MapPlace]  # every outward code in the council's area, for orientation
    # Outward codes with no known position are not drawn; the table beside the map has them.
    demand: list[MapDemand]


def demand_map(*, areas: list[AreaDemand]) -> DemandMap:
    codes = list(
        OutwardCode.objects.filter(district__in_council_area=True)
        .order_by("code")
        .values_list("code", "lat", "lng")
    )
    placed = [a for a in areas if a.lat is not None and a.lng is not None]
    xy = project(
        [(lat, lng) for _, lat, lng in codes]
        + [(a.lat, a.lng) for a in placed if a.lat is not None and a.lng is not None],
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        pad=MAP_PAD,
    )
    most = max((a.packages for a in placed), default=1)
    return DemandMap(
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        places=[
            MapPlace(code=code, x=x, y=y)
            for (code, _, _), (x, y) in zip(codes, xy[: len(codes)], strict=True)
        ],
        # The circle's area, not its radius, grows with the count: twice the size, twice as many.
        demand=[
            MapDemand(
                area=a,
                x=x,
                y=y,
                r=round(SMALLEST + (LARGEST - SMALLEST) * (a.packages / most) ** 0.5, 1),
            )
            for a, (x, y) in zip(placed, xy[len(codes) :], strict=True)
        ],
    )
