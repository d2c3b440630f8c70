"""The price matrix and providers' rate selections (decision 0023)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import Conflict, ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.services import model_full_clean
from caremarket.framework.models import (
    Lot,
    MatrixRate,
    PriceYear,
    Provider,
    RateSelection,
    ServiceType,
)
from caremarket.framework.selectors.prices import matrix_rates_for_lot
from caremarket.geography.models import District

NOT_CONTRACT_MANAGER = "Only the Live at Home team can change the price matrix."
NOT_YOURS = "Only the provider's administrators or the Live at Home team can select its rates."


@transaction.atomic
def price_year_create(
    *, actor: User | None, label: str, starts_on: dt.date, ends_on: dt.date, now: dt.datetime
) -> PriceYear:
    require(actor, "framework.manage_framework", None, NOT_CONTRACT_MANAGER)
    # Said here in the service's words: the model's constraints would answer in Django's.
    if ends_on <= starts_on:
        raise ValidationFailed({"ends_on": ["The last day must be after the first day."]})
    if PriceYear.objects.filter(label__iexact=label.strip()).exists():
        raise ValidationFailed({"label": [f"There is already a year called {label.strip()}."]})
    if PriceYear.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise ValidationFailed({"starts_on": ["This year overlaps a year already in the matrix."]})
    year = PriceYear(label=label.strip(), starts_on=starts_on, ends_on=ends_on)
    model_full_clean(year)
    year.save()
    audit_record(
        actor=actor,
        action="framework_price_year.created",
        obj=year,
        at=now,
        data={"starts_on": starts_on, "ends_on": ends_on},
    )
    return year


@transaction.atomic
def matrix_rate_create(
    *,
    actor: User | None,
    year: PriceYear,
    service_type: str,
    band: str,
    amount: Decimal,
    unit: str,
    district: District | None = None,
    now: dt.datetime,
) -> MatrixRate:
    require(actor, "framework.manage_framework", None, NOT_CONTRACT_MANAGER)
    if (
        timezone.localdate(now) >= year.starts_on
        and RateSelection.objects.filter(year=year).exists()
    ):
        raise Conflict(f"The {year} matrix is in use: rates cannot be added once selections exist.")
    if MatrixRate.objects.filter(
        year=year, service_type=service_type, district=district, band__iexact=band.strip()
    ).exists():
        where = district.name if district else "every other district"
        service = ServiceType(service_type).label
        raise ValidationFailed(
            {
                "band": [
                    f"The {year} matrix already has band {band.strip()} for {service} in {where}."
                ]
            }
        )
    rate = MatrixRate(
        year=year,
        service_type=service_type,
        band=band.strip(),
        amount=amount,
        unit=unit,
        district=district,
    )
    model_full_clean(rate)
    rate.save()
    audit_record(
        actor=actor,
        action="framework_matrix_rate.created",
        obj=rate,
        at=now,
        data={"amount": amount, "unit": unit, "district": district},
    )
    return rate


def _pounds(rates: list[MatrixRate]) -> str:
    return ", ".join(f"£{r.amount:.2f}" for r in rates)


@transaction.atomic
def rate_select(
    *,
    actor: User | None,
    provider: Provider,
    lot: Lot,
    year: PriceYear,
    amount: Decimal,
    now: dt.datetime,
) -> RateSelection:
    """Choose the provider's rate for a lot and year; the amount must be in the matrix.

    A selection can be changed until the year starts; after that it is fixed.
    """
    require(actor, "framework.select_rates", provider, NOT_YOURS)
    allowed = matrix_rates_for_lot(year=year, lot=lot)
    if not allowed:
        raise ValidationFailed(
            {
                "amount": [
                    f"The {year} price matrix has no rates for "
                    f"{lot.get_service_type_display()} yet."
                ]
            }
        )
    rate = next((r for r in allowed if r.amount == amount), None)
    if rate is None:
        raise ValidationFailed(
            {
                "amount": [
                    f"£{amount:.2f} is not in the {year} price matrix for "
                    f"{lot.get_service_type_display()} in {lot.district.name}; "
                    f"choose one of {_pounds(allowed)} {allowed[0].get_unit_display()}."
                ]
            }
        )
    current = (
        RateSelection.objects.select_for_update()
        .select_related("rate")
        .filter(provider=provider, lot=lot, year=year)
        .first()
    )
    if current is not None and timezone.localdate(now) >= year.starts_on:
        raise Conflict(
            f"The {year} rate for {lot} was fixed when the year began on "
            f"{year.starts_on:%d %B %Y}; it is £{current.rate.amount:.2f}."
        )
    if current is not None and current.rate_id == rate.pk:
        return current
    before = current.rate.amount if current else None
    if current is None:
        current = RateSelection(provider=provider, lot=lot, year=year)
    current.rate, current.selected_by, current.selected_at = rate, actor, now
    current.save()
    audit_record(
        actor=actor,
        action="framework_rate.selected",
        obj=current,
        at=now,
        changes={"amount": [before, rate.amount]},
        data={"lot": lot, "year": year, "band": rate.band},
    )
    return current
