"""Purchase orders: listed, issued, and changed when a package's hours change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from caremarket.accounts.selectors import current_user
from caremarket.common.pagination import Pagination
from caremarket.framework.apis.common import LotOut, lot_out, perm_require, router
from caremarket.framework.models import (
    Lot,
    Provider,
    PurchaseOrder,
)
from caremarket.framework.selectors.purchase_orders import (
    purchase_order_history,
    purchase_order_list_visible_to,
)
from caremarket.framework.services.purchase_orders import (
    purchase_order_change_hours,
    purchase_order_issue,
)


class OrderOut(Schema):
    id: int
    reference: str
    package_reference: str
    # Empty for a spot agency's order; the organisation always names who delivers.
    provider_id: int | None
    organisation_id: int
    lot: LotOut
    hours_per_week: Decimal
    rate: Decimal
    unit: str = Field(description="What the rate is per: hour, night or week.")
    pricing: str = Field(
        description="matrix (the price matrix), agreed (a mini-competition or a proposal) "
        "or spot (a spot purchase); only matrix orders are repriced when the hours change."
    )
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None
    supersedes_id: int | None


class OrderIn(Schema):
    package_reference: str
    provider_id: int
    lot_id: int
    hours_per_week: Decimal
    starts_on: dt.date


class ChangeHoursIn(Schema):
    hours_per_week: Decimal
    starts_on: dt.date


def _order(o: PurchaseOrder) -> dict[str, object]:
    return {
        **{k: getattr(o, k) for k in OrderOut.model_fields if k != "lot"},
        "lot": lot_out(o.lot),
    }


@router.get("/purchase-orders", response=list[OrderOut], summary="Purchase orders you may see")
@paginate(Pagination)
def purchase_orders(request: HttpRequest, package_reference: str = "") -> object:
    perm_require(request, "framework.view_framework")
    if package_reference:
        return [
            _order(o)
            for o in purchase_order_history(package_reference=package_reference)
            if request.user.has_perm("framework.view_provider", o)
        ]
    # Every order, a page at a time, with the total (it used to stop silently at 500).
    return _OrderPage(purchase_order_list_visible_to(viewer=request.user))


class _OrderPage:
    """The visible orders as the paginator slices them: counted in SQL, shaped per page."""

    def __init__(self, orders: QuerySet[PurchaseOrder]):
        self.orders = orders

    def all(self) -> QuerySet[PurchaseOrder]:
        return self.orders

    def __len__(self) -> int:
        return self.orders.count()

    def __getitem__(self, page: slice) -> list[dict[str, object]]:
        return [_order(o) for o in self.orders[page]]


@router.post("/purchase-orders", response={201: OrderOut}, summary="Issue a package's first order")
def purchase_order_create(request: HttpRequest, payload: OrderIn) -> Status:
    perm_require(request, "framework.issue_purchase_orders")
    order = purchase_order_issue(
        package_reference=payload.package_reference,
        provider=get_object_or_404(Provider, pk=payload.provider_id),
        lot=get_object_or_404(Lot.objects.select_related("district"), pk=payload.lot_id),
        hours_per_week=payload.hours_per_week,
        starts_on=payload.starts_on,
        actor=current_user(request),
        now=timezone.now(),
    )
    return Status(201, _order(order))


@router.post(
    "/purchase-orders/packages/{package_reference}/change-hours",
    response={200: OrderOut, 201: OrderOut},
    summary="Change a package's hours (a new order at the rate then in force)",
)
def purchase_order_hours(
    request: HttpRequest, package_reference: str, payload: ChangeHoursIn
) -> Status:
    perm_require(request, "framework.issue_purchase_orders")
    before = purchase_order_history(package_reference=package_reference)
    order = purchase_order_change_hours(
        package_reference=package_reference,
        hours_per_week=payload.hours_per_week,
        starts_on=payload.starts_on,
        actor=current_user(request),
        now=timezone.now(),
    )
    new = not before or order.pk != before[-1].pk
    return Status(201 if new else 200, _order(order))
