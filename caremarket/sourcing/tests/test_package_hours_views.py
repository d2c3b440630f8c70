"""The change-of-hours page and API operation, and the package page's current order."""

from caremarket.framework.models import PurchaseOrder
from caremarket.sourcing.services import offers
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import open_offer
from caremarket.sourcing.tests.test_placement_orders import place

TODAY = at(2026, 12, 1, 10)


def placed(world, sourcing):
    package = sourcing.package(world.broker)
    offers.offer_accept(actor=sourcing.first_user, offer=open_offer(package), now=THURSDAY)
    return package


def test_the_package_page_shows_the_hours_and_rate_of_the_current_order(
    world, sourcing, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: TODAY)
    package = placed(world, sourcing)
    body = world.client_for(world.broker).get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert "10.50 hours a week at £25.00 an hour" in body
    assert f"/sourcing/packages/{package.pk}/hours/" in body


def test_a_spot_package_page_says_spot(world, sourcing, monkeypatch):
    package = place(world, sourcing, organisation=sourcing.spot_user.organisation, route="spot")
    monkeypatch.setattr("django.utils.timezone.now", lambda: TODAY)
    body = world.client_for(world.broker).get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert "at £26.40 an hour" in body and "Spot</strong>" in body


def test_a_broker_changes_the_hours_on_the_page(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: TODAY)
    package = placed(world, sourcing)
    client = world.client_for(world.broker)
    page = client.get(f"/sourcing/packages/{package.pk}/hours/")
    assert page.status_code == 200
    assert "<title>Change the hours of " in page.content.decode()
    response = client.post(
        f"/sourcing/packages/{package.pk}/hours/",
        {"hours_per_week": "14", "starts_on_0": "14", "starts_on_1": "12", "starts_on_2": "2026"},
    )
    assert response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    assert "14 hours a week from 14 December 2026" in shown
    assert "From 14 December 2026: 14 hours a week at £25.00 an hour" in shown
    assert PurchaseOrder.objects.filter(package_reference=package.reference).count() == 2


def test_a_change_in_the_past_keeps_what_was_typed_and_names_the_field(
    world, sourcing, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: TODAY)
    package = placed(world, sourcing)
    response = world.client_for(world.broker).post(
        f"/sourcing/packages/{package.pk}/hours/",
        {"hours_per_week": "14", "starts_on_0": "20", "starts_on_1": "11", "starts_on_2": "2026"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "cannot take effect in the past" in body and 'href="#id_starts_on' in body
    assert 'value="14"' in body and 'value="20"' in body
    assert PurchaseOrder.objects.filter(package_reference=package.reference).count() == 1


def test_providers_and_unplaced_packages_have_no_hours_page(world, sourcing):
    package = sourcing.package(world.broker)
    url = f"/sourcing/packages/{package.pk}/hours/"
    assert world.client_for(world.broker).get(url).status_code == 404
    assert world.client_for(sourcing.first_user).get(url).status_code == 404


def test_the_api_changes_the_hours_and_answers_errors_in_the_error_shape(
    world, sourcing, monkeypatch
):
    package = place(world, sourcing, organisation=sourcing.spot_user.organisation, route="spot")
    monkeypatch.setattr("django.utils.timezone.now", lambda: TODAY)
    client = world.client_for(world.broker)
    url = f"/api/v1/packages/{package.pk}/change-hours"
    changed = client.post(
        url, {"hours_per_week": "12", "starts_on": "2026-12-07"}, content_type="application/json"
    )
    assert changed.status_code == 200
    body = changed.json()
    assert body["package"]["hours_per_week"] == "12.00"
    assert [(o["hours_per_week"], o["rate"], o["pricing"], o["unit"]) for o in body["orders"]] == [
        ("10.50", "26.40", "spot", "hour"),
        ("12.00", "26.40", "spot", "hour"),
    ]
    past = client.post(
        url, {"hours_per_week": "9", "starts_on": "2026-11-01"}, content_type="application/json"
    )
    assert past.status_code == 422 and past.json()["code"] == "ValidationFailed"
    assert "starts_on" in past.json()["errors"]
    zero = client.post(
        url, {"hours_per_week": "0", "starts_on": "2026-12-09"}, content_type="application/json"
    )
    assert zero.status_code == 422
    missing = client.post(
        "/api/v1/packages/999999/change-hours",
        {"hours_per_week": "9", "starts_on": "2026-12-09"},
        content_type="application/json",
    )
    assert missing.status_code == 404
    provider = world.client_for(sourcing.spot_user).post(
        url, {"hours_per_week": "9", "starts_on": "2026-12-09"}, content_type="application/json"
    )
    assert provider.status_code in (403, 404)


def test_the_change_hours_operation_is_documented_with_its_status_codes(world):
    schema = world.client_for(world.broker).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/packages/{package_id}/change-hours"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(operation["responses"])


def test_the_offer_page_says_urgent_and_the_window(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    sourcing.package(world.broker, urgency="urgent")
    body = world.client_for(sourcing.first_user).get("/sourcing/offers/").content.decode()
    assert "you have 1 hour of office time to answer" in body
    assert "Answer by 11:00" in body and "£25.00 an hour" in body


def test_the_available_packages_form_asks_for_the_rate_in_the_service_types_unit(world, sourcing):
    from caremarket.sourcing.services import available
    from caremarket.sourcing.tests.helpers import to_available_list

    to_available_list(world, sourcing)
    available.available_list_issue(now=at(2026, 11, 23, 9))
    body = (
        world.client_for(sourcing.spot_user).get("/sourcing/available-packages/").content.decode()
    )
    assert "Your rate (£ an hour)" in body
