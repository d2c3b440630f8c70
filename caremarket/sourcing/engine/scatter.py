"""How scattered a provider's work is: the mean distance from each of its packages to its
nearest other package (pure; used by market insight and the simulator)."""

from __future__ import annotations

import math
from collections.abc import Sequence

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LNG_AT_EQUATOR = 111.320


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Straight line between two (lat, lng) points; equirectangular, fine at county scale."""
    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot((a[1] - b[1]) * kx, (a[0] - b[0]) * KM_PER_DEGREE_LAT)


def mean_nearest_km(points: Sequence[tuple[float, float]]) -> float | None:
    """None with fewer than two packages: one package has no "nearest other"."""
    if len(points) < 2:
        return None
    total = 0.0
    for i, p in enumerate(points):
        total += min(km_between(p, q) for j, q in enumerate(points) if j != i)
    return total / len(points)
