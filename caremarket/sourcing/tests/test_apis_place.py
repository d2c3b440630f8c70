"""POST /packages/{id}/place: the API's way to the last resorts the package page offers (a
mini-competition or a spot purchase), with its purchase order and the decision recording
whether round fit informed the choice (issue 14 item 3)."""

from decimal import Decimal

from caremarket.audit.models import AuditEvent
from caremarket.framework.models import PurchaseOrder
from caremarket.sourcing.models import SourcingDecision
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import to_available_list

PLACED_AT = at(2026, 11, 24, 10)


def post_place(world, user, package, monkeypatch, **body):
    monkeypatch.setattr("django.utils.timezone.now", lambda: PLACED_AT)
    return world.client_for(user).post(
        f"/api/v1/packages/{package.pk}/place", body, content_type="application/json"
    )


def placement_decision(package):
    return SourcingDecision.objects.get(package=package, kind="stage", stage="placed")


def test_a_broker_places_after_a_mini_competition_with_its_order(world, sourcing, monkeypatch):
    package = to_available_list(world, sourcing)
    organisation = sourcing.second.organisation
    response = post_place(
        world,
        world.broker,
        package,
        monkeypatch,
        route="mini_competition",
        organisation_id=organisation.pk,
        rate="26.40",
        note="Three bids",
        round_fit_used=True,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "placed"
    placed = [d for d in body["decisions"] if (d["kind"], d["stage"]) == ("stage", "placed")]
    assert [d["round_fit_used"] for d in placed] == [True]
    order = PurchaseOrder.objects.get(package_reference=package.reference)
    assert (order.organisation, order.rate, order.pricing) == (
        organisation,
        Decimal("26.40"),
        "agreed",
    )
    assert placement_decision(package).round_fit_used is True
    assert AuditEvent.objects.filter(action="package.placed", object_id=str(package.pk)).exists()


def test_a_spot_purchase_records_that_round_fit_was_not_used(world, sourcing, monkeypatch):
    package = to_available_list(world, sourcing)
    agency = sourcing.spot_user.organisation
    response = post_place(
        world,
        world.broker,
        package,
        monkeypatch,
        route="spot",
        organisation_id=agency.pk,
        rate="31.00",
        round_fit_used=False,
    )
    assert response.status_code == 200, response.content
    assert placement_decision(package).round_fit_used is False
    assert PurchaseOrder.objects.get(package_reference=package.reference).pricing == "spot"


def test_a_provider_cannot_place_and_nothing_changes(world, sourcing, monkeypatch):
    package = to_available_list(world, sourcing)
    response = post_place(
        world,
        sourcing.second_user,
        package,
        monkeypatch,
        route="spot",
        organisation_id=sourcing.second.organisation.pk,
        rate="99.00",
        round_fit_used=False,
    )
    assert response.status_code in (403, 404)
    package.refresh_from_db()
    assert package.stage == "available" and package.placed_with_id is None
    assert not PurchaseOrder.objects.filter(package_reference=package.reference).exists()


def test_a_package_still_on_tier_one_is_refused_with_the_reason(world, sourcing, monkeypatch):
    package = sourcing.package(world.broker)
    response = post_place(
        world,
        world.broker,
        package,
        monkeypatch,
        route="mini_competition",
        organisation_id=sourcing.second.organisation.pk,
        rate="26.40",
        round_fit_used=False,
    )
    assert 400 <= response.status_code < 500
    assert "Available Packages list" in response.json()["detail"]
    package.refresh_from_db()
    assert package.stage == "tier1" and package.agreed_rate is None
    assert not PurchaseOrder.objects.filter(package_reference=package.reference).exists()


def test_bad_bodies_name_the_field(world, sourcing, monkeypatch):
    package = to_available_list(world, sourcing)
    unknown = post_place(
        world,
        world.broker,
        package,
        monkeypatch,
        route="spot",
        organisation_id=world.council.pk,  # an organisation, but not a home care provider
        rate="31.00",
        round_fit_used=False,
    )
    assert unknown.status_code == 404 and "organisation_id" in str(unknown.json())
    free = post_place(
        world,
        world.broker,
        package,
        monkeypatch,
        route="spot",
        organisation_id=sourcing.spot_user.organisation.pk,
        rate="0",
        round_fit_used=False,
    )
    assert free.status_code == 422 and "rate" in str(free.json())
    tier1 = post_place(
        world,
        world.broker,
        package,
        monkeypatch,
        route="tier1",
        organisation_id=sourcing.second.organisation.pk,
        rate="20.00",
        round_fit_used=False,
    )
    assert tier1.status_code == 422 and "route" in str(tier1.json())
    package.refresh_from_db()
    assert package.stage == "available"


def test_an_organisation_id_past_any_database_integer_is_a_404_not_a_crash(
    world, sourcing, monkeypatch
):
    package = to_available_list(world, sourcing)
    response = post_place(
        world,
        world.broker,
        package,
        monkeypatch,
        route="spot",
        organisation_id=10**20,
        rate="31.00",
        round_fit_used=False,
    )
    assert response.status_code in (404, 422)
