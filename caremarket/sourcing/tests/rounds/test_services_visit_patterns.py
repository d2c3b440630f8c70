"""A package's visits as calls: the service sets them, refuses what disagrees, and asks who."""

import datetime as dt
from decimal import Decimal

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.sourcing.engine.visit_pattern import CallRow
from caremarket.sourcing.models import Package, VisitCall
from caremarket.sourcing.services.offers import offer_accept
from caremarket.sourcing.services.visit_patterns import package_visit_pattern_set
from caremarket.sourcing.tests.conftest import THURSDAY

EVERY_DAY = frozenset(range(7))
MORNING_TWO_CARERS = CallRow(weekdays=EVERY_DAY, start=dt.time(7, 30), minutes=45, carers=2)
TEA = CallRow(weekdays=EVERY_DAY, start=dt.time(17), minutes=30)


def test_the_calls_set_the_weekly_hours_and_the_pattern_text(world, sourcing):
    package = sourcing.package(world.broker)  # 10.5 hours, "3 calls a day"
    package_visit_pattern_set(
        actor=world.broker, package=package, rows=[MORNING_TWO_CARERS, TEA], now=THURSDAY
    )
    package.refresh_from_db()
    # 7 x (45 x 2 + 30) minutes = 14 hours.
    assert package.hours_per_week == Decimal("14.00")
    assert package.visit_pattern == "07:30 45 min, 2 carers (every day); 17:00 30 min (every day)"
    assert VisitCall.objects.filter(package=package).count() == 14
    event = AuditEvent.objects.get(action="package.visit_pattern_set", object_id=str(package.pk))
    assert event.changes["hours_per_week"] == ["10.50", "14.00"]
    assert event.changes["visit_pattern"][0] == "3 calls a day"


def test_a_disagreeing_hours_figure_is_refused_and_nothing_changes(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(ValidationFailed) as exc:
        package_visit_pattern_set(
            actor=world.broker,
            package=package,
            rows=[MORNING_TWO_CARERS, TEA],
            stated_hours=Decimal("10.5"),
            now=THURSDAY,
        )
    assert exc.value.errors == {
        "hours_per_week": [
            "The calls add up to 14.00 hours a week but 10.50 was stated: the calls give"
            " 3.50 hours more. Correct the calls or the hours."
        ]
    }
    package.refresh_from_db()
    assert package.hours_per_week == Decimal("10.50")
    assert not VisitCall.objects.filter(package=package).exists()


def test_a_placed_package_keeps_its_ordered_hours(world, sourcing):
    package = sourcing.package(world.broker, hours_per_week=Decimal("14"))
    offer_accept(actor=sourcing.first_user, offer=package.offers.get(), now=THURSDAY)
    with pytest.raises(ValidationFailed) as exc:
        package_visit_pattern_set(actor=world.broker, package=package, rows=[TEA], now=THURSDAY)
    assert "placed at 14.00 hours a week and these calls add up to 3.50" in exc.value.message
    # The same hours, entered as calls, are accepted for a placed package.
    package_visit_pattern_set(
        actor=world.broker, package=package, rows=[MORNING_TWO_CARERS, TEA], now=THURSDAY
    )
    assert Package.objects.get(pk=package.pk).hours_per_week == Decimal("14.00")


def test_only_brokers_set_patterns(world, sourcing):
    package = sourcing.package(world.broker)
    with pytest.raises(NotPermitted):
        package_visit_pattern_set(
            actor=world.contract_manager, package=package, rows=[TEA], now=THURSDAY
        )
    response = world.client_for(sourcing.first_user).put(
        f"/api/v1/packages/{package.pk}/visit-pattern",
        {"calls": [{"days": ["Mon"], "start": "09:00", "minutes": 30}]},
        content_type="application/json",
    )
    assert response.status_code == 404
