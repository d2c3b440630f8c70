"""The broker's best-placed providers for a package, by round fit."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema

from caremarket.common.permissions import require_visible
from caremarket.sourcing.apis.common import package_or_404, rounds_router
from caremarket.sourcing.selectors.round_fit import best_placed


class BestPlacedOut(Schema):
    provider_id: int
    provider: str
    tier: int
    position: int
    within_1km: int | None
    within_2km: int | None
    within_5km: int | None
    nearest_km: Decimal | None
    calls_fitting: list[str]


@rounds_router.get(
    "/packages/{package_id}/best-placed",
    response=list[BestPlacedOut],
    summary="The lot's providers ordered by round fit, beside their ranked-list place (council)",
    operation_id="caremarket_sourcing_rounds_apis_best_placed_list",
)
def best_placed_list(request: HttpRequest, package_id: int) -> list[BestPlacedOut]:
    require_visible(request.user, "sourcing.view_packages")
    package = package_or_404(package_id)
    return [
        BestPlacedOut(
            provider_id=r.provider_id,
            provider=r.name,
            tier=r.tier,
            position=r.position,
            within_1km=r.fit.within_1km if r.fit else None,
            within_2km=r.fit.within_2km if r.fit else None,
            within_5km=r.fit.within_5km if r.fit else None,
            nearest_km=r.fit.nearest_km if r.fit else None,
            calls_fitting=r.fit.calls_fitting if r.fit else [],
        )
        for r in best_placed(package=package, on=timezone.localdate())
    ]
