"""Rounds in the market view: providers per outward code, scatter, handbacks by reason."""

import datetime as dt

from caremarket.sourcing.services.handbacks import handback_give
from caremarket.sourcing.tests.conftest import THURSDAY
from caremarket.sourcing.tests.rounds.conftest import client_of, postcode_at


def test_contract_managers_see_rounds_and_handbacks_with_downloads(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    mine, theirs = sourcing.first.organisation, sourcing.second.organisation
    a = client_of(sourcing, world.broker, mine, postcode_at("CM1 2AB", east_km=0.0), n=1)
    client_of(sourcing, world.broker, mine, postcode_at("CM1 3AB", east_km=2.0), n=2)
    client_of(sourcing, world.broker, theirs, postcode_at("CM1 4AB", north_km=1.0), n=3)
    handback_give(
        actor=sourcing.first_user,
        package=a,
        reason="staffing",
        last_day=dt.date(2026, 12, 31),
        now=THURSDAY,
    )
    client = world.client_for(world.contract_manager)
    page = client.get("/insight/market/rounds/?preset=12w")
    assert page.status_code == 200, page.content[:500]
    text = page.content.decode()
    assert "Rounds and handbacks" in text and "CM1" in text
    assert "2.00" in text  # Meadow's two packages are 2 km apart: each one's nearest is 2 km
    assert "CM1 2AB" not in text and "AS-C1" not in text
    csv = client.get("/insight/market/rounds/download.csv?table=handbacks&preset=12w")
    assert csv.status_code == 200
    assert "Meadow" in csv.content.decode() and ",1," in csv.content.decode()
    outward = client.get("/insight/market/rounds/download.csv?table=providers-by-outward-code")
    assert "CM1,2,3" in outward.content.decode()
    assert client.get("/insight/market/rounds/download.xlsx").status_code == 200
    assert world.client_for(sourcing.first_user).get("/insight/market/rounds/").status_code == 404
