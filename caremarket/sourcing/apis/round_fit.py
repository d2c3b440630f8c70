"""A provider's own round fit for the packages open to it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema

from caremarket.common.permissions import require_visible
from caremarket.sourcing.apis.common import rounds_router
from caremarket.sourcing.selectors.round_fit import (
    RoundFit,
    packages_open_to,
    round_fit_for_user,
)


class RoundFitFigures(Schema):
    """How a package fits your round, from your own current clients only."""

    # False when only the outward code's centre was known.
    exact: bool
    within_1km: int
    within_2km: int
    within_5km: int
    # Rounded up to the next half kilometre; null when you have no located current client.
    nearest_km: Decimal | None
    calls_total: int
    calls_fitting: list[str]


def round_fit_figures(fit: RoundFit) -> dict[str, Any]:
    """The figures of a round fit as every API that shows one gives them."""
    return {k: getattr(fit, k) for k in RoundFitFigures.model_fields}


class RoundFitOut(RoundFitFigures):
    package_reference: str
    outward_code: str
    # Where you see the package: offer, batching, available.
    seen_on: list[str]


@rounds_router.get(
    "/round-fit",
    response=list[RoundFitOut],
    summary="How each package open to you fits your round (your own current clients only)",
    operation_id="caremarket_sourcing_rounds_apis_round_fit_list",
)
def round_fit_list(request: HttpRequest) -> list[RoundFitOut]:
    require_visible(request.user, "sourcing.view_round_fit")
    open_now = packages_open_to(user=request.user, now=timezone.now())
    fits = round_fit_for_user(user=request.user, packages=[o.package for o in open_now])
    out = []
    for o in open_now:
        fit = fits.get(o.package.pk)
        if fit is None:
            continue
        out.append(
            RoundFitOut(
                package_reference=o.package.reference,
                outward_code=o.package.outward_code,
                seen_on=list(o.seen_on),
                **round_fit_figures(fit),
            )
        )
    return out
