"""A package's visits as calls: the service, the page and the API."""

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


def test_old_free_text_patterns_stay_readable(world, sourcing):
    package = sourcing.package(world.broker, visit_pattern="Morning and evening, flexible")
    response = world.client_for(world.broker).get(f"/api/v1/packages/{package.pk}/visit-pattern")
    assert response.status_code == 200
    assert response.json() == {
        "package_reference": package.reference,
        "hours_per_week": "10.50",
        "visit_pattern": "Morning and evening, flexible",
        "structured": False,
        "calls": [],
    }


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


def test_the_api_takes_calls_by_day_and_refuses_unknown_days(world, sourcing):
    package = sourcing.package(world.broker)
    client = world.client_for(world.broker)
    url = f"/api/v1/packages/{package.pk}/visit-pattern"
    bad = client.put(
        url,
        {"calls": [{"days": ["Mon", "Funday"], "start": "09:00", "minutes": 30}]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "not Funday" in bad.content.decode()
    ok = client.put(
        url,
        {
            "calls": [
                {"days": ["mon", "Tue", "wednesday"], "start": "07:30", "minutes": 45, "carers": 2},
                {"days": ["Sat", "Sun"], "start": "09:00", "minutes": 60},
            ],
            "hours_per_week": "6.50",
        },
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["hours_per_week"] == "6.50" and body["structured"] is True
    assert [(c["day"], c["start"], c["carers"]) for c in body["calls"]][:2] == [
        ("Monday", "07:30:00", 2),
        ("Tuesday", "07:30:00", 2),
    ]
    wrong = client.put(
        url,
        {"calls": [{"days": ["Mon"], "start": "09:00", "minutes": 30}], "hours_per_week": "1"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and "0.50 hours fewer" in wrong.content.decode()


def test_the_page_saves_calls_and_names_the_call_in_error(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    client = world.client_for(world.broker)
    url = f"/sourcing/packages/{package.pk}/visit-pattern/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"call1_days": ["0"], "call1_start": "7.3x", "call1_minutes": "30"})
    assert bad.status_code == 400
    assert "Call 1: give the start time as hours and minutes, like 07:30." in bad.content.decode()
    good = client.post(
        url,
        {
            "call1_days": [str(d) for d in range(7)],
            "call1_start": "07:30",
            "call1_minutes": "45",
            "call1_carers": "2",
            "call2_days": [str(d) for d in range(7)],
            "call2_start": "17:00",
            "call2_minutes": "30",
            "hours_per_week": "14",
        },
    )
    assert good.status_code == 302
    package.refresh_from_db()
    assert package.hours_per_week == Decimal("14.00")
    again = client.get(url).content.decode()
    assert 'value="07:30"' in again and 'value="17:00"' in again
    assert world.client_for(sourcing.first_user).get(url).status_code == 404
