"""Pure functions on UK postcodes: parsing and straight-line distance."""

from __future__ import annotations

import math
import re

from caremarket.common.errors import ValidationFailed
from caremarket.common.postcodes import FULL as _FULL
from caremarket.common.postcodes import MALFORMED, postcode_normalise
from caremarket.common.postcodes import OUTWARD as _OUTWARD

__all__ = ["MALFORMED", "bounding_box", "distance_km", "outward_code_of", "postcode_normalise"]


def outward_code_of(value: str) -> str:
    """The outward code of a full postcode, or the value itself if it is an outward code."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = _FULL.match(compact)
    if match:
        return match.group(1)
    if _OUTWARD.match(compact):
        return compact
    raise ValidationFailed({"postcode": [MALFORMED.format(value=(value or "").strip())]})


def is_outward_code(value: str) -> bool:
    return bool(_OUTWARD.match(re.sub(r"\s+", "", value or "").upper()))


EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) enclosing the circle: a cheap index pre-filter."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlng = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng
