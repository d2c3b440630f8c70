"""Postcodes laid out at known distances, packages placed with providers as clients, and the
round a provider has around a new package (`round_world`)."""

from __future__ import annotations

import math

import pytest

from caremarket.geography.models import Postcode
from caremarket.sourcing.engine.visit_pattern import CallRow
from caremarket.sourcing.selectors.round_fit import KM_PER_DEGREE_LAT, _snap
from caremarket.sourcing.services.offers import offer_accept, offer_decline
from caremarket.sourcing.services.visit_patterns import package_visit_pattern_set
from caremarket.sourcing.tests.conftest import THURSDAY

CHELMSFORD = "E07000070"
# The centre of a round-fit grid square in Chelmsford, so a package here is not moved.
CENTRE = _snap(51.7356, 0.4685)


def postcode_at(code: str, *, east_km: float = 0.0, north_km: float = 0.0) -> str:
    lat = CENTRE[0] + north_km / KM_PER_DEGREE_LAT
    lng = CENTRE[1] + east_km / (111.320 * math.cos(math.radians(CENTRE[0])))
    Postcode.objects.update_or_create(
        postcode=code, defaults={"oslaua": CHELMSFORD, "lat": lat, "lng": lng}
    )
    return code


def client_of(sourcing, broker, organisation, postcode: str, rows=None, n: int = 0):
    """A package placed with this provider through the call-off: one of its current clients."""
    package = sourcing.package(broker, postcode=postcode, person_reference=f"AS-C{n}")
    if rows:
        package_visit_pattern_set(actor=broker, package=package, rows=rows, now=THURSDAY)
    users = {
        sourcing.first.organisation_id: sourcing.first_user,
        sourcing.second.organisation_id: sourcing.second_user,
    }
    while True:
        offer = package.offers.get(outcome="")
        user = users[offer.provider.organisation_id]
        if offer.provider.organisation_id == organisation.pk:
            offer_accept(actor=user, offer=offer, now=THURSDAY)
            return package
        offer_decline(actor=user, offer=offer, reason="Not in our area", now=THURSDAY)


def every_day(h: int, m: int, minutes: int, carers: int = 1) -> CallRow:
    import datetime as dt

    return CallRow(
        weekdays=frozenset(range(7)), start=dt.time(h, m), minutes=minutes, carers=carers
    )


@pytest.fixture
def round_world(world, sourcing):
    """Meadow (tier 1, position 1) has four clients at 0.3, 1.5, 4 and 8 km from CM1 9ZZ."""
    mine = sourcing.first.organisation
    near = postcode_at("CM1 2AB", east_km=0.3)
    client_of(sourcing, world.broker, mine, near, rows=[every_day(7, 30, 45)], n=1)
    client_of(sourcing, world.broker, mine, postcode_at("CM1 3AB", north_km=1.5), n=2)
    client_of(sourcing, world.broker, mine, postcode_at("CM2 4AB", north_km=-4), n=3)
    client_of(
        sourcing,
        world.broker,
        mine,
        postcode_at("CM3 5AB", east_km=8),
        rows=[every_day(13, 10, 30)],
        n=4,
    )
    return sourcing


def offered(sourcing, broker, postcode, rows=None):
    """A new package near the round, offered first to Meadow; its calls when `rows` are given."""
    package = sourcing.package(broker, postcode=postcode, person_reference="AS-NEW")
    if rows:
        package_visit_pattern_set(actor=broker, package=package, rows=rows, now=THURSDAY)
    return package
