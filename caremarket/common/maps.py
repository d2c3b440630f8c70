"""Places on a plain SVG map: latitude and longitude fitted into a box (equirectangular)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import shapely


def project(
    places: Sequence[tuple[float, float]], *, width: int, height: int, pad: int
) -> list[tuple[float, float]]:
    """x, y for each (lat, lng), north up, the whole set fitted inside the padded box.

    Longitude is scaled by the cosine of the mean latitude, so distances look right in Essex.
    """
    if not places:
        return []
    lats = [p[0] for p in places]
    lngs = [p[1] for p in places]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lngs) - min(lngs)) * scale_x, 0.01)
    span_y = max(max(lats) - min(lats), 0.01)
    unit = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    return [
        (
            round(pad + (lng - min(lngs)) * scale_x * unit, 1),
            round(height - pad - (lat - min(lats)) * unit, 1),
        )
        for lat, lng in places
    ]


@dataclass(frozen=True)
class Frame:
    """A box of latitude and longitude drawn into an SVG of ``width`` by ``height``, north up."""

    lat0: float  # the latitude drawn at the bottom edge
    lng0: float  # the longitude drawn at the left edge
    scale_x: float
    unit: float  # pixels per degree of latitude
    width: int
    height: int

    def xy(self, lat: float, lng: float) -> tuple[float, float]:
        return (
            round((lng - self.lng0) * self.scale_x * self.unit, 1),
            round(self.height - (lat - self.lat0) * self.unit, 1),
        )

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """South, west, north and east of the whole drawing."""
        return (
            self.lat0,
            self.lng0,
            self.lat0 + self.height / self.unit,
            self.lng0 + self.width / (self.scale_x * self.unit),
        )

    def path(self, rings: Sequence[Sequence[Sequence[float]]]) -> str:
        """An SVG path of closed rings of (lat, lng), for ``fill-rule="evenodd"``."""
        parts = []
        for ring in rings:
            points = [self.xy(lat, lng) for lat, lng in ring]
            parts.append("M" + " L".join(f"{x:g} {y:g}" for x, y in points) + " Z")
        return " ".join(parts)

    def label_at(
        self, rings: Sequence[Sequence[Sequence[float]]], *, near: tuple[float, float]
    ) -> tuple[float, float] | None:
        """Where a shape's name goes: ``near`` when it is drawn, else inside the part in view."""
        x, y = self.xy(*near)
        if 0 <= x <= self.width and 0 <= y <= self.height:
            return x, y
        shape = shapely.make_valid(
            shapely.Polygon([self.xy(lat, lng) for lat, lng in rings[0]])
        ).intersection(shapely.box(0, 0, self.width, self.height))
        if shape.is_empty or shape.area < 400:  # less than 20 x 20 pixels in view: no room
            return None
        point = shape.point_on_surface()
        return round(point.x, 1), round(point.y, 1)


def frame_fit(
    places: Sequence[tuple[float, float]],
    *,
    width: int,
    height: int,
    pad: int,
    min_span: float = 0.01,
) -> Frame:
    """The frame that shows every place inside the padded box, centred, spanning at least
    ``min_span`` degrees of latitude (or its width in longitude) so a single place has
    something around it."""
    lats = [p[0] for p in places] or [0.0]
    lngs = [p[1] for p in places] or [0.0]
    scale_x = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lngs) - min(lngs)) * scale_x, min_span)
    span_y = max(max(lats) - min(lats), min_span)
    unit = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    mid_lat, mid_lng = (min(lats) + max(lats)) / 2, (min(lngs) + max(lngs)) / 2
    return Frame(
        lat0=mid_lat - height / 2 / unit,
        lng0=mid_lng - width / 2 / (scale_x * unit),
        scale_x=scale_x,
        unit=unit,
        width=width,
        height=height,
    )
