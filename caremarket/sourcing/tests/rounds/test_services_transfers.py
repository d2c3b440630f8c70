"""Transfers of care: nothing changes until all three agree; the order moves on the date."""

import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.framework.models import PurchaseOrder
from caremarket.framework.selectors.prices import rate_in_force
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import Package, Transfer, TransferStatus
from caremarket.sourcing.services.offers import offer_accept
from caremarket.sourcing.services.transfers import (
    transfer_agree,
    transfer_propose,
    transfer_withdraw,
    transfers_complete_due,
)
from caremarket.sourcing.tests.conftest import THURSDAY, at

MOVE_ON = dt.date(2026, 12, 7)


@pytest.fixture
def placed(world, sourcing):
    package = sourcing.package(world.broker)
    offer_accept(actor=sourcing.first_user, offer=package.offers.get(), now=THURSDAY)
    return package


def propose(sourcing, package, actor=None, **kw):
    fields = {
        "to_provider": sourcing.second,
        "transfer_date": MOVE_ON,
        "reason": "Good Care 1 already visits the next street at 08:00",
        "now": THURSDAY,
    }
    fields.update(kw)
    return transfer_propose(actor=actor or sourcing.first_user, package=package, **fields)


def test_nothing_changes_until_all_three_agree_then_the_order_moves_on_the_date(
    world, sourcing, placed
):
    transfer = propose(sourcing, placed)  # the current provider proposes: its side agrees
    assert transfer.from_agreed_at is not None and transfer.status == TransferStatus.PROPOSED
    transfer = transfer_agree(actor=sourcing.second_user, transfer=transfer, now=THURSDAY)
    assert transfer.status == TransferStatus.PROPOSED
    assert transfers_complete_due(now=at(2026, 12, 7, 0, 15)) == 0  # the council has not approved
    transfer = transfer_agree(actor=world.broker, transfer=transfer, now=THURSDAY)
    assert transfer.status == TransferStatus.AGREED
    assert transfers_complete_due(now=at(2026, 12, 6, 23, 45)) == 0  # not yet the date
    assert transfers_complete_due(now=at(2026, 12, 7, 0, 15)) == 1
    assert transfers_complete_due(now=at(2026, 12, 7, 0, 30)) == 0
    package = Package.objects.get(pk=placed.pk)
    assert package.placed_with == sourcing.second.organisation
    old, new = PurchaseOrder.objects.filter(package_reference=placed.reference).order_by("id")
    assert old.provider == sourcing.first and old.ends_on == dt.date(2026, 12, 6)
    assert new.provider == sourcing.second and new.starts_on == MOVE_ON and new.ends_on is None
    assert new.reason == "transfer" and new.supersedes == old
    assert new.rate == rate_in_force(provider=sourcing.second, lot=sourcing.lot, on=MOVE_ON).amount
    assert new.hours_per_week == old.hours_per_week
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.COMPLETED
    assert transfer.new_order_reference == new.reference
    assert transfer.notice_days == 18
    assert package.decisions.filter(kind="transferred").exists()
    assert AuditEvent.objects.filter(action="transfer.completed").exists()
    assert Notification.objects.filter(event="sourcing.transfer", recipient=world.broker).exists()


def test_a_receiving_provider_off_the_framework_for_the_lot_is_refused(world, sourcing, placed):
    off = sourcing.fw.good[1]  # on no ranked list
    with pytest.raises(ValidationFailed) as exc:
        propose(sourcing, placed, to_provider=off)
    assert "is not on the framework for" in exc.value.message
    assert not Transfer.objects.exists()


def test_impossible_dates_are_refused_with_the_reason(world, sourcing, placed):
    with pytest.raises(ValidationFailed) as exc:
        propose(sourcing, placed, transfer_date=dt.date(2026, 11, 19))
    assert "must be after today (19 November 2026)" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        propose(sourcing, placed, transfer_date=dt.date(2026, 11, 30))
    assert "The care starts on 30 November 2026" in exc.value.message
    with pytest.raises(ValidationFailed):
        propose(sourcing, placed, to_provider=sourcing.first)


def test_a_provider_cannot_move_a_package_it_does_not_hold(world, sourcing, placed):
    with pytest.raises(NotFound):
        propose(sourcing, placed, actor=sourcing.second_user, to_provider=sourcing.tier2)


def test_the_council_proposes_and_the_current_provider_must_agree(world, sourcing, placed):
    transfer = propose(sourcing, placed, actor=world.broker)
    transfer = transfer_agree(actor=sourcing.second_user, transfer=transfer, now=THURSDAY)
    assert transfer.status == TransferStatus.PROPOSED
    transfer = transfer_agree(actor=sourcing.first_user, transfer=transfer, now=THURSDAY)
    assert transfer.status == TransferStatus.AGREED
    with pytest.raises(NotFound):
        transfer_agree(actor=sourcing.tier2_user, transfer=transfer, now=THURSDAY)


def test_any_party_withdraws_before_the_date_and_nothing_changes(world, sourcing, placed):
    transfer = propose(sourcing, placed)
    transfer_agree(actor=sourcing.second_user, transfer=transfer, now=THURSDAY)
    transfer_agree(actor=world.broker, transfer=transfer, now=THURSDAY)
    with pytest.raises(ValidationFailed):
        transfer_withdraw(actor=sourcing.second_user, transfer=transfer, reason="", now=THURSDAY)
    transfer = transfer_withdraw(
        actor=sourcing.second_user, transfer=transfer, reason="Lost two carers", now=THURSDAY
    )
    assert transfer.status == TransferStatus.WITHDRAWN
    assert transfers_complete_due(now=at(2026, 12, 7, 0, 15)) == 0
    assert Package.objects.get(pk=placed.pk).placed_with == sourcing.first.organisation
    assert PurchaseOrder.objects.filter(package_reference=placed.reference).count() == 1
    late = propose(sourcing, placed)
    with pytest.raises(ValidationFailed):
        transfer_withdraw(actor=world.broker, transfer=late, reason="x", now=at(2026, 12, 7, 9))


def test_the_api_takes_a_transfer_through_all_three(world, sourcing, placed, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    first = world.client_for(sourcing.first_user)
    made = first.post(
        "/api/v1/transfers",
        {
            "package_reference": placed.reference,
            "to_provider_id": sourcing.second.pk,
            "transfer_date": "2026-12-07",
            "reason": "Fits their Broomfield round",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    tid = made.json()["id"]
    assert made.json()["notice_days"] == 18
    # A provider that is not a party cannot see it.
    assert (
        world.client_for(sourcing.tier2_user).post(f"/api/v1/transfers/{tid}/agree").status_code
        == 404
    )
    assert (
        world.client_for(sourcing.second_user).post(f"/api/v1/transfers/{tid}/agree").status_code
        == 200
    )
    body = world.client_for(world.broker).post(f"/api/v1/transfers/{tid}/agree").json()
    assert body["status"] == "agreed"
    bad = first.post(
        "/api/v1/transfers",
        {
            "package_reference": placed.reference,
            "to_provider_id": sourcing.fw.good[1].pk,
            "transfer_date": "2026-12-08",
            "reason": "x",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
