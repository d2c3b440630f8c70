"""A care home with one room of each contract type, built through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from caremarket.carehomes import services
from caremarket.carehomes.models import CareHome, ContractType, Room
from caremarket.geography.models import Postcode


@dataclass
class Estate:
    now: dt.datetime
    today: dt.date
    home: CareHome
    other_home: CareHome
    block: Room  # owned by the council, partner of the ICB
    irn: Room
    spot: Room  # accepts local authority rates and top-ups
    nhs_block: Room  # owned by the unpartnered NHS trust
    other_spot: Room  # in another provider's home


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now()


@pytest.fixture
def estate(world, now) -> Estate:
    Postcode.objects.bulk_create(
        [
            Postcode(postcode="CM1 1AA", oslaua="E07000070", lat=51.7356, lng=0.4685),
            Postcode(postcode="CM2 9ZZ", oslaua="E07000070", lat=51.7200, lng=0.4900),
            Postcode(postcode="CO1 1AA", oslaua="E07000071", lat=51.8890, lng=0.9040),
        ]
    )
    home = services.care_home_create(
        actor=None,
        provider=world.care_home_provider,
        cqc_location_id="1-000000101",
        name="Willow House",
        address="1 High Street, Chelmsford",
        postcode="CM1 1AA",
        care_types=["older_people", "dementia"],
        provides_nursing=True,
        now=now,
    )
    services.care_home_set_irn_framework(actor=None, home=home, on_framework=True, now=now)
    other_home = services.care_home_create(
        actor=None,
        provider=world.other_care_home_provider,
        cqc_location_id="1-000000202",
        name="Birch Lodge",
        address="2 Station Road, Colchester",
        postcode="CO1 1AA",
        care_types=["older_people"],
        now=now,
    )

    def room(h, name, contract, **terms):
        return services.room_create(
            actor=None, home=h, name=name, contract_type=contract, now=now, **terms
        )

    return Estate(
        now=now,
        today=timezone.localdate(now),
        home=home,
        other_home=other_home,
        block=room(home, "Room 1", ContractType.BLOCK, block_owner=world.council),
        irn=room(home, "Room 2", ContractType.IRN, features=["en_suite", "nursing"]),
        spot=room(
            home,
            "Room 3",
            ContractType.SPOT,
            accepts_la_rate=True,
            accepts_top_up=True,
            features=["ground_floor"],
        ),
        nhs_block=room(home, "Room 4", ContractType.BLOCK, block_owner=world.other_nhs),
        other_spot=room(other_home, "Room A", ContractType.SPOT, accepts_la_rate=True),
    )
