"""Ending a placed package: the last day of care, its purchase order, pages and API."""

import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.framework.models import PurchaseOrder
from caremarket.sourcing.services import offers, packages
from caremarket.sourcing.tests.conftest import THURSDAY, at

DECEMBER = at(2026, 12, 10)


def placed(world, sourcing):
    package = sourcing.package(world.broker)
    offers.offer_accept(
        actor=sourcing.first_user, offer=package.offers.get(outcome=""), now=at(2026, 11, 19, 11)
    )
    package.refresh_from_db()
    return package


def test_ending_records_the_last_day_and_ends_the_purchase_order_the_same_day(world, sourcing):
    package = placed(world, sourcing)
    packages.package_end(
        actor=world.broker,
        package=package,
        ends_on=dt.date(2026, 12, 8),
        reason="Moved into a care home",
        now=DECEMBER,
    )
    package.refresh_from_db()
    order = PurchaseOrder.objects.get(package_reference=package.reference)
    assert (package.stage, package.ended_on, package.closed_reason) == (
        "ended",
        dt.date(2026, 12, 8),
        "Moved into a care home",
    )
    assert order.ends_on == dt.date(2026, 12, 8)
    assert AuditEvent.objects.filter(action="package.ended", object_id=str(package.pk)).exists()
    assert AuditEvent.objects.filter(
        action="framework_purchase_order.ended", object_id=str(order.pk)
    ).exists()


@pytest.mark.parametrize(
    ("ends_on", "reason", "message"),
    [
        (dt.date(2026, 11, 29), "Died", "cannot be before the start date"),
        (dt.date(2026, 12, 11), "Moved", "cannot be in the future"),
        (dt.date(2026, 12, 8), "  ", "Say why"),
    ],
)
def test_a_bad_end_is_refused_and_nothing_changes(world, sourcing, ends_on, reason, message):
    package = placed(world, sourcing)
    with pytest.raises(ValidationFailed) as exc:
        packages.package_end(
            actor=world.broker, package=package, ends_on=ends_on, reason=reason, now=DECEMBER
        )
    assert message in str(exc.value.errors)
    package.refresh_from_db()
    assert package.stage == "placed" and package.ended_on is None
    assert PurchaseOrder.objects.get(package_reference=package.reference).ends_on is None


def test_only_a_placed_package_can_end(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(ValidationFailed) as exc:
        packages.package_end(
            actor=world.broker, package=package, ends_on=THURSDAY.date(), reason="x", now=THURSDAY
        )
    assert "only a placed package" in exc.value.message


def test_only_brokers_end_packages(world, sourcing):
    package = placed(world, sourcing)
    with pytest.raises(NotPermitted):
        packages.package_end(
            actor=sourcing.first_user,
            package=package,
            ends_on=dt.date(2026, 12, 8),
            reason="x",
            now=DECEMBER,
        )


def test_cancelling_dates_the_end_of_sourcing(world, sourcing):
    package = sourcing.package(world.broker)
    packages.package_cancel(
        actor=world.broker, package=package, reason="Went into hospital", now=at(2026, 11, 19, 14)
    )
    package.refresh_from_db()
    assert package.cancelled_at == at(2026, 11, 19, 14)


def test_a_broker_records_the_end_on_the_package_page(world, sourcing, monkeypatch):
    package = placed(world, sourcing)
    monkeypatch.setattr("django.utils.timezone.now", lambda: DECEMBER)
    client = world.client_for(world.broker)
    assert "The care has ended" in client.get(f"/sourcing/packages/{package.pk}/").text
    response = client.post(
        f"/sourcing/packages/{package.pk}/end/",
        {"ends_on": "2026-12-08", "reason": "Moved away"},
        follow=True,
    )
    assert "the end of care has been recorded" in response.text
    assert "8 December 2026" in response.text


def test_a_bad_end_date_on_the_page_says_what_is_wrong(world, sourcing, monkeypatch):
    package = placed(world, sourcing)
    monkeypatch.setattr("django.utils.timezone.now", lambda: DECEMBER)
    response = world.client_for(world.broker).post(
        f"/sourcing/packages/{package.pk}/end/",
        {"ends_on": "2027-01-01", "reason": "Moved away"},
        follow=True,
    )
    assert "cannot be in the future" in response.text


def test_the_api_ends_a_package_and_reports_the_last_day(world, sourcing, monkeypatch):
    package = placed(world, sourcing)
    monkeypatch.setattr("django.utils.timezone.now", lambda: DECEMBER)
    response = world.client_for(world.broker).post(
        f"/api/v1/packages/{package.pk}/end",
        {"ends_on": "2026-12-08", "reason": "Moved away"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "ended" and response.json()["ended_on"] == "2026-12-08"
    before_start = world.client_for(world.broker).post(
        f"/api/v1/packages/{package.pk}/end",
        {"ends_on": "2026-12-08", "reason": "Again"},
        content_type="application/json",
    )
    assert before_start.status_code == 422
