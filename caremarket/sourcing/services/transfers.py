"""Transfers of care: a package moves to a provider whose round it fits better, once the
current provider, the receiving provider and the council have all agreed (decision 0093)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import Role, User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.framework.models import Provider, PurchaseOrder
from caremarket.framework.selectors.ranked_lists import ranked_list_in_force
from caremarket.framework.services.purchase_order_transfers import purchase_order_transfer
from caremarket.notifications.services import notification_send
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.models import Package, SourcingDecision, Transfer, TransferStatus
from caremarket.sourcing.selectors.transfers import transfers_due
from caremarket.sourcing.services.engine_io import package_lock

NOT_A_PARTY = "No such transfer."
OPEN = (TransferStatus.PROPOSED, TransferStatus.AGREED)


def _side(actor: Any, transfer: Transfer) -> str | None:
    """Which party the actor speaks for: "council", "from" or "to"."""
    if actor is None:
        return None
    if actor.has_perm("sourcing.manage_packages"):
        return "council"
    if not actor.has_perm("sourcing.view_transfers"):
        return None
    if actor.organisation_id == transfer.from_organisation_id:
        return "from"
    if actor.organisation_id == transfer.to_provider.organisation_id:
        return "to"
    return None


def _notify(
    users: list[User], transfer: Transfer, subject: str, body: str, now: dt.datetime
) -> None:
    notification_send(
        recipients=users,
        event="sourcing.transfer",
        subject=subject,
        body=body,
        url=reverse("sourcing:transfer-list"),
        now=now,
    )


def _parties(transfer: Transfer) -> list[User]:
    return list(
        User.objects.filter(is_active=True).filter(
            organisation_id__in=[
                transfer.from_organisation_id,
                transfer.to_provider.organisation_id,
            ]
        )
    ) + list(User.objects.filter(role=Role.BROKER, is_active=True))


@transaction.atomic
def transfer_propose(
    *,
    actor: Any,
    package: Package,
    to_provider: Provider,
    transfer_date: dt.date,
    reason: str,
    now: dt.datetime,
) -> Transfer:
    """A broker, or the provider delivering the package, proposes moving it."""
    package = package_lock(package.pk)
    council = actor is not None and actor.has_perm("sourcing.manage_packages")
    own = (
        actor is not None
        and actor.has_perm("sourcing.view_transfers")
        and package.placed_with_id == actor.organisation_id
    )
    if not (council or own):
        raise NotFound("No such package among the packages you deliver.", field="package")
    if package.stage != Stage.PLACED.value or package.placed_with_id is None:
        raise ValidationFailed(
            {"package": [f"{package.reference} is not placed: nothing to move."]}
        )
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why the package fits the other round better."]})
    today = timezone.localdate(now)
    if transfer_date <= today:
        raise ValidationFailed(
            {"transfer_date": [f"The transfer date must be after today ({today:%d %B %Y})."]}
        )
    if transfer_date <= package.start_date:
        raise ValidationFailed(
            {
                "transfer_date": [
                    f"The care starts on {package.start_date:%d %B %Y}: a transfer starts after it."
                ]
            }
        )
    if to_provider.organisation_id == package.placed_with_id:
        raise ValidationFailed({"to_provider": ["The package is already with that provider."]})
    listed = ranked_list_in_force(lot=package.lot, on=transfer_date)
    on_lot = {e.provider_id for e in (*listed.tier1, *listed.tier2)}
    if to_provider.pk not in on_lot or not to_provider.is_active:
        raise ValidationFailed(
            {
                "to_provider": [
                    f"{to_provider.name} is not on the framework for {package.lot} on"
                    f" {transfer_date:%d %B %Y}: a transfer goes to a provider on that lot."
                ]
            }
        )
    if Transfer.objects.filter(package=package, status__in=OPEN).exists():
        raise ValidationFailed({"package": [f"{package.reference} already has a transfer open."]})
    transfer = Transfer.objects.create(
        package=package,
        from_organisation_id=package.placed_with_id,
        to_provider=to_provider,
        transfer_date=transfer_date,
        reason=reason.strip()[:500],
        proposed_at=now,
        proposed_by=actor,
        council_approved_at=now if council else None,
        from_agreed_at=now if own else None,
    )
    audit_record(
        actor=actor,
        action="transfer.proposed",
        obj=transfer,
        at=now,
        data={"package": package.reference, "to": to_provider.name, "date": transfer_date},
    )
    _notify(
        _parties(transfer),
        transfer,
        f"Transfer of care proposed: {package.reference} to {to_provider.name}",
        f"{package.reference} ({package.lot}) would move from {transfer.from_organisation} to"
        f" {to_provider.name} on {transfer_date:%A %d %B %Y}. Reason: {transfer.reason}."
        " Nothing changes until all three parties have agreed.",
        now,
    )
    return transfer


@transaction.atomic
def transfer_agree(*, actor: Any, transfer: Transfer, now: dt.datetime) -> Transfer:
    """The receiving provider accepts, the current provider agrees, or the council approves."""
    transfer = (
        Transfer.objects.select_for_update().select_related("to_provider").get(pk=transfer.pk)
    )
    side = _side(actor, transfer)
    if side is None:
        raise NotFound(NOT_A_PARTY)
    if transfer.status != TransferStatus.PROPOSED:
        raise ValidationFailed(f"This transfer is {transfer.get_status_display().lower()}.")
    if transfer.transfer_date <= timezone.localdate(now):
        raise ValidationFailed("The transfer date has passed: propose a new date.")
    field = {"council": "council_approved_at", "from": "from_agreed_at", "to": "to_accepted_at"}[
        side
    ]
    if getattr(transfer, field):
        raise ValidationFailed("You have already agreed to this transfer.")
    setattr(transfer, field, now)
    if transfer.all_agreed:
        transfer.status = TransferStatus.AGREED
    transfer.save(update_fields=[field, "status"])
    audit_record(
        actor=actor,
        action=f"transfer.agreed_by_{side}",
        obj=transfer,
        at=now,
        data={"all_agreed": transfer.all_agreed},
    )
    if transfer.all_agreed:
        _notify(
            _parties(transfer),
            transfer,
            f"Transfer of care agreed: {transfer.package.reference}",
            f"All three parties have agreed: {transfer.to_provider.name} delivers"
            f" {transfer.package.reference} from {transfer.transfer_date:%A %d %B %Y}.",
            now,
        )
    return transfer


@transaction.atomic
def transfer_withdraw(*, actor: Any, transfer: Transfer, reason: str, now: dt.datetime) -> Transfer:
    """Any of the three may withdraw before the date; nothing has changed."""
    transfer = (
        Transfer.objects.select_for_update().select_related("to_provider").get(pk=transfer.pk)
    )
    side = _side(actor, transfer)
    if side is None:
        raise NotFound(NOT_A_PARTY)
    if transfer.status not in OPEN:
        raise ValidationFailed(f"This transfer is {transfer.get_status_display().lower()}.")
    if transfer.transfer_date <= timezone.localdate(now):
        raise ValidationFailed("The transfer date has come: it can no longer be withdrawn.")
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why you are withdrawing."]})
    transfer.status = TransferStatus.WITHDRAWN
    transfer.withdrawn_at = now
    transfer.withdrawn_by = actor
    transfer.withdrawn_reason = reason.strip()[:300]
    transfer.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit_record(
        actor=actor,
        action="transfer.withdrawn",
        obj=transfer,
        at=now,
        data={"side": side, "reason": transfer.withdrawn_reason},
    )
    _notify(
        _parties(transfer),
        transfer,
        f"Transfer of {transfer.package.reference} withdrawn",
        f"Withdrawn by {actor.organisation}: {transfer.withdrawn_reason}. The care stays with"
        f" {transfer.from_organisation}.",
        now,
    )
    return transfer


def transfers_complete_due(*, now: dt.datetime) -> int:
    """On the date: the old order ends the day before, the receiving provider's order starts,
    and the package is placed with it. Safe to run often."""
    done = 0
    for transfer in transfers_due(today=timezone.localdate(now)):
        with transaction.atomic():
            package = package_lock(transfer.package_id)
            locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
            if locked.status != TransferStatus.AGREED:
                continue
            if package.stage != Stage.PLACED.value:
                locked.status = TransferStatus.WITHDRAWN
                locked.withdrawn_at = now
                locked.withdrawn_reason = f"{package.reference} was no longer placed on the date."
                locked.save(update_fields=["status", "withdrawn_at", "withdrawn_reason"])
                audit_record(actor=None, action="transfer.lapsed", obj=locked, at=now)
                continue
            order = None
            if PurchaseOrder.objects.filter(
                package_reference=package.reference, ends_on__isnull=True
            ).exists():
                order = purchase_order_transfer(
                    package_reference=package.reference,
                    to_provider=transfer.to_provider,
                    starts_on=transfer.transfer_date,
                    actor=None,
                    now=now,
                )
            before = package.placed_with
            package.placed_with = transfer.to_provider.organisation
            package.save(update_fields=["placed_with"])
            SourcingDecision.objects.create(
                package=package,
                at=now,
                kind="transferred",
                stage=package.stage,
                provider=transfer.to_provider,
                reason=(
                    f"Transfer of care from {before} to {transfer.to_provider.name} from"
                    f" {transfer.transfer_date:%d %B %Y}"
                    + (f", {order.reference} at £{order.rate}" if order else "")
                    + f". {transfer.reason}"
                )[:1000],
            )
            locked.status = TransferStatus.COMPLETED
            locked.completed_at = now
            locked.new_order_reference = order.reference if order else ""
            locked.save(update_fields=["status", "completed_at", "new_order_reference"])
            audit_record(
                actor=None,
                action="transfer.completed",
                obj=locked,
                at=now,
                changes={"placed_with": [str(before), str(package.placed_with)]},
                data={"order": locked.new_order_reference},
            )
            _notify(
                _parties(locked),
                locked,
                f"{package.reference} now with {transfer.to_provider.name}",
                f"The transfer of care took effect on {transfer.transfer_date:%d %B %Y}"
                + (f": purchase order {order.reference} at £{order.rate}." if order else "."),
                now,
            )
            done += 1
    return done
