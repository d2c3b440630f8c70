"""The price matrix, and the rates providers select."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema, Status

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import NotFound
from caremarket.framework.apis.common import (
    LotOut,
    lot_out,
    perm_require,
    provider_visible_or_404,
    router,
)
from caremarket.framework.models import (
    Lot,
    PriceYear,
    RateSelection,
)
from caremarket.framework.selectors.prices import (
    matrix_rate_list,
    price_year_list,
    price_year_on,
    rate_selection_list,
)
from caremarket.framework.services.prices import rate_select


class YearOut(Schema):
    id: int
    label: str
    starts_on: dt.date
    ends_on: dt.date


class RateOut(Schema):
    id: int
    service_type: str
    district_code: str | None
    band: str
    amount: Decimal
    unit: str


class MatrixOut(Schema):
    year: YearOut
    rates: list[RateOut]


class SelectionOut(Schema):
    id: int
    provider_id: int
    lot: LotOut
    year: str
    band: str
    amount: Decimal
    unit: str


class SelectionIn(Schema):
    provider_id: int
    lot_id: int
    year_id: int
    amount: Decimal


@router.get("/price-years", response=list[YearOut], summary="Framework years of the price matrix")
def price_years(request: HttpRequest) -> list[PriceYear]:
    perm_require(request, "framework.view_price_matrix")
    return list(price_year_list())


@router.get("/price-matrix", response=MatrixOut, summary="The rates of one framework year")
def price_matrix(
    request: HttpRequest, year_id: int | None = None, on: dt.date | None = None
) -> dict[str, object]:
    perm_require(request, "framework.view_price_matrix")
    year = (
        get_object_or_404(PriceYear, pk=year_id)
        if year_id
        else price_year_on(on=on or timezone.localdate())
    )
    if year is None:
        raise NotFound("No framework year covers that date.")
    return {
        "year": year,
        "rates": [
            {
                "id": r.pk,
                "service_type": r.service_type,
                "district_code": r.district.code if r.district else None,
                "band": r.band,
                "amount": r.amount,
                "unit": r.unit,
            }
            for r in matrix_rate_list(year=year)
        ],
    }


def _selection(s: RateSelection) -> dict[str, object]:
    return {
        "id": s.pk,
        "provider_id": s.provider_id,
        "lot": lot_out(s.lot),
        "year": s.year.label,
        "band": s.rate.band,
        "amount": s.rate.amount,
        "unit": s.rate.unit,
    }


@router.get("/rate-selections", response=list[SelectionOut], summary="A provider's selected rates")
def rate_selections(
    request: HttpRequest, provider_id: int, year_id: int | None = None
) -> list[dict[str, object]]:
    provider = provider_visible_or_404(request, provider_id)
    year = get_object_or_404(PriceYear, pk=year_id) if year_id else None
    return [_selection(s) for s in rate_selection_list(provider=provider, year=year)]


@router.post("/rate-selections", response={201: SelectionOut}, summary="Select a rate for a lot")
def rate_selection_create(request: HttpRequest, payload: SelectionIn) -> Status:
    provider = provider_visible_or_404(request, payload.provider_id)
    selection = rate_select(
        actor=current_user(request),
        provider=provider,
        lot=get_object_or_404(Lot.objects.select_related("district"), pk=payload.lot_id),
        year=get_object_or_404(PriceYear, pk=payload.year_id),
        amount=payload.amount,
        now=timezone.now(),
    )
    return Status(201, _selection(selection))
