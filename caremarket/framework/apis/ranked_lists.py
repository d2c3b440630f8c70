"""The ranked lists in force, and a provider's positions on them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Schema

from caremarket.framework.apis.common import LotOut, lot_out, perm_require, router
from caremarket.framework.models import Provider
from caremarket.framework.selectors.lots import lot_list
from caremarket.framework.selectors.ranked_lists import (
    RankedEntry,
    provider_positions,
    ranked_list_version_in_force,
    ranked_lists_of_version,
)


class EntryOut(Schema):
    tier: int
    position: int = Field(
        description="The position the provider was issued in this version. A leaver keeps it "
        "as history: it is not a rank it holds (see status)."
    )
    provider_id: int
    provider_name: str
    cqc_provider_id: str
    status: Literal["ranked", "left_framework"] = Field(
        description="left_framework once the provider's agreement has ended: it is offered "
        "nothing, whatever its issued position."
    )
    status_label: str = Field(description='"Ranked" or "Left the framework on 2 December 2026"')
    left_on: dt.date | None = Field(description="The day the provider's agreement ended")


class RankedListOut(Schema):
    lot: LotOut
    entries: list[EntryOut]


class RankedListsOut(Schema):
    version_id: int | None
    version_number: int | None
    effective_from: dt.date | None
    lists: list[RankedListOut]


class PositionOut(Schema):
    lot: LotOut
    tier: int
    position: int
    of: int


class PositionsOut(Schema):
    provider_id: int
    version_id: int | None
    version_number: int | None
    status: Literal["ranked", "left_framework"] = Field(
        description="left_framework once the agreement has ended: the positions are the ones "
        "issued in the version, not ranks the provider holds"
    )
    left_on: dt.date | None
    positions: list[PositionOut]


def _entry(e: RankedEntry, on: dt.date) -> dict[str, object]:
    # Asked about a day before the provider left, the list then did rank it.
    left = e.left_on is not None and e.left_on <= on
    return {
        **{k: getattr(e, k) for k in ("tier", "position", "provider_id", "provider_name")},
        "cqc_provider_id": e.cqc_provider_id,
        "status": e.status if left else "ranked",
        "status_label": e.status_label if left else "Ranked",
        "left_on": e.left_on if left else None,
    }


@router.get("/ranked-lists", response=RankedListsOut, summary="The ranked lists in force on a date")
def ranked_lists(
    request: HttpRequest,
    district: str | None = None,
    service_type: str | None = None,
    cohort: str | None = None,
    tier: int | None = None,
    on: dt.date | None = None,
) -> dict[str, object]:
    perm_require(request, "framework.view_ranked_lists")
    on = on or timezone.localdate()
    version = ranked_list_version_in_force(on=on)
    lots = lot_list(district_code=district, service_type=service_type, cohort=cohort)
    lists = ranked_lists_of_version(version=version, lots=lots, tier=tier)
    return {
        "version_id": version.pk if version else None,
        "version_number": version.number if version else None,
        "effective_from": version.effective_from if version else None,
        "lists": [
            {"lot": lot_out(r.lot), "entries": [_entry(e, on) for e in r.entries]} for r in lists
        ],
    }


@router.get(
    "/providers/{provider_id}/positions",
    response=PositionsOut,
    summary="A provider's positions across every list in force on a date",
)
def positions(
    request: HttpRequest, provider_id: int, on: dt.date | None = None
) -> dict[str, object]:
    perm_require(request, "framework.view_ranked_lists")
    provider = get_object_or_404(Provider, pk=provider_id)
    version = ranked_list_version_in_force(on=on or timezone.localdate())
    return {
        "provider_id": provider.pk,
        "version_id": version.pk if version else None,
        "version_number": version.number if version else None,
        "status": "left_framework" if provider.left_on else "ranked",
        "left_on": provider.left_on,
        "positions": [
            {"lot": lot_out(p.lot), "tier": p.tier, "position": p.position, "of": p.of}
            for p in provider_positions(provider=provider, version=version)
        ],
    }
