"""A small home care market whose figures are worked out by hand in the tests.

Built through the real services, on the sourcing fixture (Chelmsford personal care for older
people; Meadow tier 1 position 1, Good Care 1 position 2, Weak Care on tier 2; rates £25 an
hour from 9 November 2026) over two weeks: Monday 16 to Sunday 29 November 2026.

    package  person  route                 placed          start   hours  £/wk    last day
    P1       AS-1    tier 1 (Meadow)       Thu 19 11:00    23 Nov  10.5   262.50
    P2       AS-2    tier 1 (Good Care 1)  Thu 19 12:00    23 Nov   7     175.00
    P3       AS-1    spot (Independent)    Tue 24 10:00    25 Nov  14     420.00
    P6       AS-5    tier 1 (Meadow)       Thu 19 11:00    23 Nov   3.5    87.50   26 Nov
    P4       AS-3    cancelled Mon 23 15:00 (referred Mon 23 09:00)
    P5       AS-4    still waiting (referred Tue 24 10:00)
    OLD-1    -       carried over (Meadow)   since 2024     10     200.00
    OLD-2    -       carried over (Weak)     since 2023      7     147.00   18 Nov

Good Care 11's agreement ended on 20 November. CQC: every framework provider's branch is a
home care agency in Chelmsford rated Good overall except Weak Care (Requires improvement);
the spot provider is rated Requires improvement; one more agency (not on the platform) is Good.

Built once per test module when every test of the module that uses the database asks for
`market_world` (`built_once_per_module`): each test gets its own copy of the objects, and its
own transaction undoes what it writes; a test that asks for `market_world` gets that market's
`world`, `fw` and `sourcing` too. Otherwise built for each test.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from caremarket.accounts.models import User
from caremarket.conftest import World, built_once_per_module, world_build
from caremarket.cqc.models import CqcLocation, CqcRating
from caremarket.framework.services.providers import provider_agreement_end
from caremarket.framework.services.purchase_orders import (
    purchase_order_carry_over,
    purchase_order_end,
)
from caremarket.framework.tests.conftest import Framework, framework_build, rate_location
from caremarket.insight.selectors.periods import DateRange
from caremarket.sourcing.models import Package
from caremarket.sourcing.services import batching, offers, packages
from caremarket.sourcing.tests.conftest import (
    Sourcing,
    SourcingWorld,
    at,
    sourcing_build,
    sourcing_world_build,
)

SPAN = DateRange(starts_on=dt.date(2026, 11, 16), ends_on=dt.date(2026, 11, 29))
WEEK1_END, AS_AT = dt.date(2026, 11, 22), dt.date(2026, 11, 29)


@dataclass
class MarketWorld:
    sourcing: Sourcing
    broker: User
    p1: Package
    p2: Package
    p3: Package
    p4: Package
    p5: Package
    p6: Package


def _open(package: Package):
    return package.offers.get(outcome="")


def _accept(user, package: Package, when: dt.datetime) -> None:
    offers.offer_accept(actor=user, offer=_open(package), now=when)


def _decline(user, package: Package, when: dt.datetime) -> None:
    offers.offer_decline(actor=user, offer=_open(package), reason="No carers", now=when)


@dataclass
class Market(SourcingWorld):
    market_world: MarketWorld


def market_build() -> Market:
    built = sourcing_world_build()
    return Market(
        world=built.world,
        fw=built.fw,
        sourcing=built.sourcing,
        market_world=market_world_build(built.world, built.sourcing),
    )


@pytest.fixture(scope="module")
def _market_once(request, django_db_setup, django_db_blocker):
    with built_once_per_module(
        request, django_db_blocker, market_build, shared_by="market_world"
    ) as built:
        yield built


@pytest.fixture
def _market(_market_once, db) -> Market:
    # One deep copy for the whole market, so the copies keep pointing at one another.
    return market_build() if _market_once is None else copy.deepcopy(_market_once)


def _of_the_market(request) -> Market | None:
    return request.getfixturevalue("_market") if "market_world" in request.fixturenames else None


@pytest.fixture
def world(request, db) -> World:
    market = _of_the_market(request)
    return market.world if market else world_build()


@pytest.fixture
def fw(request, world) -> Framework:
    market = _of_the_market(request)
    return market.fw if market else framework_build(world)


@pytest.fixture
def sourcing(request, world, fw) -> Sourcing:
    market = _of_the_market(request)
    return market.sourcing if market else sourcing_build(world, fw)


@pytest.fixture
def market_world(_market) -> MarketWorld:
    return _market.market_world


def market_world_build(world: World, sourcing: Sourcing) -> MarketWorld:
    s, broker = sourcing, world.broker
    placed = _two_weeks_of_packages(s, broker)
    _carried_over_and_ended(s)
    _register_of_agencies(s)
    for p in placed:
        p.refresh_from_db()
    p1, p2, p3, p4, p5, p6 = placed
    return MarketWorld(sourcing=s, broker=broker, p1=p1, p2=p2, p3=p3, p4=p4, p5=p5, p6=p6)


def _two_weeks_of_packages(s: Sourcing, broker) -> tuple:
    """P1 to P6 as the table at the top of this module has them."""
    thursday = at(2026, 11, 19, 10)
    start = {"start_date": dt.date(2026, 11, 23)}
    p1 = s.package(
        broker, now=thursday, person_reference="AS-1", hours_per_week=Decimal("10.5"), **start
    )
    p2 = s.package(
        broker, now=thursday, person_reference="AS-2", hours_per_week=Decimal("7"), **start
    )
    p3 = s.package(
        broker,
        now=thursday,
        person_reference="AS-1",
        hours_per_week=Decimal("14"),
        start_date=dt.date(2026, 11, 25),
    )
    p6 = s.package(
        broker, now=thursday, person_reference="AS-5", hours_per_week=Decimal("3.5"), **start
    )
    _accept(s.first_user, p1, at(2026, 11, 19, 11))
    _accept(s.first_user, p6, at(2026, 11, 19, 11))
    _decline(s.first_user, p2, at(2026, 11, 19, 10, 30))
    _accept(s.second_user, p2, at(2026, 11, 19, 12))
    _decline(s.first_user, p3, at(2026, 11, 19, 11))
    _decline(s.second_user, p3, at(2026, 11, 19, 11))
    batching.batching_list_issue(now=at(2026, 11, 19, 16))
    batching.batching_lists_close_due(now=at(2026, 11, 20, 10))
    _decline(s.tier2_user, p3, at(2026, 11, 20, 10, 30))
    packages.package_place_directly(
        actor=broker,
        package=p3,
        organisation=s.spot_user.organisation,
        rate=Decimal("30.00"),
        route="spot",
        note="Own price",
        now=at(2026, 11, 24, 10),
    )
    p4 = s.package(
        broker, now=at(2026, 11, 23, 9), person_reference="AS-3", start_date=dt.date(2026, 11, 30)
    )
    packages.package_cancel(
        actor=broker, package=p4, reason="Went into hospital", now=at(2026, 11, 23, 15)
    )
    p5 = s.package(
        broker, now=at(2026, 11, 24, 10), person_reference="AS-4", start_date=dt.date(2026, 12, 1)
    )
    packages.package_end(
        actor=broker,
        package=p6,
        ends_on=dt.date(2026, 11, 26),
        reason="Moved away",
        now=at(2026, 11, 27, 9),
    )
    return p1, p2, p3, p4, p5, p6


def _carried_over_and_ended(s: Sourcing) -> None:
    """OLD-1 and OLD-2 from before the platform, OLD-2 ended; Good Care 11 leaves."""
    for reference, provider, hours, rate, starts_on in (
        ("OLD-1", s.first, "10", "20.00", dt.date(2024, 1, 1)),
        ("OLD-2", s.tier2, "7", "21.00", dt.date(2023, 5, 1)),
    ):
        purchase_order_carry_over(
            package_reference=reference,
            provider=provider,
            lot=s.lot,
            hours_per_week=Decimal(hours),
            rate=Decimal(rate),
            starts_on=starts_on,
            actor=None,
            now=at(2025, 11, 9),
        )
    purchase_order_end(
        package_reference="OLD-2",
        ends_on=dt.date(2026, 11, 18),
        reason="Died",
        actor=None,
        now=at(2026, 11, 19),
    )
    provider_agreement_end(
        actor=None,
        provider=s.fw.good[10],
        left_on=dt.date(2026, 11, 20),
        reason="Closed",
        now=at(2026, 11, 20),
    )


def _register_of_agencies(s: Sourcing) -> None:
    # Every framework branch is a home care agency; Weak Care is rated below Good overall.
    CqcLocation.objects.filter(provider_id__startswith="1-9").update(
        service_types=["Homecare agencies"]
    )
    rate_location(f"{s.tier2.cqc_provider_id}-B1", overall="Requires improvement")
    spot = s.spot_user.organisation
    spot.reference = "1-777"
    spot.save(update_fields=["reference"])
    for location_id, provider_id, rating in (
        ("1-777-L", "1-777", "Requires improvement"),
        ("1-555-L", "1-555", "Good"),
    ):
        CqcLocation.objects.create(
            location_id=location_id,
            provider_id=provider_id,
            name=f"Agency {provider_id}",
            postcode="CM1 1AA",
            service_types=["Homecare agencies"],
            updated_at=at(2026, 11, 1),
        )
        CqcRating.objects.create(location_id=location_id, domain="Overall", rating=rating)
