"""A transfer of care: the current order ends and the receiving provider's starts the next day."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.common.permissions import require
from caremarket.framework.models import Provider, PurchaseOrder
from caremarket.framework.services.purchase_orders import NOT_PERMITTED, _create, _priced


@transaction.atomic
def purchase_order_transfer(
    *,
    package_reference: str,
    to_provider: Provider,
    starts_on: dt.date,
    actor: User | None,
    now: dt.datetime,
) -> PurchaseOrder:
    """The package changes provider on `starts_on`: priced as a changed package, at the
    receiving provider's rate in force that day (decision 0093)."""
    current = (
        PurchaseOrder.objects.select_for_update(of=("self",))
        .select_related("provider", "lot")
        .filter(package_reference=package_reference, ends_on__isnull=True)
        .first()
    )
    if current is None:
        raise NotFound(f"Package {package_reference} has no current purchase order.")
    require(actor, "framework.issue_purchase_orders", current.provider, NOT_PERMITTED)
    if starts_on <= current.starts_on:
        raise ValidationFailed(
            {
                "transfer_date": [
                    f"The transfer must start after {current.reference} began on "
                    f"{current.starts_on:%d %B %Y}."
                ]
            }
        )
    priced = _priced(to_provider, current.lot, starts_on)
    current.ends_on = starts_on - dt.timedelta(days=1)
    current.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="framework_purchase_order.ended",
        obj=current,
        at=now,
        changes={"ends_on": [None, current.ends_on]},
        data={"why": "transfer of care", "to": to_provider.name},
    )
    return _create(
        actor=actor,
        now=now,
        package_reference=package_reference,
        provider=to_provider,
        lot=current.lot,
        hours_per_week=current.hours_per_week,
        starts_on=starts_on,
        reason=PurchaseOrder.Reason.TRANSFER,
        supersedes=current,
        **priced,
    )
