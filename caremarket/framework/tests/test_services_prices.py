import datetime as dt
from decimal import Decimal

import pytest

from caremarket.common.errors import Conflict, NotPermitted, ValidationFailed
from caremarket.framework.models import ServiceType
from caremarket.framework.selectors.prices import rate_in_force
from caremarket.framework.services.prices import matrix_rate_create, price_year_create, rate_select
from caremarket.framework.tests.conftest import at

BEFORE = at(dt.date(2025, 10, 1))


def test_a_rate_outside_the_matrix_is_refused_naming_the_allowed_rates(fw, world):
    with pytest.raises(ValidationFailed) as caught:
        rate_select(
            actor=world.home_care_admin,
            provider=fw.meadow,
            lot=fw.lot("Basildon"),
            year=fw.year1,
            amount=Decimal("24.50"),
            now=BEFORE,
        )
    assert caught.value.errors == {
        "amount": [
            "£24.50 is not in the 2025/26 price matrix for Personal Care in Basildon;"
            " choose one of £24.00, £25.00 an hour."
        ]
    }


def test_a_district_with_its_own_rates_only_accepts_those(fw, world):
    maldon = fw.lot("Maldon")
    matrix_rate_create(
        actor=None,
        year=fw.year1,
        service_type=ServiceType.PERSONAL_CARE,
        band="A",
        amount=Decimal("26.50"),
        unit="hour",
        district=maldon.district,
        now=BEFORE,
    )
    with pytest.raises(ValidationFailed, match=r"choose one of £26\.50"):
        rate_select(
            actor=None,
            provider=fw.meadow,
            lot=maldon,
            year=fw.year1,
            amount=Decimal("24.00"),
            now=BEFORE,
        )
    selection = rate_select(
        actor=None,
        provider=fw.meadow,
        lot=maldon,
        year=fw.year1,
        amount=Decimal("26.50"),
        now=BEFORE,
    )
    assert selection.rate.district == maldon.district


def test_the_rate_in_force_comes_from_the_year_containing_the_date(fw):
    lot = fw.lot("Basildon")
    rate_select(
        actor=None, provider=fw.meadow, lot=lot, year=fw.year1, amount=Decimal("24.00"), now=BEFORE
    )
    rate_select(
        actor=None, provider=fw.meadow, lot=lot, year=fw.year2, amount=Decimal("26.00"), now=BEFORE
    )
    assert rate_in_force(provider=fw.meadow, lot=lot, on=dt.date(2026, 11, 8)).amount == Decimal(
        "24.00"
    )
    assert rate_in_force(provider=fw.meadow, lot=lot, on=dt.date(2026, 11, 9)).amount == Decimal(
        "26.00"
    )
    assert rate_in_force(provider=fw.meadow, lot=fw.lot("Harlow"), on=dt.date(2026, 1, 1)) is None


def test_a_selection_is_fixed_once_its_year_has_begun(fw):
    lot = fw.lot("Basildon")
    rate_select(
        actor=None, provider=fw.meadow, lot=lot, year=fw.year1, amount=Decimal("24.00"), now=BEFORE
    )
    with pytest.raises(Conflict, match="fixed when the year began"):
        rate_select(
            actor=None,
            provider=fw.meadow,
            lot=lot,
            year=fw.year1,
            amount=Decimal("25.00"),
            now=at(dt.date(2025, 12, 1)),
        )


def test_a_provider_cannot_select_another_providers_rates(fw, world):
    with pytest.raises(NotPermitted):
        rate_select(
            actor=world.home_care_admin,
            provider=fw.weak,
            lot=fw.lot("Basildon"),
            year=fw.year1,
            amount=Decimal("24.00"),
            now=BEFORE,
        )


def _year(world, label="2027/28", starts_on=dt.date(2027, 11, 9), ends_on=dt.date(2028, 11, 6)):
    return price_year_create(
        actor=world.contract_manager,
        label=label,
        starts_on=starts_on,
        ends_on=ends_on,
        now=BEFORE,
    )


def test_a_year_must_end_after_it_starts_and_says_so_in_plain_words(fw, world):
    with pytest.raises(ValidationFailed) as caught:
        _year(world, ends_on=dt.date(2027, 11, 9))
    assert caught.value.errors == {"ends_on": ["The last day must be after the first day."]}


def test_a_year_name_is_used_once(fw, world):
    with pytest.raises(ValidationFailed) as caught:
        _year(world, label="2026/27")
    assert caught.value.errors == {"label": ["There is already a year called 2026/27."]}


def test_a_year_may_not_overlap_another(fw, world):
    # 2026/27 ends on 8 November 2027.
    with pytest.raises(ValidationFailed) as caught:
        _year(world, starts_on=dt.date(2027, 11, 8))
    assert list(caught.value.errors) == ["starts_on"]


def test_only_the_live_at_home_team_adds_a_year(fw, world):
    with pytest.raises(NotPermitted):
        price_year_create(
            actor=world.broker,
            label="2027/28",
            starts_on=dt.date(2027, 11, 9),
            ends_on=dt.date(2028, 11, 6),
            now=BEFORE,
        )


def test_a_band_is_in_a_years_matrix_once_for_a_service_and_district(fw, world):
    year = _year(world)
    rate = {"year": year, "service_type": ServiceType.PERSONAL_CARE, "unit": "hour", "now": BEFORE}
    matrix_rate_create(actor=world.contract_manager, band="A", amount=Decimal("26.50"), **rate)
    with pytest.raises(ValidationFailed) as caught:
        matrix_rate_create(actor=world.contract_manager, band="a", amount=Decimal("27"), **rate)
    assert caught.value.errors == {
        "band": ["The 2027/28 matrix already has band a for Personal Care in every other district."]
    }
