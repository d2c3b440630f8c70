"""The array-based round fit gives exactly the figures of the plain definition."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from caremarket.geography.models import Postcode
from caremarket.sourcing.engine.visit_pattern import Call, reach_mask, week_mask
from caremarket.sourcing.models import Package, VisitCall, VisitWeek
from caremarket.sourcing.models.rounds import WEEK_BYTES
from caremarket.sourcing.selectors.round_fit import (
    KM_PER_DEGREE_LAT,
    KM_PER_DEGREE_LNG_AT_EQUATOR,
    RoundFit,
    _snap,
    round_fit_for,
)
from caremarket.sourcing.tests.conftest import THURSDAY
from caremarket.sourcing.tests.rounds.conftest import CENTRE


def plain_round_fit(package: Package, organisation_id: int) -> RoundFit | None:
    """The definition (decision 0091) written as directly as possible: every client, math.hypot,
    each call checked against the nearby clients' calls read from VisitCall."""
    here = Postcode.objects.filter(postcode=package.postcode).values_list("lat", "lng").first()
    if here is None:
        return None
    lat, lng = _snap(*here)
    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(lat))
    where = {pc: (a, b) for pc, a, b in Postcode.objects.values_list("postcode", "lat", "lng")}
    clients = [
        (pk, *where[pc])
        for pk, pc in Package.objects.filter(
            placed_with_id=organisation_id, stage="placed"
        ).values_list("pk", "postcode")
        if pc in where
    ]
    others = [c for c in clients if c[0] != package.pk]
    ds = [
        (math.hypot((c_lng - lng) * kx, (c_lat - lat) * KM_PER_DEGREE_LAT), pk)
        for pk, c_lat, c_lng in others
    ]
    nearest = min((d for d, _ in ds), default=None)
    nearby_calls = [
        Call(weekday=w, start=s, minutes=m, carers=n)
        for w, s, m, n in VisitCall.objects.filter(
            package_id__in=[pk for d, pk in ds if d <= 2]
        ).values_list("weekday", "start", "minutes", "carers")
    ]
    round_mask = week_mask(nearby_calls)
    own = sorted(
        Call(weekday=w, start=s, minutes=m, carers=n)
        for w, s, m, n in VisitCall.objects.filter(package=package).values_list(
            "weekday", "start", "minutes", "carers"
        )
    )
    return RoundFit(
        package_id=package.pk,
        exact=True,
        located_clients=len(others),
        within_1km=sum(d <= 1 for d, _ in ds),
        within_2km=sum(d <= 2 for d, _ in ds),
        within_5km=sum(d <= 5 for d, _ in ds),
        nearest_km=None
        if nearest is None
        else Decimal(max(1, math.ceil(nearest / 0.5 - 1e-9))) * Decimal("0.5"),
        calls_total=len(own),
        calls_fitting=[c.label for c in own if round_mask & reach_mask(c, gap=30)],
    )


def test_fast_round_fit_matches_the_plain_definition_on_random_rounds(world, sourcing):
    rng = random.Random(14)
    template = sourcing.package(world.broker, postcode="CM1 1AA")
    mine, theirs = sourcing.first.organisation, sourcing.second.organisation
    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(CENTRE[0]))
    # The first package offered sits on a grid square's centre; the last five clients are
    # exactly on a band's edge from it, where numpy and math.hypot could disagree in the last bit.
    edges = [(1.0, 0.0), (0.0, 2.0), (-5.0, 0.0), (0.0, -1.0), (2.0, 0.0)]
    spots = [(0.0, 0.0)] + [(rng.uniform(-7, 7), rng.uniform(-7, 7)) for _ in range(180)] + edges
    Postcode.objects.bulk_create(
        Postcode(
            postcode=f"CM9 {i:03d}",
            oslaua="E07000070",
            lat=CENTRE[0] + north / KM_PER_DEGREE_LAT,
            lng=CENTRE[1] + east / kx,
        )
        for i, (east, north) in enumerate(spots)
    )
    rows = []
    for i in range(len(spots)):
        owner = None if i < 12 else (mine if i % 3 or i >= len(spots) - len(edges) else theirs)
        rows.append(
            Package(
                reference=f"RF-{i:04d}",
                person_reference=f"AS-R{i}",
                postcode=f"CM9 {i:03d}",
                outward_code="CM9",
                district_id=template.district_id,
                lot_id=template.lot_id,
                hours_per_week=Decimal("7"),
                visit_pattern="calls",
                start_date=THURSDAY.date(),
                stage="placed" if owner else "tier1",
                placed_with=owner,
                placed_at=THURSDAY if owner else None,
                created_at=THURSDAY,
            )
        )
    Package.objects.bulk_create(rows)
    saved = list(Package.objects.filter(reference__startswith="RF-").order_by("reference"))
    calls = []
    for p in saved:
        if rng.random() < 0.1:
            continue  # a client whose times were never given as calls
        starts = {dt.time(rng.randint(6, 22), rng.choice((0, 15, 30, 45))) for _ in range(4)}
        for start in sorted(starts)[: rng.randint(1, 4)]:
            for day in rng.sample(range(7), rng.randint(1, 7)):
                minutes = rng.choice((15, 30, 45, 60))
                calls.append(
                    VisitCall(package=p, weekday=day, start=start, minutes=minutes, carers=1)
                )
    VisitCall.objects.bulk_create(calls)
    by_package: dict[int, list[Call]] = {}
    for c in calls:
        by_package.setdefault(c.package_id, []).append(c.as_call())
    VisitWeek.objects.bulk_create(
        VisitWeek(package_id=pk, minutes=week_mask(cs).to_bytes(WEEK_BYTES, "little"))
        for pk, cs in by_package.items()
    )
    # The offered ones, a placed client of mine (it is not its own neighbour) and one of theirs.
    asked = saved[:12] + [p for p in saved if p.placed_with_id == mine.pk][:3]
    asked += [p for p in saved if p.placed_with_id == theirs.pk][:1]
    fast = round_fit_for(organisation_id=mine.pk, packages=asked)
    assert len(fast) == len(asked)
    for p in asked:
        assert fast[p.pk] == plain_round_fit(p, mine.pk), p.reference
    assert any(f.calls_fitting for f in fast.values())
    assert any(len(f.calls_fitting) < f.calls_total for f in fast.values())
