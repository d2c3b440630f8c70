"""Rounds in the market: who serves each outward code, how scattered each provider's work is,
and handbacks per provider and reason (council only; no person, no full postcode)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from caremarket.geography.models import District, Postcode
from caremarket.insight.selectors.periods import DateRange
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.engine.scatter import mean_nearest_km
from caremarket.sourcing.models import Handback, HandbackReason, Package


@dataclass(frozen=True)
class OutwardRounds:
    outward_code: str
    providers: int
    packages: int
    # (provider, packages), most packages first.
    by_provider: list[tuple[str, int]]


@dataclass(frozen=True)
class Scatter:
    district: str
    provider: str
    packages: int
    # Mean km from each package to the provider's nearest other package in the district.
    mean_nearest_km: float


@dataclass(frozen=True)
class HandbackCount:
    provider: str
    counts: dict[str, int]  # reason value -> handbacks given in the range

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Rounds:
    outward: list[OutwardRounds]
    scatter: list[Scatter]
    handbacks: list[HandbackCount]
    reasons: list[tuple[str, str]]


def _current() -> list[tuple[str, str, str, int]]:
    """(outward code, provider, postcode, district id) of every package being delivered."""
    return list(
        Package.objects.filter(stage=Stage.PLACED.value, placed_with__isnull=False).values_list(
            "outward_code", "placed_with__name", "postcode", "district_id"
        )
    )


def rounds_by_outward_code() -> list[OutwardRounds]:
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for outward, provider, _, _ in _current():
        groups[outward][provider] += 1
    return [
        OutwardRounds(
            outward_code=code,
            providers=len(counts),
            packages=sum(counts.values()),
            by_provider=sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
        )
        for code, counts in sorted(groups.items())
    ]


def scatter_by_district() -> list[Scatter]:
    rows = _current()
    where = {
        pc: (lat, lng)
        for pc, lat, lng in Postcode.objects.filter(postcode__in={r[2] for r in rows}).values_list(
            "postcode", "lat", "lng"
        )
    }
    names = dict(District.objects.values_list("pk", "name"))
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for _, provider, postcode, district_id in rows:
        if postcode in where:
            points[(names.get(district_id, "?"), provider)].append(where[postcode])
    out = []
    for (district, provider), pts in sorted(points.items()):
        mean = mean_nearest_km(pts)
        if mean is not None:
            out.append(
                Scatter(
                    district=district, provider=provider, packages=len(pts), mean_nearest_km=mean
                )
            )
    return out


def handbacks_by_provider(*, span: DateRange) -> list[HandbackCount]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for provider, reason in Handback.objects.filter(
        given_at__date__gte=span.starts_on, given_at__date__lte=span.ends_on
    ).values_list("organisation__name", "reason"):
        counts[provider][reason] += 1
    return sorted(
        (HandbackCount(provider=p, counts=dict(c)) for p, c in counts.items()),
        key=lambda h: (-h.total, h.provider),
    )


def rounds(*, span: DateRange) -> Rounds:
    return Rounds(
        outward=rounds_by_outward_code(),
        scatter=scatter_by_district(),
        handbacks=handbacks_by_provider(span=span),
        reasons=list(HandbackReason.choices),
    )
