import datetime as dt
from decimal import Decimal

from caremarket.framework.services.prices import rate_select
from caremarket.framework.tests.conftest import at


def test_ranked_lists_api_filters_by_lot_tier_and_date(fw, world):
    client = world.client_for(world.broker)
    body = client.get(
        "/api/v1/ranked-lists",
        {
            "district": fw.lot("Basildon").district.code,
            "service_type": "personal_care",
            "cohort": "older_people",
            "tier": 1,
            "on": "2026-01-05",
        },
    ).json()
    assert body["version_id"] == fw.version.pk
    assert len(body["lists"]) == 1
    assert [e["provider_id"] for e in body["lists"][0]["entries"]] == [fw.meadow.pk, fw.good[0].pk]


def test_ranked_lists_api_answers_no_version_before_the_framework(fw, world):
    body = world.client_for(world.broker).get("/api/v1/ranked-lists", {"on": "2025-01-01"}).json()
    assert body["version_id"] is None and all(not r["entries"] for r in body["lists"])


def test_positions_api_lists_every_lot_a_provider_is_on(fw, world):
    body = (
        world.client_for(world.home_care_user)
        .get(f"/api/v1/providers/{fw.weak.pk}/positions", {"on": "2026-01-05"})
        .json()
    )
    assert len(body["positions"]) == len(fw.lots)
    assert {(p["tier"], p["position"], p["of"]) for p in body["positions"]} == {(2, 1, 1)}


def test_ranked_lists_are_not_published_beyond_the_framework(fw, world):
    assert world.client_for(world.care_home_admin).get("/api/v1/ranked-lists").status_code == 403


def test_a_rate_outside_the_matrix_answers_422_with_the_field(fw, world):
    response = world.client_for(world.home_care_admin).post(
        "/api/v1/rate-selections",
        {
            "provider_id": fw.meadow.pk,
            "lot_id": fw.lot("Basildon").pk,
            "year_id": fw.year2.pk,
            "amount": "99.00",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "is not in the 2026/27 price matrix" in response.json()["errors"]["amount"][0]


def test_price_matrix_api_gives_the_years_rates(fw, world):
    body = (
        world.client_for(world.home_care_user)
        .get("/api/v1/price-matrix", {"year_id": fw.year2.pk})
        .json()
    )
    assert [r["amount"] for r in body["rates"]] == ["25.00", "26.00"]


def test_purchase_orders_through_the_api_and_visible_only_to_their_provider(fw, world):
    lot = fw.lot("Basildon")
    rate_select(
        actor=None,
        provider=fw.meadow,
        lot=lot,
        year=fw.year1,
        amount=Decimal("25.00"),
        now=at(dt.date(2025, 10, 1)),
    )
    broker = world.client_for(world.broker)
    created = broker.post(
        "/api/v1/purchase-orders",
        {
            "package_reference": "PKG-9",
            "provider_id": fw.meadow.pk,
            "lot_id": lot.pk,
            "hours_per_week": "10",
            "starts_on": "2026-02-02",
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["rate"] == "25.00"
    changed = broker.post(
        "/api/v1/purchase-orders/packages/PKG-9/change-hours",
        {"hours_per_week": "12", "starts_on": "2026-03-02"},
        content_type="application/json",
    )
    assert changed.status_code == 201 and changed.json()["supersedes_id"] == created.json()["id"]
    own = (
        world.client_for(world.home_care_user)
        .get("/api/v1/purchase-orders", {"package_reference": "PKG-9"})
        .json()
    )
    assert own["count"] == 2 and len(own["items"]) == 2
    other = world.client_for(world.care_home_admin).get("/api/v1/purchase-orders")
    assert other.status_code == 403
