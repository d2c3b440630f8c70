"""Transfers of care: a package moves to a provider whose round it fits better, once the
current provider, the receiving provider and the council have all agreed (decision 0093)."""

from __future__ import annotations

import datetime as dt

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


def _side(actor: User | None, transfer: Transfer) -> str | None:
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


def _require_placed(package: Package) -> None:
    if package.stage != Stage.PLACED.value or package.placed_with_id is None:
        raise ValidationFailed(
            {"package": [f"{package.reference} is not placed: nothing to move."]}
        )


def _leg_refusal(
    *,
    package: Package,
    to_provider: Provider,
    transfer_date: dt.date,
    reason: str,
    now: dt.datetime,
) -> None:
    """The rules every transfer keeps, single or one leg of a swap; raises with the reason."""
    _require_placed(package)
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


def _leg_create(
    *,
    actor: User,
    package: Package,
    to_provider: Provider,
    transfer_date: dt.date,
    reason: str,
    council: bool,
    own: bool,
    now: dt.datetime,
) -> Transfer:
    if package.placed_with_id is None:  # refused by _leg_refusal already; for the type
        raise ValidationFailed({"package": [f"{package.reference} is not placed."]})
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
    return transfer


@transaction.atomic
def transfer_propose(
    *,
    actor: User,
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
    _leg_refusal(
        package=package,
        to_provider=to_provider,
        transfer_date=transfer_date,
        reason=reason,
        now=now,
    )
    transfer = _leg_create(
        actor=actor,
        package=package,
        to_provider=to_provider,
        transfer_date=transfer_date,
        reason=reason,
        council=council,
        own=own,
        now=now,
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
def transfer_swap_propose(
    *,
    actor: User,
    package: Package,
    other_package: Package,
    transfer_date: dt.date,
    reason: str,
    now: dt.datetime,
) -> tuple[Transfer, Transfer]:
    """The council proposes a swap: each package moves to the other's provider on the same
    date. Only the council, which sees both packages, names them (decision 0093)."""
    if actor is None or not actor.has_perm("sourcing.manage_packages"):
        raise NotFound("Only the council proposes a swap of two packages.", field="package")
    if package.pk == other_package.pk:
        raise ValidationFailed({"other_package": ["A swap takes two different packages."]})
    # Locked in a fixed order so two swaps naming the same pair cannot deadlock.
    locked = {pk: package_lock(pk) for pk in sorted((package.pk, other_package.pk))}
    package, other_package = locked[package.pk], locked[other_package.pk]
    # Before the providers are looked up from whom each package is placed with.
    for one in (package, other_package):
        _require_placed(one)
    if package.placed_with_id == other_package.placed_with_id:
        raise ValidationFailed(
            {"other_package": ["Both packages are with the same provider: nothing to swap."]}
        )
    providers = {
        p.organisation_id: p
        for p in Provider.objects.filter(
            organisation_id__in=(package.placed_with_id, other_package.placed_with_id)
        ).select_related("organisation")
    }
    legs = []
    for one, to_org in (
        (package, other_package.placed_with_id),
        (other_package, package.placed_with_id),
    ):
        if to_org not in providers:
            raise ValidationFailed(
                {"package": [f"{one.reference}: the other side is no provider."]}
            )
        _leg_refusal(
            package=one,
            to_provider=providers[to_org],
            transfer_date=transfer_date,
            reason=reason,
            now=now,
        )
        legs.append((one, providers[to_org]))
    first, second = (
        _leg_create(
            actor=actor,
            package=one,
            to_provider=to_provider,
            transfer_date=transfer_date,
            reason=reason,
            council=True,
            own=False,
            now=now,
        )
        for one, to_provider in legs
    )
    first.swap_with, second.swap_with = second, first
    first.save(update_fields=["swap_with"])
    second.save(update_fields=["swap_with"])
    _notify_swap(first, second, now)
    return first, second


def _notify_swap(first: Transfer, second: Transfer, now: dt.datetime) -> None:
    _notify(
        _parties(first),
        first,
        f"Swap of care proposed: {first.package.reference} and {second.package.reference}",
        f"{first.package.reference} would move from {first.from_organisation} to"
        f" {first.to_provider.name}, and {second.package.reference} from"
        f" {second.from_organisation} to {second.to_provider.name}, both on"
        f" {first.transfer_date:%A %d %B %Y}. Reason: {first.reason}. Nothing changes until"
        " both providers and the council have agreed; the two moves happen together or not at all.",
        now,
    )


def _legs_locked(transfer: Transfer) -> list[Transfer]:
    """The transfer, and the other leg if it is one of a swap, locked; the asked-for one first.
    The link is set when the swap is proposed and never changes, so it is read unlocked."""
    other = Transfer.objects.filter(pk=transfer.pk).values_list("swap_with_id", flat=True).first()
    ids = [transfer.pk] if other is None else [transfer.pk, other]
    legs = list(
        Transfer.objects.select_for_update()
        .select_related("to_provider", "package")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if not legs:
        raise NotFound(NOT_A_PARTY)
    return sorted(legs, key=lambda leg: leg.pk != transfer.pk)


AGREEMENT = {"council": "council_approved_at", "from": "from_agreed_at", "to": "to_accepted_at"}


@transaction.atomic
def transfer_agree(*, actor: User | None, transfer: Transfer, now: dt.datetime) -> Transfer:
    """The receiving provider accepts, the current provider agrees, or the council approves.
    In a swap one agreement covers both legs: each provider gives one package and takes one."""
    legs = _legs_locked(transfer)
    sides = []
    for leg in legs:
        side = _side(actor, leg)
        if side is None:
            raise NotFound(NOT_A_PARTY)
        if leg.status != TransferStatus.PROPOSED:
            raise ValidationFailed(f"This transfer is {leg.get_status_display().lower()}.")
        if leg.transfer_date <= timezone.localdate(now):
            raise ValidationFailed("The transfer date has passed: propose a new date.")
        if getattr(leg, AGREEMENT[side]):
            raise ValidationFailed("You have already agreed to this transfer.")
        sides.append(side)
    for leg, side in zip(legs, sides, strict=True):
        setattr(leg, AGREEMENT[side], now)
    # A swap's legs become agreed together: neither moves on its own.
    agreed = all(leg.all_agreed for leg in legs)
    for leg, side in zip(legs, sides, strict=True):
        if agreed:
            leg.status = TransferStatus.AGREED
        leg.save(update_fields=[AGREEMENT[side], "status"])
        audit_record(
            actor=actor,
            action=f"transfer.agreed_by_{side}",
            obj=leg,
            at=now,
            data={"all_agreed": agreed, "swap_with": leg.swap_with_id},
        )
    if agreed:
        moves = "; ".join(
            f"{leg.to_provider.name} delivers {leg.package.reference}" for leg in legs
        )
        _notify(
            _parties(legs[0]),
            legs[0],
            "Transfer of care agreed: " + " and ".join(leg.package.reference for leg in legs),
            f"All three parties have agreed: {moves} from {legs[0].transfer_date:%A %d %B %Y}.",
            now,
        )
    return legs[0]


@transaction.atomic
def transfer_withdraw(
    *, actor: User, transfer: Transfer, reason: str, now: dt.datetime
) -> Transfer:
    """Any of the three may withdraw before the date; nothing has changed. Withdrawing either
    leg of a swap withdraws both."""
    legs = _legs_locked(transfer)
    sides = []
    for leg in legs:
        side = _side(actor, leg)
        if side is None:
            raise NotFound(NOT_A_PARTY)
        if leg.status not in OPEN:
            raise ValidationFailed(f"This transfer is {leg.get_status_display().lower()}.")
        if leg.transfer_date <= timezone.localdate(now):
            raise ValidationFailed("The transfer date has come: it can no longer be withdrawn.")
        sides.append(side)
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why you are withdrawing."]})
    for leg, side in zip(legs, sides, strict=True):
        leg.status = TransferStatus.WITHDRAWN
        leg.withdrawn_at = now
        leg.withdrawn_by = actor
        leg.withdrawn_reason = reason.strip()[:300]
        leg.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        audit_record(
            actor=actor,
            action="transfer.withdrawn",
            obj=leg,
            at=now,
            data={"side": side, "reason": leg.withdrawn_reason, "swap_with": leg.swap_with_id},
        )
    first = legs[0]
    _notify(
        _parties(first),
        first,
        "Transfer of " + " and ".join(leg.package.reference for leg in legs) + " withdrawn",
        f"Withdrawn by {actor.organisation}: {first.withdrawn_reason}. The care stays with "
        + " and ".join(str(leg.from_organisation) for leg in legs)
        + ".",
        now,
    )
    return first


def _lapse(leg: Transfer, why: str, now: dt.datetime) -> None:
    leg.status = TransferStatus.WITHDRAWN
    leg.withdrawn_at = now
    leg.withdrawn_reason = why[:300]
    leg.save(update_fields=["status", "withdrawn_at", "withdrawn_reason"])
    audit_record(actor=None, action="transfer.lapsed", obj=leg, at=now)


def _move(leg: Transfer, package: Package, now: dt.datetime) -> None:
    """One leg takes effect: the old order ends the day before, the receiving provider's order
    starts, and the package is placed with it."""
    order = None
    if PurchaseOrder.objects.filter(
        package_reference=package.reference, ends_on__isnull=True
    ).exists():
        order = purchase_order_transfer(
            package_reference=package.reference,
            to_provider=leg.to_provider,
            starts_on=leg.transfer_date,
            actor=None,
            now=now,
        )
    before = package.placed_with
    package.placed_with = leg.to_provider.organisation
    package.save(update_fields=["placed_with"])
    SourcingDecision.objects.create(
        package=package,
        at=now,
        kind="transferred",
        stage=package.stage,
        provider=leg.to_provider,
        reason=(
            f"Transfer of care from {before} to {leg.to_provider.name} from"
            f" {leg.transfer_date:%d %B %Y}"
            + (f", {order.reference} at £{order.rate}" if order else "")
            + f". {leg.reason}"
        )[:1000],
    )
    leg.status = TransferStatus.COMPLETED
    leg.completed_at = now
    leg.new_order_reference = order.reference if order else ""
    leg.save(update_fields=["status", "completed_at", "new_order_reference"])
    audit_record(
        actor=None,
        action="transfer.completed",
        obj=leg,
        at=now,
        changes={"placed_with": [str(before), str(package.placed_with)]},
        data={"order": leg.new_order_reference, "swap_with": leg.swap_with_id},
    )
    _notify(
        _parties(leg),
        leg,
        f"{package.reference} now with {leg.to_provider.name}",
        f"The transfer of care took effect on {leg.transfer_date:%d %B %Y}"
        + (f": purchase order {order.reference} at £{order.rate}." if order else "."),
        now,
    )


@transaction.atomic
def _complete(transfer: Transfer, now: dt.datetime) -> int:
    """A transfer, or both legs of a swap, in one transaction: both move or neither does."""
    pairs = Transfer.objects.filter(pk__in=[transfer.pk, transfer.swap_with_id or transfer.pk])
    package_ids = sorted(set(pairs.values_list("package_id", flat=True)))
    packages = {pk: package_lock(pk) for pk in package_ids}  # packages first, as elsewhere
    legs = list(
        Transfer.objects.select_for_update()
        .select_related("to_provider__organisation")
        .filter(pk__in=pairs.values("pk"))
        .order_by("pk")
    )
    if any(leg.status != TransferStatus.AGREED for leg in legs):
        return 0
    gone = [p.reference for p in packages.values() if p.stage != Stage.PLACED.value]
    if gone:
        for leg in legs:
            _lapse(leg, f"{', '.join(gone)} was no longer placed on the date.", now)
        return 0
    for leg in legs:
        _move(leg, packages[leg.package_id], now)
    return len(legs)


def transfers_complete_due(*, now: dt.datetime) -> int:
    """On the date every agreed transfer takes effect; a swap's two legs together. Safe to
    run often."""
    done = 0
    taken: set[int] = set()
    for transfer in transfers_due(today=timezone.localdate(now)):
        if transfer.pk in taken:
            continue
        taken.update(pk for pk in (transfer.pk, transfer.swap_with_id) if pk)
        done += _complete(transfer, now)
    return done
