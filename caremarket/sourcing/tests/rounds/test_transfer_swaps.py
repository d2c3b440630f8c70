"""A swap: two linked transfers agreed once by each party and completed together or not at all."""

import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.framework.models import PurchaseOrder
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import Package, Transfer, TransferStatus
from caremarket.sourcing.services import transfers as transfer_services
from caremarket.sourcing.services.offers import offer_accept
from caremarket.sourcing.services.packages import package_end
from caremarket.sourcing.services.transfers import (
    transfer_agree,
    transfer_swap_propose,
    transfer_withdraw,
    transfers_complete_due,
)
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.rounds.conftest import client_of, postcode_at

SWAP_ON = dt.date(2026, 12, 7)
ON_THE_DATE = at(2026, 12, 7, 0, 15)


@pytest.fixture
def pair(world, sourcing):
    """One package with the first provider, one with the second."""
    mine = sourcing.package(world.broker)
    offer_accept(actor=sourcing.first_user, offer=mine.offers.get(), now=THURSDAY)
    theirs = client_of(
        sourcing, world.broker, sourcing.second.organisation, postcode_at("CM1 7SW"), n=1
    )
    return mine, theirs


def swap(world, pair, actor=None, **kw):
    fields = {
        "transfer_date": SWAP_ON,
        "reason": "Each fits the other's round",
        "now": THURSDAY,
    }
    fields.update(kw)
    return transfer_swap_propose(
        actor=actor or world.broker, package=pair[0], other_package=pair[1], **fields
    )


def open_orders(package):
    return PurchaseOrder.objects.filter(package_reference=package.reference, ends_on__isnull=True)


def test_the_council_proposes_a_swap_of_two_linked_legs(world, sourcing, pair):
    first, second = swap(world, pair)
    assert first.swap_with == second and second.swap_with == first
    assert first.to_provider == sourcing.second and second.to_provider == sourcing.first
    assert first.transfer_date == second.transfer_date == SWAP_ON
    assert first.council_approved_at and second.council_approved_at  # the council proposed
    assert first.status == second.status == TransferStatus.PROPOSED
    assert AuditEvent.objects.filter(action="transfer.proposed").count() == 2
    assert Notification.objects.filter(
        event="sourcing.transfer", recipient=sourcing.second_user, subject__startswith="Swap"
    ).exists()


def test_a_provider_cannot_propose_a_swap(world, sourcing, pair):
    with pytest.raises(NotFound):
        swap(world, pair, actor=sourcing.first_user)
    assert not Transfer.objects.exists()


def test_a_refused_leg_stores_neither(world, sourcing, pair):
    mine, theirs = pair
    transfer_services.transfer_propose(
        actor=sourcing.second_user,
        package=theirs,
        to_provider=sourcing.tier2,
        transfer_date=SWAP_ON,
        reason="Already moving",
        now=THURSDAY,
    )
    with pytest.raises(ValidationFailed) as exc:
        swap(world, pair)  # the first leg is good; the second package already has one open
    assert f"{theirs.reference} already has a transfer open" in exc.value.message
    assert not Transfer.objects.filter(package=mine).exists()
    with pytest.raises(ValidationFailed) as exc:
        swap(world, pair, transfer_date=dt.date(2026, 11, 19))
    assert "must be after today" in exc.value.message
    with pytest.raises(ValidationFailed):
        swap(world, (mine, mine))
    assert Transfer.objects.count() == 1


def test_each_party_agrees_once_and_both_orders_move_on_the_date(world, sourcing, pair):
    mine, theirs = pair
    first, second = swap(world, pair)
    transfer_agree(actor=sourcing.first_user, transfer=first, now=THURSDAY)
    first.refresh_from_db()
    second.refresh_from_db()
    # The first provider's one agreement is its giving of one and its taking of the other.
    assert first.from_agreed_at and second.to_accepted_at
    assert first.status == second.status == TransferStatus.PROPOSED
    with pytest.raises(ValidationFailed):
        transfer_agree(actor=sourcing.first_user, transfer=second, now=THURSDAY)
    with pytest.raises(NotFound):
        transfer_agree(actor=sourcing.tier2_user, transfer=first, now=THURSDAY)
    assert transfers_complete_due(now=ON_THE_DATE) == 0
    transfer_agree(actor=sourcing.second_user, transfer=second, now=THURSDAY)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == TransferStatus.AGREED
    assert transfers_complete_due(now=at(2026, 12, 6, 23, 45)) == 0
    assert transfers_complete_due(now=ON_THE_DATE) == 2
    assert transfers_complete_due(now=at(2026, 12, 7, 0, 30)) == 0
    for package, old_provider, new_provider in (
        (mine, sourcing.first, sourcing.second),
        (theirs, sourcing.second, sourcing.first),
    ):
        assert Package.objects.get(pk=package.pk).placed_with == new_provider.organisation
        old, new = PurchaseOrder.objects.filter(package_reference=package.reference).order_by("id")
        assert old.provider == old_provider and old.ends_on == dt.date(2026, 12, 6)
        assert new.provider == new_provider and new.starts_on == SWAP_ON and new.supersedes == old
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == TransferStatus.COMPLETED
    assert {first.new_order_reference, second.new_order_reference} == {
        open_orders(mine).get().reference,
        open_orders(theirs).get().reference,
    }
    assert AuditEvent.objects.filter(action="transfer.completed").count() == 2


def test_withdrawing_one_leg_withdraws_both(world, sourcing, pair):
    mine, theirs = pair
    first, second = swap(world, pair)
    transfer_agree(actor=sourcing.first_user, transfer=first, now=THURSDAY)
    transfer_withdraw(
        actor=sourcing.second_user, transfer=second, reason="Lost two carers", now=THURSDAY
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == TransferStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="transfer.withdrawn").count() == 2
    assert transfers_complete_due(now=ON_THE_DATE) == 0
    assert Package.objects.get(pk=mine.pk).placed_with == sourcing.first.organisation
    assert PurchaseOrder.objects.filter(package_reference=theirs.reference).count() == 1


def test_a_failure_on_the_second_leg_rolls_back_the_first(world, sourcing, pair, monkeypatch):
    mine, theirs = pair
    first, second = swap(world, pair)
    transfer_agree(actor=sourcing.first_user, transfer=first, now=THURSDAY)
    transfer_agree(actor=sourcing.second_user, transfer=second, now=THURSDAY)
    real = transfer_services.purchase_order_transfer
    calls = []

    def second_fails(**kw):
        calls.append(kw["package_reference"])
        if len(calls) == 2:
            raise RuntimeError("the second order could not be written")
        return real(**kw)

    monkeypatch.setattr(transfer_services, "purchase_order_transfer", second_fails)
    with pytest.raises(RuntimeError):
        transfers_complete_due(now=ON_THE_DATE)
    assert len(calls) == 2  # the first leg's order was written, then undone
    for package, provider in ((mine, sourcing.first), (theirs, sourcing.second)):
        assert Package.objects.get(pk=package.pk).placed_with == provider.organisation
        assert PurchaseOrder.objects.filter(package_reference=package.reference).count() == 1
        assert open_orders(package).get().provider == provider
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == TransferStatus.AGREED
    monkeypatch.setattr(transfer_services, "purchase_order_transfer", real)
    assert transfers_complete_due(now=ON_THE_DATE) == 2  # tried again, both move


def test_the_api_proposes_a_swap_and_lists_both_legs(world, sourcing, pair, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    mine, theirs = pair
    body = {
        "package_reference": mine.reference,
        "other_package_reference": theirs.reference,
        "transfer_date": "2026-12-07",
        "reason": "Each fits the other's round",
    }
    refused = world.client_for(sourcing.first_user).post(
        "/api/v1/transfers/swaps", body, content_type="application/json"
    )
    assert refused.status_code == 404
    made = world.client_for(world.broker).post(
        "/api/v1/transfers/swaps", body, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    a, b = made.json()
    assert a["swap_with"] == b["id"] and b["swap_with"] == a["id"]
    listed = world.client_for(sourcing.second_user).get("/api/v1/transfers").json()
    assert {(t["id"], t["swap_with"]) for t in listed} == {(a["id"], b["id"]), (b["id"], a["id"])}
    assert world.client_for(sourcing.tier2_user).get("/api/v1/transfers").json() == []
    bad = world.client_for(world.broker).post(
        "/api/v1/transfers/swaps",
        {**body, "transfer_date": "2026-11-19"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert Transfer.objects.count() == 2
    for user in (sourcing.first_user, sourcing.second_user):
        response = world.client_for(user).post(f"/api/v1/transfers/{a['id']}/agree")
        assert response.status_code == 200
    assert Transfer.objects.filter(status=TransferStatus.AGREED).count() == 2


def test_the_swap_operation_documents_its_status_codes(world):
    schema = world.client_for(world.broker).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/transfers/swaps"]["post"]
    assert {"201", "401", "403", "404", "422"} <= set(operation["responses"])
    assert "swap_with" in str(schema["components"]["schemas"]["TransferOut"]["properties"])


def test_only_the_council_opens_the_swap_page(world, sourcing):
    assert world.client_for(world.broker).get("/sourcing/transfers/swap/").status_code == 200
    provider = world.client_for(sourcing.first_user).get("/sourcing/transfers/swap/")
    assert provider.status_code == 404


def test_a_swap_whose_package_has_ended_lapses_both_legs(world, sourcing, pair):
    mine, theirs = pair
    first, second = swap(world, pair)
    transfer_agree(actor=sourcing.first_user, transfer=first, now=THURSDAY)
    transfer_agree(actor=sourcing.second_user, transfer=second, now=THURSDAY)
    package_end(
        actor=world.broker,
        package=theirs,
        ends_on=dt.date(2026, 12, 4),
        reason="Moved into a care home",
        now=at(2026, 12, 4, 12),
    )
    assert transfers_complete_due(now=ON_THE_DATE) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == TransferStatus.WITHDRAWN
    assert theirs.reference in first.withdrawn_reason
    assert AuditEvent.objects.filter(action="transfer.lapsed").count() == 2
    # The package still placed stays with its provider, on its order.
    assert Package.objects.get(pk=mine.pk).placed_with == sourcing.first.organisation
    assert open_orders(mine).get().provider == sourcing.first
