"""Places on a plain SVG map: latitude and longitude fitted into a box (equirectangular)."""

from __future__ import annotations

import math
from collections.abc import Sequence


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
