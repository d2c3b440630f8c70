"""A small framework: every lot, a dozen providers, one issued version, two price years."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from caremarket.accounts.models import OrganisationKind
from caremarket.accounts.services import organisation_create
from caremarket.cqc.models import CqcLocation, CqcRating
from caremarket.framework.models import (
    Lot,
    PriceYear,
    Provider,
    RankedListVersion,
    ServiceType,
    Tier,
)
from caremarket.framework.services.lots import lot_create_all
from caremarket.framework.services.prices import matrix_rate_create, price_year_create
from caremarket.framework.services.providers import branch_add, provider_create
from caremarket.framework.services.ranked_lists import (
    DraftEntry,
    ranked_list_draft_create,
    ranked_list_issue,
)

START = dt.date(2025, 11, 9)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def rate_location(location_id: str, overall="Good", safe="Good", well_led="Good") -> None:
    for domain, rating in (("Overall", overall), ("Safe", safe), ("Well-led", well_led)):
        CqcRating.objects.update_or_create(
            location_id=location_id, domain=domain, defaults={"rating": rating}
        )


def make_provider(name: str, cqc_id: str, *, organisation=None, good: bool = True) -> Provider:
    org = organisation or organisation_create(
        now=timezone.now(), actor=None, name=name, kind=OrganisationKind.HOME_CARE_PROVIDER
    )
    location_id = f"{cqc_id}-B1"
    CqcLocation.objects.create(
        location_id=location_id,
        provider_id=cqc_id,
        name=f"{name} branch",
        address="1 High Street",
        postcode="CM1 1AA",
        updated_at=at(START),
    )
    rate_location(location_id, **({} if good else {"safe": "Requires improvement"}))
    provider = provider_create(
        actor=None, organisation=org, cqc_provider_id=cqc_id, joined_on=START, now=at(START)
    )
    branch_add(actor=None, provider=provider, cqc_location_id=location_id, now=at(START))
    provider.refresh_from_db()
    return provider


@dataclass
class Framework:
    lots: list[Lot]
    meadow: Provider  # the world's home care provider: tier 1, position 1 everywhere
    good: list[Provider]  # eligible for tier 1
    weak: Provider  # not eligible: tier 2 only
    version: RankedListVersion
    year1: PriceYear
    year2: PriceYear

    def lot(
        self, district: str, service_type: str = ServiceType.PERSONAL_CARE, cohort="older_people"
    ) -> Lot:
        return next(
            lot
            for lot in self.lots
            if lot.district.name == district
            and lot.service_type == service_type
            and lot.cohort == cohort
        )


def standard_entries(fw_lots, meadow, good, weak) -> list[DraftEntry]:
    entries = []
    for lot in fw_lots:
        entries.append(DraftEntry(lot=lot, provider=meadow, tier=Tier.ONE, position=1))
        entries.append(DraftEntry(lot=lot, provider=good[0], tier=Tier.ONE, position=2))
        entries.append(DraftEntry(lot=lot, provider=weak, tier=Tier.TWO, position=1))
    return entries


@pytest.fixture
def fw(world) -> Framework:
    return framework_build(world)


def framework_build(world) -> Framework:
    lot_create_all(actor=None, now=at(START))
    lots = list(Lot.objects.select_related("district"))
    assert len(lots) == 96, "the council's districts are missing (loaded by migrations)"
    meadow = make_provider("Meadow", "1-900", organisation=world.home_care_provider)
    good = [make_provider(f"Good Care {n}", f"1-9{n:02d}0") for n in range(1, 12)]
    weak = make_provider("Weak Care", "1-999", good=False)
    issued_on = at(dt.date(2025, 11, 1))
    draft = ranked_list_draft_create(
        actor=None, now=issued_on, entries=standard_entries(lots, meadow, good, weak)
    )
    version = ranked_list_issue(actor=None, version=draft, effective_from=START, now=issued_on)
    year1 = price_year_create(
        actor=None, label="2025/26", starts_on=START, ends_on=dt.date(2026, 11, 8), now=issued_on
    )
    year2 = price_year_create(
        actor=None,
        label="2026/27",
        starts_on=dt.date(2026, 11, 9),
        ends_on=dt.date(2027, 11, 8),
        now=issued_on,
    )
    for year, amounts in ((year1, ("24.00", "25.00")), (year2, ("25.00", "26.00"))):
        for band, amount in zip("AB", amounts, strict=True):
            matrix_rate_create(
                actor=None,
                year=year,
                service_type=ServiceType.PERSONAL_CARE,
                band=band,
                amount=Decimal(amount),
                unit="hour",
                now=issued_on,
            )
    return Framework(
        lots=lots, meadow=meadow, good=good, weak=weak, version=version, year1=year1, year2=year2
    )
