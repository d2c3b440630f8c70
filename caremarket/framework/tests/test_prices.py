import datetime as dt
from decimal import Decimal

import pytest

from caremarket.common.errors import Conflict, NotPermitted, ValidationFailed
from caremarket.framework.models import ServiceType
from caremarket.framework.selectors.prices import rate_in_force
from caremarket.framework.services.prices import matrix_rate_create, rate_select
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
