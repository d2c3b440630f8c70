"""Handbacks: notice, acknowledgement, re-sourcing that passes the provider over, no gap."""

import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.framework.models import PurchaseOrder
from caremarket.notifications.models import Notification
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.models import Handback, HandbackStatus, Package
from caremarket.sourcing.services.handbacks import (
    handback_acknowledge,
    handback_give,
    handback_withdraw,
    handbacks_settle,
)
from caremarket.sourcing.services.offers import offer_accept, offer_decline
from caremarket.sourcing.tests.conftest import THURSDAY, at

LAST_DAY = dt.date(2026, 12, 17)  # 28 days after Thursday 19 November


@pytest.fixture
def placed(world, sourcing):
    package = sourcing.package(world.broker)
    offer_accept(actor=sourcing.first_user, offer=package.offers.get(), now=THURSDAY)
    return package


def give(sourcing, package, **kw):
    fields = {"reason": "staffing", "last_day": LAST_DAY, "now": THURSDAY}
    fields.update(kw)
    return handback_give(actor=sourcing.first_user, package=package, **fields)


def test_notice_shorter_than_the_framework_sets_is_refused_with_the_earliest_day(
    world, sourcing, placed
):
    with pytest.raises(ValidationFailed) as exc:
        give(sourcing, placed, last_day=LAST_DAY - dt.timedelta(days=1))
    assert exc.value.errors == {
        "last_day": [
            "The framework asks for 28 days' notice: the last day of care can be 17 December"
            " 2026 at the earliest, not 16 December 2026."
        ]
    }
    assert not Handback.objects.exists()


def test_the_notice_is_configurable(world, sourcing, placed, settings):
    settings.HANDBACK_NOTICE_DAYS = 7
    assert give(sourcing, placed, last_day=dt.date(2026, 11, 30)).status == HandbackStatus.GIVEN


def test_a_provider_cannot_hand_back_a_package_it_does_not_hold(world, sourcing, placed):
    with pytest.raises(NotFound):
        handback_give(
            actor=sourcing.second_user,
            package=placed,
            reason="capacity",
            last_day=LAST_DAY,
            now=THURSDAY,
        )
    unplaced = sourcing.package(world.broker, person_reference="AS-2")
    with pytest.raises(NotFound):
        give(sourcing, unplaced)


def test_other_needs_details_and_notice_is_given_once(world, sourcing, placed):
    with pytest.raises(ValidationFailed) as exc:
        give(sourcing, placed, reason="other")
    assert "details" in exc.value.errors
    give(sourcing, placed)
    with pytest.raises(ValidationFailed):
        give(sourcing, placed)


def test_notice_tells_brokers_and_is_audited(world, sourcing, placed):
    handback = give(sourcing, placed, details="Two carers left in CM1")
    note = Notification.objects.get(event="sourcing.handback_given", recipient=world.broker)
    assert "until Thursday 17 December 2026" in note.body and "Staffing" in note.body
    assert AuditEvent.objects.filter(action="handback.given", object_id=str(handback.pk)).exists()


def test_acknowledged_the_care_is_resourced_from_the_next_day_passing_the_provider_over(
    world, sourcing, placed
):
    handback = give(sourcing, placed)
    handback = handback_acknowledge(actor=world.broker, handback=handback, now=THURSDAY)
    new = handback.replacement
    assert new is not None and new.start_date == dt.date(2026, 12, 18)
    assert new.person_reference == placed.person_reference
    assert new.hours_per_week == placed.hours_per_week
    # Meadow is position 1 on the ranked list, but it is handing the care back.
    first_offer = new.offers.order_by("seq").first()
    assert first_offer.provider == sourcing.second
    assert new.decisions.filter(kind="passed_over", reason__contains="staffing").exists()
    assert Notification.objects.filter(
        event="sourcing.handback_acknowledged", recipient=sourcing.first_user
    ).exists()
    # Re-placed: the new order starts the day after the old one's last day.
    offer_accept(actor=sourcing.second_user, offer=first_offer, now=THURSDAY)
    new_order = PurchaseOrder.objects.get(package_reference=new.reference)
    assert new_order.starts_on == dt.date(2026, 12, 18)
    # The day after the last day the old package ends with its order: no gap, no overlap.
    assert handbacks_settle(now=at(2026, 12, 17, 23, 30)) == {"ended": 0, "warned": 0}
    assert handbacks_settle(now=at(2026, 12, 18, 0, 15)) == {"ended": 1, "warned": 0}
    old = Package.objects.get(pk=placed.pk)
    assert old.stage == Stage.ENDED.value and old.ended_on == LAST_DAY
    old_order = PurchaseOrder.objects.get(package_reference=placed.reference)
    assert old_order.ends_on == LAST_DAY
    assert handbacks_settle(now=at(2026, 12, 18, 0, 30)) == {"ended": 0, "warned": 0}


def test_brokers_are_warned_once_the_day_a_gap_becomes_likely(world, sourcing, placed):
    handback = handback_acknowledge(
        actor=world.broker, handback=give(sourcing, placed), now=THURSDAY
    )
    new = handback.replacement
    offer_decline(
        actor=sourcing.second_user, offer=new.offers.get(outcome=""), reason="Full", now=THURSDAY
    )
    # Four days before the last day nothing is likely yet; three days before, it is.
    assert handbacks_settle(now=at(2026, 12, 13, 9))["warned"] == 0
    assert handbacks_settle(now=at(2026, 12, 14, 9))["warned"] == 1
    assert handbacks_settle(now=at(2026, 12, 14, 9, 15))["warned"] == 0
    note = Notification.objects.get(event="sourcing.handback_gap_likely", recipient=world.broker)
    assert new.reference in note.subject


def test_withdrawn_before_acknowledgement_only(world, sourcing, placed):
    handback = give(sourcing, placed)
    assert (
        handback_withdraw(actor=sourcing.first_user, handback=handback, now=THURSDAY).status
        == HandbackStatus.WITHDRAWN
    )
    second = give(sourcing, placed)
    handback_acknowledge(actor=world.broker, handback=second, now=THURSDAY)
    with pytest.raises(ValidationFailed):
        handback_withdraw(actor=sourcing.first_user, handback=second, now=THURSDAY)
    with pytest.raises(ValidationFailed):
        handback_acknowledge(actor=world.broker, handback=second, now=THURSDAY)


def test_the_api_gives_notice_and_the_broker_acknowledges(world, sourcing, placed, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    provider = world.client_for(sourcing.first_user)
    bad = provider.post(
        "/api/v1/handbacks",
        {"package_reference": placed.reference, "reason": "capacity", "last_day": "2026-12-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "28 days' notice" in bad.content.decode()
    not_mine = world.client_for(sourcing.second_user).post(
        "/api/v1/handbacks",
        {"package_reference": placed.reference, "reason": "capacity", "last_day": "2026-12-31"},
        content_type="application/json",
    )
    assert not_mine.status_code == 404
    given = provider.post(
        "/api/v1/handbacks",
        {"package_reference": placed.reference, "reason": "capacity", "last_day": "2026-12-31"},
        content_type="application/json",
    )
    assert given.status_code == 201, given.content
    hid = given.json()["id"]
    assert provider.post(f"/api/v1/handbacks/{hid}/acknowledge").status_code == 404
    acked = world.client_for(world.broker).post(f"/api/v1/handbacks/{hid}/acknowledge")
    assert acked.status_code == 200
    body = acked.json()
    assert body["status"] == "acknowledged" and body["replacement_stage"] == "tier1"
    assert world.client_for(sourcing.second_user).get("/api/v1/handbacks").json() == []
