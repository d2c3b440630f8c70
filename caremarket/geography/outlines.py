"""District outlines drawn from the postcode directory's points (decision 0064).

No boundary file is shipped and no boundary service is reached: each district is the union of
the Voronoi cells of its postcodes, clipped to a buffered concave hull of all of them. At the
size the search map draws (a few kilometres to a county), that is where the boundary is.
Pure: points in, rings of (lat, lng) out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

# Postcodes are thinned to one per district per cell of about 450 m before the Voronoi step: a
# county's 150,000 postcodes become a few tens of thousands of points, with the same outline.
CELL_DEGREES = 0.004
# How far the outline reaches beyond the outermost postcodes (about 2 km), and how far a line
# may move when it is simplified (about 300 m): below a pixel on the map.
HULL_BUFFER = 0.02
SIMPLIFY = 0.003
HULL_RATIO = 0.2
# Slivers where two districts' postcodes interleave (an outward code split between them) are
# dropped: parts and holes smaller than about 2 km².
SLIVER = 0.0003


@dataclass(frozen=True)
class Outline:
    code: str
    rings: list[list[tuple[float, float]]]  # outer rings and holes, each of (lat, lng)
    label: tuple[float, float]  # (lat, lng) inside the largest part, for the district's name
    bounds: tuple[float, float, float, float]  # south, west, north, east
    points: int  # postcode points it was drawn from, after thinning


def outlines_from_points(points: Iterable[tuple[str, float, float]]) -> list[Outline]:
    """One outline per district code among ``(code, lat, lng)``; none from fewer than 3 points."""
    thinned: dict[tuple[str, int, int], tuple[float, float]] = {}
    for code, lat, lng in points:
        key = (code, round(lat / CELL_DEGREES), round(lng / (CELL_DEGREES * 1.6)))
        thinned.setdefault(key, (lat, lng))
    if len(thinned) < 3:
        return []
    codes = [key[0] for key in thinned]
    # Planar coordinates with longitude scaled by the cosine of the mean latitude, so the cells
    # are not stretched east to west.
    lat0 = sum(lat for lat, _ in thinned.values()) / len(thinned)
    scale = math.cos(math.radians(lat0))
    xy = [(lng * scale, lat) for lat, lng in thinned.values()]
    cloud = MultiPoint(xy)
    hull = shapely.concave_hull(cloud, ratio=HULL_RATIO).buffer(HULL_BUFFER)
    cells = shapely.voronoi_polygons(cloud, extend_to=hull, ordered=True)
    by_code: dict[str, list[BaseGeometry]] = {}
    for code, cell in zip(codes, shapely.get_parts(cells), strict=True):
        by_code.setdefault(code, []).append(cell)
    outlines = []
    for code, parts in sorted(by_code.items()):
        shape = shapely.union_all(parts).intersection(hull).simplify(SIMPLIFY)
        polygons = [
            p for p in shapely.get_parts(shape) if isinstance(p, Polygon) and p.area >= SLIVER
        ]
        if not polygons:
            continue
        rings = [
            [(round(y, 4), round(x / scale, 4)) for x, y in ring.coords]
            for polygon in polygons
            for ring in (polygon.exterior, *polygon.interiors)
            if ring is polygon.exterior or Polygon(ring).area >= SLIVER
        ]
        largest = max(polygons, key=lambda p: p.area)
        label = largest.point_on_surface()
        west, south, east, north = shapely.union_all(polygons).bounds
        outlines.append(
            Outline(
                code=code,
                rings=rings,
                label=(round(label.y, 4), round(label.x / scale, 4)),
                bounds=(
                    round(south, 4),
                    round(west / scale, 4),
                    round(north, 4),
                    round(east / scale, 4),
                ),
                points=len(parts),
            )
        )
    return outlines
