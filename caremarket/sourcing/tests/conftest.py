"""A sourcing world: the framework fixture plus rates, provider staff and a clock.

Built once per test module when every test of the module that uses the database asks for
`sourcing` (`built_once_per_module`): each test gets its own copy of `world`, `fw` and
`sourcing`, and its own transaction undoes what it writes. Otherwise built for each test.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from caremarket.accounts.models import OrganisationKind, Role, User
from caremarket.accounts.services import organisation_create
from caremarket.conftest import World, built_once_per_module, make_user, world_build
from caremarket.framework.models import Lot, Provider
from caremarket.framework.services.prices import rate_select
from caremarket.framework.tests.conftest import Framework, framework_build
from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.models import Package
from caremarket.sourcing.services.packages import package_create


def at(y, m, d, h=10, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


THURSDAY = at(2026, 11, 19)


@dataclass
class Sourcing:
    fw: Framework
    lot: Lot
    first: Provider  # tier 1 position 1 (the world's home care provider)
    second: Provider  # tier 1 position 2
    tier2: Provider
    first_user: User
    second_user: User
    tier2_user: User
    spot_user: User

    def package(self, broker, now=THURSDAY, **overrides) -> Package:
        fields: dict[str, Any] = {
            "person_reference": "AS-12345",
            "postcode": "CM1 1AA",
            "service_type": "personal_care",
            "cohort": "older_people",
            "hours_per_week": Decimal("10.5"),
            "visit_pattern": "3 calls a day",
            "start_date": dt.date(2026, 11, 30),
            "needs": "Help to wash and dress",
        }
        fields.update(overrides)
        return package_create(actor=broker, now=now, **fields)


@dataclass
class SourcingWorld:
    world: World
    fw: Framework
    sourcing: Sourcing


def sourcing_world_build() -> SourcingWorld:
    world = world_build()
    fw = framework_build(world)
    return SourcingWorld(world=world, fw=fw, sourcing=sourcing_build(world, fw))


@pytest.fixture(scope="module")
def _sourcing_once(request, django_db_setup, django_db_blocker):
    with built_once_per_module(
        request, django_db_blocker, sourcing_world_build, shared_by="sourcing"
    ) as built:
        yield built


@pytest.fixture
def _sourcing_shared(_sourcing_once, db) -> SourcingWorld | None:
    # One deep copy of the three together, so the copies keep pointing at one another.
    return copy.deepcopy(_sourcing_once)


def _shared(request) -> SourcingWorld | None:
    if "sourcing" not in request.fixturenames:
        return None
    return request.getfixturevalue("_sourcing_shared")


@pytest.fixture
def world(request, db) -> World:
    shared = _shared(request)
    return shared.world if shared else world_build()


@pytest.fixture
def fw(request, world) -> Framework:
    shared = _shared(request)
    return shared.fw if shared else framework_build(world)


@pytest.fixture
def sourcing(request, _sourcing_shared, world, fw) -> Sourcing:
    return _sourcing_shared.sourcing if _sourcing_shared else sourcing_build(world, fw)


def sourcing_build(world, fw) -> Sourcing:
    lot = fw.lot("Chelmsford")
    first, second, tier2 = fw.meadow, fw.good[0], fw.weak
    for provider in (first, second, tier2):
        for year, amount in ((fw.year1, "24.00"), (fw.year2, "25.00")):
            rate_select(
                actor=None,
                provider=provider,
                lot=lot,
                year=year,
                amount=Decimal(amount),
                now=at(2025, 11, 1),
            )
    spot = organisation_create(
        now=timezone.now(),
        actor=None,
        name="Independent Carers",
        kind=OrganisationKind.HOME_CARE_PROVIDER,
    )
    return Sourcing(
        fw=fw,
        lot=lot,
        first=first,
        second=second,
        tier2=tier2,
        first_user=world.home_care_admin,
        second_user=make_user(second.organisation, "staff@good1.test", Role.PROVIDER_USER),
        tier2_user=make_user(tier2.organisation, "staff@weak.test", Role.PROVIDER_USER),
        spot_user=make_user(spot, "owner@independent.test", Role.PROVIDER_ADMIN),
    )
