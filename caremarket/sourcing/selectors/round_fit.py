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

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef

from caremarket.accounts.models import OrganisationKind
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


def _client_arrays(*, organisation_id: int) -> tuple[Any, Any, Any]:
    """The provider's located clients as arrays of ids, latitudes and longitudes.

    One query: a join the ORM cannot write (the postcode is text, not a foreign key), in SQL
    both databases run; the rows go straight into arrays, with no model instances."""
    # Table names from the models; the values go as parameters.
    sql = (
        f"SELECT p.id, pc.lat, pc.lng FROM {Package._meta.db_table} p"  # noqa: S608
        f" JOIN {Postcode._meta.db_table} pc ON pc.postcode = p.postcode"
        " WHERE p.placed_with_id = %s AND p.stage = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation_id, Stage.PLACED.value])
        rows = cursor.fetchall()
    ids, lat, lng = zip(*rows, strict=True) if rows else ((), (), ())
    return (
        np.array(ids, dtype=np.int64),
        np.array(lat, dtype=np.float64),
        np.array(lng, dtype=np.float64),
    )


def _week_masks(package_ids: Iterable[int]) -> dict[int, int]:
    """Each package's calls as one integer with a bit for every minute of the week: joining
    nearby rounds is then an OR, and asking whether a call is near them an AND.

    Plain SQL: for the several hundred clients near an offers page's packages, the ORM's
    preparing of each id in the IN list cost more than the query itself (decision 0117)."""
    ids = [int(pk) for pk in package_ids]
    if not ids:
        return {}
    # Table name from the model, one placeholder per id, the ids as parameters.
    sql = (
        f"SELECT package_id, minutes FROM {VisitWeek._meta.db_table}"  # noqa: S608
        f" WHERE package_id IN ({', '.join(['%s'] * len(ids))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {pk: int.from_bytes(minutes, "little") for pk, minutes in cursor.fetchall()}


@dataclass(frozen=True)
class _Distances:
    """What round fit needs from the distances between some packages and the clients."""

    bands: dict[int, tuple[int, int, int]]
    nearest: dict[int, float | None]
    nearby: dict[int, list[int]]


# Packages measured together: bounds the distance matrix (packages x clients) in memory.
_CHUNK = 256


def _distances(
    *,
    where: dict[int, tuple[float, float, bool]],
    clients: tuple[Any, Any, Any],
    nearby_km: float,
) -> _Distances:
    """Every package against every client at once, in arrays: for a thousand clients this is
    far cheaper than a Python loop over the clients near each package (decision 0117)."""
    ids, c_lat, c_lng = clients
    found = _Distances(bands={}, nearest={}, nearby={})
    # Nearby is read among the clients within the widest band, as it always was.
    nearby_km = min(nearby_km, BANDS_KM[-1])
    limits = sorted({*BANDS_KM, nearby_km})
    pids = list(where)
    for first in range(0, len(pids), _CHUNK):
        chunk = pids[first : first + _CHUNK]
        snapped = [_snap(*where[pid][:2]) for pid in chunk]
        lat = np.array([s[0] for s in snapped])
        lng = np.array([s[1] for s in snapped])
        # math.cos per package, as the figures were first defined, so they stay bit-identical.
        kx = np.array(
            [KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(s[0])) for s in snapped]
        )
        dx = (c_lng[None, :] - lng[:, None]) * kx[:, None]
        dy = (c_lat[None, :] - lat[:, None]) * KM_PER_DEGREE_LAT
        d = np.hypot(dx, dy)
        # numpy's hypot may differ from math.hypot in the last bit; where that could move a
        # client across a band's edge, take math.hypot's answer so the counts never change.
        edge = np.zeros(d.shape, dtype=bool)
        for limit in limits:
            edge |= np.abs(d - limit) < 1e-9
        for i, j in zip(*np.nonzero(edge), strict=True):
            d[i, j] = math.hypot(dx[i, j], dy[i, j])
        # A package already placed with this provider is not its own neighbour.
        d[ids[None, :] == np.array(chunk)[:, None]] = np.inf
        counts = [(d <= limit).sum(axis=1) for limit in BANDS_KM]
        nearest_at = d.argmin(axis=1) if d.shape[1] else None
        for i, pid in enumerate(chunk):
            found.bands[pid] = (int(counts[0][i]), int(counts[1][i]), int(counts[2][i]))
            j = None if nearest_at is None else int(nearest_at[i])
            found.nearest[pid] = (
                None
                if j is None or math.isinf(d[i, j])
                else math.hypot(float(dx[i, j]), float(dy[i, j]))
            )
            found.nearby[pid] = ids[d[i] <= nearby_km].tolist()
    return found


def round_fit_for(*, organisation_id: int, packages: Iterable[Package]) -> dict[int, RoundFit]:
    """Round fit of each package for this provider, keyed by package id; packages with no
    known position at all are left out."""
    packages = list(packages)
    if not packages:
        return {}
    nearby_km = _setting("ROUND_FIT_NEARBY_KM", 2.0)
    gap = int(_setting("ROUND_FIT_CALL_GAP_MINUTES", 30))
    where = _positions(packages)
    clients = _client_arrays(organisation_id=organisation_id)
    found = _distances(where=where, clients=clients, nearby_km=nearby_km)
    client_ids = set(clients[0].tolist())
    masks = _week_masks({c for cs in found.nearby.values() for c in cs})
    own_calls: dict[int, list[Call]] = defaultdict(list)
    for pkg_id, weekday, start, minutes, carers in VisitCall.objects.filter(
        package_id__in=list(where)
    ).values_list("package_id", "weekday", "start", "minutes", "carers"):
        own_calls[pkg_id].append(Call(weekday=weekday, start=start, minutes=minutes, carers=carers))

    answers: dict[int, RoundFit] = {}
    for p in packages:
        if p.pk not in where:
            continue
        round_mask = 0
        for c_pk in found.nearby[p.pk]:
            round_mask |= masks.get(c_pk, 0)
        own = sorted(own_calls.get(p.pk, []))
        nearest = found.nearest[p.pk]
        within_1km, within_2km, within_5km = found.bands[p.pk]
        answers[p.pk] = RoundFit(
            package_id=p.pk,
            exact=where[p.pk][2],
            located_clients=len(client_ids) - (p.pk in client_ids),
            within_1km=within_1km,
            within_2km=within_2km,
            within_5km=within_5km,
            nearest_km=None
            if nearest is None
            else Decimal(max(1, math.ceil(nearest / GRID_KM - 1e-9))) * Decimal("0.5"),
            calls_total=len(own),
            calls_fitting=[c.label for c in own if round_mask & reach_mask(c, gap=gap)],
        )
    return answers


def round_fit_for_user(*, user: Any, packages: Iterable[Package]) -> dict[int, RoundFit]:
    """Round fit for the signed-in provider's own round; nothing for anyone else (the council
    compares providers on the package page instead)."""
    if not user.has_perm("sourcing.view_round_fit"):
        return {}
    return round_fit_for(organisation_id=user.organisation_id, packages=packages)


def round_fit_shown_many(
    *, provider_ids: Iterable[int], packages: Sequence[Package]
) -> dict[int, set[int]]:
    """For each provider, the packages whose round-fit figures its Batching List shows
    (decision 0094), in a handful of queries however many packages and providers.

    The same test the page makes: its staff may see round fit (a home care provider), the
    package has a position (round fit leaves out a package it cannot place), and the provider
    has at least one current client with a known postcode. Without one the figures are all
    nought and the page says there is no one to compare with."""
    wanted = set(provider_ids)
    organisation_of = dict(
        Provider.objects.filter(
            pk__in=wanted, organisation__kind=OrganisationKind.HOME_CARE_PROVIDER
        ).values_list("pk", "organisation_id")
    )
    located = set(_positions(packages)) if organisation_of else set()
    with_clients = (
        set(
            Package.objects.filter(
                placed_with_id__in=set(organisation_of.values()), stage=Stage.PLACED.value
            )
            .filter(Exists(Postcode.objects.filter(postcode=OuterRef("postcode"))))
            .values_list("placed_with_id", flat=True)
            .distinct()
        )
        if located
        else set()
    )
    return {
        provider_id: (located if organisation_of.get(provider_id) in with_clients else set())
        for provider_id in wanted
    }


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
