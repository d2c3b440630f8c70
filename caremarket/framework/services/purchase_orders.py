"""Purchase orders: a package's price is the provider's rate in force when it starts (0024)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from caremarket.accounts.models import Organisation, User
from caremarket.audit.services import audit_record
from caremarket.common.errors import Conflict, NotFound, ValidationFailed
from caremarket.common.permissions import require
from caremarket.framework.models import Lot, Provider, PurchaseOrder, RateUnit
from caremarket.framework.selectors.prices import rate_in_force

NOT_PERMITTED = "Only brokers and the Live at Home team can issue purchase orders."


def _hours(hours_per_week: Decimal) -> Decimal:
    if hours_per_week <= 0:
        raise ValidationFailed({"hours_per_week": ["Hours a week must be more than 0."]})
    return hours_per_week


def _create(
    *, actor: User | None, now: dt.datetime, reference: str = "", **fields: Any
) -> PurchaseOrder:
    if fields.get("provider") is not None:
        fields.setdefault("organisation", fields["provider"].organisation)
    try:
        with transaction.atomic():
            # The reference is the row's number, so two orders can never race for one.
            order = PurchaseOrder.objects.create(
                reference=reference or f"new-{uuid.uuid4().hex[:12]}",
                issued_by=actor,
                issued_at=now,
                **fields,
            )
    except IntegrityError:
        if reference and PurchaseOrder.objects.filter(reference=reference).exists():
            raise Conflict(f"Purchase order {reference} already exists.") from None
        raise Conflict(
            f"Package {fields['package_reference']} already has a current purchase order."
        ) from None
    if not reference:
        order.reference = f"PO-{order.pk:07d}"
        order.save(update_fields=["reference"])
    audit_record(
        actor=actor,
        action="framework_purchase_order.issued",
        obj=order,
        at=now,
        data={
            "package": order.package_reference,
            "reason": order.reason,
            "pricing": order.pricing,
            "rate": order.rate,
            "unit": order.unit,
            "hours_per_week": order.hours_per_week,
            "starts_on": order.starts_on,
            "supersedes": order.supersedes,
        },
    )
    return order


def _priced(provider: Provider, lot: Lot, on: dt.date) -> dict[str, Any]:
    rate = rate_in_force(provider=provider, lot=lot, on=on)
    if rate is None:
        raise ValidationFailed(
            {
                "starts_on": [
                    f"{provider.name} has no rate for {lot} in force on {on:%d %B %Y}: "
                    "it has not selected one from that year's price matrix."
                ]
            }
        )
    return {"rate": rate.amount, "unit": rate.unit, "rate_selection": rate.selection}


def _first_order_checks(
    actor: User | None, provider: Provider | None, package_reference: str
) -> None:
    require(actor, "framework.issue_purchase_orders", provider, NOT_PERMITTED)
    if PurchaseOrder.objects.filter(package_reference=package_reference).exists():
        raise Conflict(
            f"Package {package_reference} already has purchase orders: change its hours instead."
        )


@transaction.atomic
def purchase_order_issue(
    *,
    package_reference: str,
    provider: Provider,
    lot: Lot,
    hours_per_week: Decimal,
    starts_on: dt.date,
    actor: User | None,
    now: dt.datetime,
) -> PurchaseOrder:
    """The first purchase order of a newly placed package, at the rate in force on its start."""
    _first_order_checks(actor, provider, package_reference)
    return _create(
        actor=actor,
        now=now,
        package_reference=package_reference,
        provider=provider,
        lot=lot,
        hours_per_week=_hours(hours_per_week),
        starts_on=starts_on,
        reason=PurchaseOrder.Reason.NEW_PACKAGE,
        **_priced(provider, lot, starts_on),
    )


@transaction.atomic
def purchase_order_issue_agreed(
    *,
    package_reference: str,
    organisation: Organisation,
    lot: Lot,
    hours_per_week: Decimal,
    rate: Decimal,
    spot: bool,
    starts_on: dt.date,
    actor: User | None,
    now: dt.datetime,
) -> PurchaseOrder:
    """The first order of a package placed outside the price matrix (a mini-competition, an
    Available Packages proposal or a spot purchase), at the rate agreed for it.

    The rate is per the unit the lot's service type is priced in (decision 0074).
    """
    provider = Provider.objects.filter(organisation=organisation).first()
    require(actor, "framework.issue_purchase_orders", provider, NOT_PERMITTED)
    if PurchaseOrder.objects.filter(package_reference=package_reference).exists():
        raise Conflict(
            f"Package {package_reference} already has purchase orders: change its hours instead."
        )
    if rate <= 0:
        raise ValidationFailed({"rate": ["The agreed rate must be more than £0."]})
    return _create(
        actor=actor,
        now=now,
        package_reference=package_reference,
        provider=provider,
        organisation=organisation,
        lot=lot,
        hours_per_week=_hours(hours_per_week),
        starts_on=starts_on,
        reason=PurchaseOrder.Reason.NEW_PACKAGE,
        pricing=PurchaseOrder.Pricing.SPOT if spot else PurchaseOrder.Pricing.AGREED,
        rate=rate,
        unit=lot.rate_unit,
    )


@transaction.atomic
def purchase_order_carry_over(
    *,
    package_reference: str,
    provider: Provider | None,
    lot: Lot,
    hours_per_week: Decimal,
    rate: Decimal,
    unit: str = RateUnit.HOUR,
    starts_on: dt.date,
    actor: User | None,
    now: dt.datetime,
    reference: str = "",
    organisation: Organisation | None = None,
) -> PurchaseOrder:
    """A package from before the framework: it keeps its old price until it changes.

    `reference` keeps the council's own purchase order number, when it has one. Spot care
    (no `provider`, only the agency's `organisation`) is marked spot and keeps its price even
    when its hours change.
    """
    if provider is None and organisation is None:
        raise ValidationFailed({"provider": ["Say which provider delivers the care."]})
    _first_order_checks(actor, provider, package_reference)
    if rate <= 0:
        raise ValidationFailed({"rate": ["The old price must be more than £0."]})
    return _create(
        actor=actor,
        now=now,
        reference=reference.strip()[:20],
        package_reference=package_reference,
        provider=provider,
        lot=lot,
        hours_per_week=_hours(hours_per_week),
        starts_on=starts_on,
        reason=PurchaseOrder.Reason.CARRIED_OVER,
        pricing=PurchaseOrder.Pricing.MATRIX if provider else PurchaseOrder.Pricing.SPOT,
        organisation=organisation or provider.organisation,  # type: ignore[union-attr]
        rate=rate,
        unit=unit,
    )


@transaction.atomic
def purchase_order_change_hours(
    *,
    package_reference: str,
    hours_per_week: Decimal,
    starts_on: dt.date,
    actor: User | None,
    now: dt.datetime,
) -> PurchaseOrder:
    """A change of hours ends the current order and issues one at the rate then in force.

    A rate agreed outside the matrix (mini-competition, proposal, spot) was agreed for this
    package, so the next order keeps it (decision 0074). The same hours as now change nothing
    and return the current order.
    """
    current = (
        PurchaseOrder.objects.select_for_update(of=("self",))
        .select_related("provider__organisation", "organisation", "lot__district")
        .filter(package_reference=package_reference, ends_on__isnull=True)
        .first()
    )
    if current is None:
        raise NotFound(f"Package {package_reference} has no current purchase order.")
    require(actor, "framework.issue_purchase_orders", current.provider, NOT_PERMITTED)
    hours = _hours(hours_per_week)
    if hours == current.hours_per_week:
        return current
    if starts_on <= current.starts_on:
        raise ValidationFailed(
            {
                "starts_on": [
                    f"The change must start after {current.reference} began on "
                    f"{current.starts_on:%d %B %Y}."
                ]
            }
        )
    priced: dict[str, Any]
    if current.pricing == PurchaseOrder.Pricing.MATRIX and current.provider is not None:
        priced = _priced(current.provider, current.lot, starts_on)
    else:
        priced = {"rate": current.rate, "unit": current.unit, "pricing": current.pricing}
    current.ends_on = starts_on - dt.timedelta(days=1)
    current.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="framework_purchase_order.ended",
        obj=current,
        at=now,
        changes={"ends_on": [None, current.ends_on]},
    )
    return _create(
        actor=actor,
        now=now,
        package_reference=package_reference,
        provider=current.provider,
        organisation=current.organisation,
        lot=current.lot,
        hours_per_week=hours,
        starts_on=starts_on,
        reason=PurchaseOrder.Reason.CHANGE_OF_HOURS,
        supersedes=current,
        **priced,
    )


@transaction.atomic
def purchase_order_end(
    *, package_reference: str, ends_on: dt.date, reason: str, actor: User | None, now: dt.datetime
) -> PurchaseOrder | None:
    """The package's care has ended: its current order ends on the last day of care.

    A package placed outside the price matrix has no order, and nothing changes (None).
    """
    current = (
        PurchaseOrder.objects.select_for_update(of=("self",))
        .select_related("provider__organisation")
        .filter(package_reference=package_reference, ends_on__isnull=True)
        .first()
    )
    if current is None:
        return None
    require(actor, "framework.issue_purchase_orders", current.provider, NOT_PERMITTED)
    if ends_on < current.starts_on:
        raise ValidationFailed(
            {
                "ends_on": [
                    f"{current.reference} for package {package_reference} starts on "
                    f"{current.starts_on:%d %B %Y}: the care cannot end before it."
                ]
            }
        )
    current.ends_on = ends_on
    current.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="framework_purchase_order.ended",
        obj=current,
        at=now,
        changes={"ends_on": [None, ends_on]},
        data={"reason": reason.strip(), "package_ended": True},
    )
    return current
