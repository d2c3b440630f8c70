"""The insight API: demand for providers and the council, the market figures for the council."""

import pytest

from caremarket.accounts.services import api_token_create
from caremarket.sourcing.tests.conftest import at

NOW = at(2026, 11, 29, 20)
RANGE = "starts_on=2026-11-16&ends_on=2026-11-29"


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def test_demand_lists_each_waiting_package_with_no_personal_data(world, market_world, frozen):
    body = world.client_for(world.home_care_user).get("/api/v1/demand").json()
    assert (body["packages_waiting"], body["hours_per_week_waiting"], body["urgent"]) == (
        1,
        "10.50",
        0,
    )
    (package,) = body["packages"]
    assert package["reference"] == market_world.p5.reference
    assert (package["district"], package["outward_code"], package["stage"]) == (
        "Chelmsford",
        "CM1",
        "tier1",
    )
    assert package["waited_hours"] == 130.0  # Tuesday 10:00 to Sunday 20:00
    assert set(package) == {
        "reference",
        "district",
        "district_code",
        "outward_code",
        "service_type",
        "cohort",
        "hours_per_week",
        "start_date",
        "urgent",
        "stage",
        "waiting_since",
        "waited_hours",
        "round_fit",
    }
    # How it fits the provider's own round: figures only (decision 0118).
    assert set(package["round_fit"] or {}) <= {
        "exact",
        "within_1km",
        "within_2km",
        "within_5km",
        "nearest_km",
        "calls_total",
        "calls_fitting",
    }
    text = str(body)
    for secret in ("AS-", "CM1 1AA", "Help to wash", "Meadow", "Good Care", "Weak Care"):
        assert secret not in text, secret
    assert [w["waiting"] for w in body["weekly_trend"]][-2:] == [1, 1]


def test_demand_can_be_filtered_and_a_bad_filter_finds_nothing(world, market_world, frozen):
    client = world.client_for(world.broker)
    assert client.get("/api/v1/demand?district=E07000070").json()["packages_waiting"] == 1
    assert client.get("/api/v1/demand?district=E07000071").json()["packages_waiting"] == 0
    assert client.get("/api/v1/demand?cohort=ld_autism").json()["packages"] == []


def test_systems_read_demand_with_a_token(world, market_world, frozen):
    _, secret = api_token_create(actor=world.home_care_admin, name="Rostering", now=NOW)
    response = world.client_for(None).get("/api/v1/demand", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert world.client_for(None).get("/api/v1/demand").status_code == 401


@pytest.mark.parametrize(
    ("who", "demand", "market", "care_homes"),
    [
        ("contract_manager", 200, 200, 200),
        ("broker", 200, 200, 200),
        ("home_care_user", 200, 404, 404),
        ("health_searcher", 404, 404, 200),
        ("care_home_admin", 404, 404, 404),
    ],
)
def test_who_may_read_which_figures(world, market_world, frozen, who, demand, market, care_homes):
    client = world.client_for(getattr(world, who))
    assert (
        client.get("/api/v1/demand").status_code,
        client.get(f"/api/v1/market?{RANGE}").status_code,
        client.get(f"/api/v1/market/care-homes?{RANGE}").status_code,
    ) == (demand, market, care_homes)


def test_the_market_api_gives_the_table_and_every_period(world, market_world, frozen):
    body = world.client_for(world.contract_manager).get(f"/api/v1/market?{RANGE}").json()
    assert (body["starts_on"], body["ends_on"]) == ("2026-11-16", "2026-11-29")
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["adults"]["value"] == 3
    assert figures["utilisation"]["value"] == 66.3 and figures["utilisation"]["unit"] == "%"
    assert figures["weekly_spend"]["value"] == 1057.5
    week1, week2 = body["periods"]
    assert (week1["adults"], week1["placed"], week1["placed_by_route"]["tier1"]) == (1, 3, 3)
    assert (week2["adults"], week2["hours_per_week"], week2["placed_by_route"]["spot"]) == (
        3,
        "41.50",
        1,
    )
    assert body["districts"] == [
        {
            "district": "Chelmsford",
            "adults": 3,
            "packages": 4,
            "hours_per_week": "41.50",
            "active_providers": 3,
            "care_homes": {
                "rooms": 0,
                "occupied": 0,
                "vacant": 0,
                "reserved": 0,
                "suspended": 0,
                "occupancy_percent": None,
            },
        }
    ]
    assert {(m["movement"], m["provider"]) for m in body["movements"]} == {
        ("left_framework", "Good Care 11"),
        ("started_with_council", "Good Care 1"),
        ("started_with_council", "Independent Carers"),
        ("stopped_with_council", "Weak Care"),
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("starts_on=2026-11-20&ends_on=2026-11-10", "ends_on"),
        ("starts_on=2026-11-20", "ends_on"),
        ("ends_on=2026-11-20", "starts_on"),
        ("preset=99w", "preset"),
    ],
)
def test_a_bad_range_answers_422_naming_the_parameter(world, market_world, frozen, query, field):
    response = world.client_for(world.contract_manager).get(f"/api/v1/market?{query}")
    assert response.status_code == 422 and field in response.json()["errors"]


def test_a_date_that_is_not_a_date_answers_422(world, market_world, frozen):
    response = world.client_for(world.contract_manager).get(
        "/api/v1/market?starts_on=soon&ends_on=2026-11-20"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query.starts_on"


def test_the_care_home_api_gives_every_period_and_todays_lists(world, market_world, frozen):
    body = world.client_for(world.health_searcher).get("/api/v1/market/care-homes?preset=4w").json()
    assert len(body["periods"]) == 4
    assert body["periods"][-1]["total"]["rooms"] == 0
    assert body["suspended"] == [] and body["stale"] == []


def test_the_openapi_document_describes_the_insight_endpoints(world):
    paths = world.client_for(world.broker).get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/demand", "/api/v1/market", "/api/v1/market/care-homes"} <= set(paths)
