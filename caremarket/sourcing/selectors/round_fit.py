"""How a package fits a provider's round, from that provider's own current clients only.

What a provider learns (decision 0091): how many of its own current clients are within 1, 2
and 5 km, the nearest of them rounded up to half a kilometre, and which of the package's calls
fall within 30 minutes of a call it already makes nearby. Never an address, a person or
another provider's clients. The package's position is first snapped to the centre of its
half-kilometre grid square, so every postcode in that square gives exactly the same answer:
comparing answers for two nearby packages cannot single out a postcode.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings

from caremarket.framework.models import Provider
from caremarket.framework.selectors.providers import provider_for_user
from caremarket.framework.selectors.ranked_lists import ranked_list_in_force
from caremarket.geography.models import OutwardCode, Postcode
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.engine.visit_pattern import Call, reach_mask
from caremarket.sourcing.models import Package, VisitCall, VisitWeek
from caremarket.sourcing.selectors.batching import batching_list_open, batching_packages_for
from caremarket.sourcing.selectors.packages import available_packages, offer_list_for

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LNG_AT_EQUATOR = 111.320
# The grid's squares are defined on one fixed projection so a square never moves.
GRID_REFERENCE_LAT = 52.5
GRID_KM = 0.5
BANDS_KM = (1, 2, 5)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@dataclass(frozen=True)
class RoundFit:
    package_id: int
    # False when the package's full postcode is not in the postcode directory: the figures
    # then use the centre of its outward code and say so.
    exact: bool
    located_clients: int
    within_1km: int
    within_2km: int
    within_5km: int
    # Rounded up to the next half kilometre; None when the provider has no located client.
    nearest_km: Decimal | None
    calls_total: int
    calls_fitting: list[str] = field(default_factory=list)

    @property
    def nearest_text(self) -> str:
        if self.nearest_km is None:
            return "no current clients with a known postcode"
        return f"within {self.nearest_km:g} km"

    @property
    def calls_text(self) -> str:
        if not self.calls_total:
            return "visit times not given as calls"
        return f"{len(self.calls_fitting)} of {self.calls_total} calls"


def _snap(lat: float, lng: float) -> tuple[float, float]:
    """The centre of the grid square holding this position."""
    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(GRID_REFERENCE_LAT))
    gx = math.floor(lng * kx / GRID_KM)
    gy = math.floor(lat * KM_PER_DEGREE_LAT / GRID_KM)
    return (gy + 0.5) * GRID_KM / KM_PER_DEGREE_LAT, (gx + 0.5) * GRID_KM / kx


def _positions(packages: Sequence[Package]) -> dict[int, tuple[float, float, bool]]:
    postcodes = {p.postcode for p in packages}
    exact = {
        pc: (lat, lng)
        for pc, lat, lng in Postcode.objects.filter(postcode__in=postcodes).values_list(
            "postcode", "lat", "lng"
        )
    }
    missing = {p.outward_code for p in packages if p.postcode not in exact}
    outward = {
        code: (lat, lng)
        for code, lat, lng in OutwardCode.objects.filter(code__in=missing).values_list(
            "code", "lat", "lng"
        )
    }
    found: dict[int, tuple[float, float, bool]] = {}
    for p in packages:
        if p.postcode in exact:
            found[p.pk] = (*exact[p.postcode], True)
        elif p.outward_code in outward:
            found[p.pk] = (*outward[p.outward_code], False)
    return found


def current_clients(*, organisation_id: int) -> list[tuple[int, float, float]]:
    """(package id, lat, lng) of the provider's placed packages whose postcode is known."""
    placed = Package.objects.filter(placed_with_id=organisation_id, stage=Stage.PLACED.value)
    ids_by_postcode: dict[str, list[int]] = defaultdict(list)
    for pk, postcode in placed.values_list("pk", "postcode"):
        ids_by_postcode[postcode].append(pk)
    where = Postcode.objects.filter(postcode__in=placed.values("postcode")).values_list(
        "postcode", "lat", "lng"
    )
    return [(pk, lat, lng) for pc, lat, lng in where for pk in ids_by_postcode.get(pc, ())]


def _week_masks(package_ids: Iterable[int]) -> dict[int, int]:
    """Each package's calls as one integer with a bit for every minute of the week: joining
    nearby rounds is then an OR, and asking whether a call is near them an AND."""
    return {
        pk: int.from_bytes(minutes, "little")
        for pk, minutes in VisitWeek.objects.filter(package_id__in=package_ids).values_list(
            "package_id", "minutes"
        )
    }


def round_fit_for(*, organisation_id: int, packages: Iterable[Package]) -> dict[int, RoundFit]:
    """Round fit of each package for this provider, keyed by package id; packages with no
    known position at all are left out."""
    packages = list(packages)
    if not packages:
        return {}
    nearby_km = _setting("ROUND_FIT_NEARBY_KM", 2.0)
    gap = int(_setting("ROUND_FIT_CALL_GAP_MINUTES", 30))
    where = _positions(packages)
    clients = current_clients(organisation_id=organisation_id)

    # Clients in 1 km cells of the fixed grid projection, so each package reads only the
    # cells within 5 km of it (plus one for the projection's slack) instead of every client.
    kx_ref = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(GRID_REFERENCE_LAT))
    cells: dict[tuple[int, int], list[tuple[int, float, float]]] = defaultdict(list)
    for client in clients:
        cells[(math.floor(client[1] * KM_PER_DEGREE_LAT), math.floor(client[2] * kx_ref))].append(
            client
        )
    reach = BANDS_KM[-1] + 1
    client_ids = {c[0] for c in clients}
    distances: dict[int, list[tuple[float, int]]] = {}
    nearest_of: dict[int, float | None] = {}
    hypot, ky = math.hypot, KM_PER_DEGREE_LAT
    for p in packages:
        pid = p.pk
        if pid not in where:
            continue
        lat, lng = _snap(*where[pid][:2])
        kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(lat))
        cy, cx = math.floor(lat * ky), math.floor(lng * kx_ref)
        ds = [
            (d, c_pk)
            for gy in range(cy - reach, cy + reach + 1)
            for gx in range(cx - reach, cx + reach + 1)
            for c_pk, c_lat, c_lng in cells.get((gy, gx), ())
            if (d := hypot((c_lng - lng) * kx, (c_lat - lat) * ky)) <= BANDS_KM[-1] and c_pk != pid
        ]
        distances[pid] = ds
        if distances[pid]:
            nearest_of[pid] = min(d for d, _ in distances[pid])
        else:
            # Nothing within 5 km: the nearest may be anywhere, so look at every client.
            nearest_of[pid] = min(
                (
                    hypot((c_lng - lng) * kx, (c_lat - lat) * ky)
                    for c_pk, c_lat, c_lng in clients
                    if c_pk != pid
                ),
                default=None,
            )
    nearby = {
        pkg_id: [c_pk for d, c_pk in ds if d <= nearby_km] for pkg_id, ds in distances.items()
    }
    masks = _week_masks({c for cs in nearby.values() for c in cs})
    own_calls: dict[int, list[Call]] = defaultdict(list)
    for pkg_id, weekday, start, minutes, carers in VisitCall.objects.filter(
        package_id__in=list(distances)
    ).values_list("package_id", "weekday", "start", "minutes", "carers"):
        own_calls[pkg_id].append(Call(weekday=weekday, start=start, minutes=minutes, carers=carers))

    answers: dict[int, RoundFit] = {}
    for p in packages:
        if p.pk not in distances:
            continue
        ds = distances[p.pk]
        nearest = nearest_of[p.pk]
        round_mask = 0
        for c_pk in nearby[p.pk]:
            round_mask |= masks.get(c_pk, 0)
        own = sorted(own_calls.get(p.pk, []))
        fitting = []
        for c in own:
            if round_mask & reach_mask(c, gap=gap):
                fitting.append(c.label)
        answers[p.pk] = RoundFit(
            package_id=p.pk,
            exact=where[p.pk][2],
            located_clients=len(clients) - (p.pk in client_ids),
            within_1km=sum(1 for d, _ in ds if d <= BANDS_KM[0]),
            within_2km=sum(1 for d, _ in ds if d <= BANDS_KM[1]),
            within_5km=sum(1 for d, _ in ds if d <= BANDS_KM[2]),
            nearest_km=None
            if nearest is None
            else Decimal(max(1, math.ceil(nearest / GRID_KM - 1e-9))) * Decimal("0.5"),
            calls_total=len(own),
            calls_fitting=fitting,
        )
    return answers


def round_fit_for_user(*, user: Any, packages: Iterable[Package]) -> dict[int, RoundFit]:
    """Round fit for the signed-in provider's own round; nothing for anyone else (the council
    compares providers on the package page instead)."""
    if not user.has_perm("sourcing.view_round_fit"):
        return {}
    return round_fit_for(organisation_id=user.organisation_id, packages=packages)


@dataclass(frozen=True)
class OpenPackage:
    package: Package
    # Where the provider sees it: "offer", "batching", "available".
    seen_on: tuple[str, ...]


def packages_open_to(*, user: Any, now: dt.datetime) -> list[OpenPackage]:
    """The packages this provider may see now: offered to it, on the Batching List in its
    tier-1 lots, or on the latest Available Packages list."""
    found: dict[int, tuple[Package, list[str]]] = {}

    def add(p: Package, where: str) -> None:
        found.setdefault(p.pk, (p, []))[1].append(where)

    for offer in offer_list_for(user=user, open_only=True):
        add(offer.package, "offer")
    provider = provider_for_user(user=user)
    current = batching_list_open(now=now)
    if provider is not None and current is not None:
        for p in batching_packages_for(batching_list=current, provider=provider):
            add(p, "batching")
    if user.has_perm("sourcing.view_available_packages"):
        for p in available_packages():
            add(p, "available")
    return [
        OpenPackage(package=p, seen_on=tuple(where))
        for p, where in sorted(found.values(), key=lambda pw: pw[0].reference)
    ]


@dataclass(frozen=True)
class PlacedFor:
    provider_id: int
    name: str
    tier: int
    position: int
    fit: RoundFit | None


def best_placed(*, package: Package, on: dt.date) -> list[PlacedFor]:
    """For the broker: the providers on the package's lot, ordered by how well it fits their
    rounds, each with its ranked-list place. Tier-1 and tier-2 offers still follow the list;
    this informs the Batching List, Available Packages, mini-competitions and spot purchases."""
    listed = ranked_list_in_force(lot=package.lot, on=on)
    entries = [(1, e) for e in listed.tier1] + [(2, e) for e in listed.tier2]
    organisations = dict(
        Provider.objects.filter(pk__in=[e.provider_id for _, e in entries]).values_list(
            "pk", "organisation_id"
        )
    )
    rows = []
    for tier, e in entries:
        org_id = organisations.get(e.provider_id)
        fit = (
            round_fit_for(organisation_id=org_id, packages=[package]).get(package.pk)
            if org_id
            else None
        )
        rows.append(
            PlacedFor(
                provider_id=e.provider_id,
                name=e.provider_name,
                tier=tier,
                position=e.position,
                fit=fit,
            )
        )

    def key(row: PlacedFor) -> tuple[float, ...]:
        f = row.fit
        if f is None:
            return (1, 0, 0, 0, 0, row.tier, row.position)
        nearest = float(f.nearest_km) if f.nearest_km is not None else 1e9
        return (
            0,
            -len(f.calls_fitting),
            -f.within_2km,
            -f.within_5km,
            nearest,
            row.tier,
            row.position,
        )

    return sorted(rows, key=key)
