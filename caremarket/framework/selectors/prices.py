"""The price matrix, providers' rate selections and the rate in force on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from caremarket.framework.models import Lot, MatrixRate, PriceYear, Provider, RateSelection


@dataclass(frozen=True)
class RateInForce:
    amount: Decimal
    unit: str
    year: PriceYear
    selection: RateSelection


def price_year_list() -> QuerySet[PriceYear]:
    return PriceYear.objects.order_by("starts_on")


def price_year_on(*, on: dt.date) -> PriceYear | None:
    return PriceYear.objects.filter(starts_on__lte=on, ends_on__gte=on).first()


def matrix_rate_list(*, year: PriceYear) -> QuerySet[MatrixRate]:
    return MatrixRate.objects.filter(year=year).select_related("district", "year")


def matrix_rates_for_lot(*, year: PriceYear, lot: Lot) -> list[MatrixRate]:
    """The rates a provider may choose for a lot: the district's own, else the county-wide ones."""
    rates = MatrixRate.objects.filter(year=year, service_type=lot.service_type).select_related(
        "year"
    )
    own = list(rates.filter(district=lot.district).order_by("amount"))
    return own or list(rates.filter(district__isnull=True).order_by("amount"))


def rate_selection_list(
    *, provider: Provider | None = None, year: PriceYear | None = None
) -> QuerySet[RateSelection]:
    qs = RateSelection.objects.select_related(
        "provider__organisation", "lot__district", "year", "rate"
    )
    if provider is not None:
        qs = qs.filter(provider=provider)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("year__starts_on", "lot__district__name", "lot__service_type", "lot__cohort")


def rate_in_force(*, provider: Provider, lot: Lot, on: dt.date) -> RateInForce | None:
    """The provider's selected rate for the lot in the framework year that contains `on`."""
    selection = (
        RateSelection.objects.select_related("rate", "year")
        .filter(provider=provider, lot=lot, year__starts_on__lte=on, year__ends_on__gte=on)
        .first()
    )
    if selection is None:
        return None
    return RateInForce(
        amount=selection.rate.amount,
        unit=selection.rate.unit,
        year=selection.year,
        selection=selection,
    )
