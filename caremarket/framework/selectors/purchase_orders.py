from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from caremarket.framework.models import Provider, PurchaseOrder


def _orders() -> QuerySet[PurchaseOrder]:
    return PurchaseOrder.objects.select_related(
        "provider__organisation", "organisation", "lot__district", "issued_by", "supersedes"
    )


def purchase_order_history(*, package_reference: str) -> list[PurchaseOrder]:
    """Every purchase order of a package, oldest first: the package's price history."""
    return list(_orders().filter(package_reference=package_reference).order_by("starts_on", "pk"))


def purchase_order_current(*, package_reference: str) -> PurchaseOrder | None:
    return _orders().filter(package_reference=package_reference, ends_on__isnull=True).first()


def purchase_order_list_visible_to(
    *, viewer: Any, provider: Provider | None = None, search: str = ""
) -> QuerySet[PurchaseOrder]:
    qs = _orders()
    if not viewer.has_perm("framework.list_purchase_orders"):
        qs = qs.filter(organisation_id=viewer.organisation_id)
    if provider is not None:
        qs = qs.filter(provider=provider)
    if search:
        qs = qs.filter(package_reference__icontains=search)
    return qs.order_by("-issued_at", "-pk")
