"""Date rules use the council's day: at 23:30 UTC in summer it is already tomorrow in Essex."""

import datetime as dt
from decimal import Decimal

import pytest

from caremarket.common.errors import Conflict, ValidationFailed
from caremarket.framework.models import ServiceType
from caremarket.framework.services.prices import matrix_rate_create, price_year_create, rate_select
from caremarket.framework.services.ranked_lists import ranked_list_draft_create, ranked_list_issue


def utc(y, m, d, h, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=dt.UTC)


def issue(world, effective_from, now):
    draft = ranked_list_draft_create(actor=world.contract_manager, now=now)
    return ranked_list_issue(
        actor=world.contract_manager, version=draft, effective_from=effective_from, now=now
    )


@pytest.mark.parametrize(
    ("now", "yesterday_in_london", "today_in_london"),
    [
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
        (utc(2026, 6, 30, 23, 30), dt.date(2026, 6, 30), dt.date(2026, 7, 1)),
        # The night the clocks go forward (29 March 2026): 23:30 UTC on the 29th is 00:30 BST.
        (utc(2026, 3, 29, 23, 30), dt.date(2026, 3, 29), dt.date(2026, 3, 30)),
        # Before the clocks go back (25 October 2026): 23:30 UTC on the 24th is 00:30 BST.
        (utc(2026, 10, 24, 23, 30), dt.date(2026, 10, 24), dt.date(2026, 10, 25)),
    ],
)
def test_a_list_cannot_take_effect_on_a_day_already_over_in_london(
    fw, world, now, yesterday_in_london, today_in_london
):
    with pytest.raises(ValidationFailed, match="cannot take effect in the past"):
        issue(world, yesterday_in_london, now)
    assert issue(world, today_in_london, now).effective_from == today_in_london


def test_in_winter_london_and_utc_share_the_day(fw, world):
    # 23:30 UTC on 28 March 2026 is 23:30 GMT: still the 28th, so the 28th is not past.
    now = utc(2026, 3, 28, 23, 30)
    assert issue(world, dt.date(2026, 3, 28), now).effective_from == dt.date(2026, 3, 28)


@pytest.fixture
def summer_year(fw, world):
    """A price year that begins in British Summer Time, with one selection made."""
    before = utc(2031, 5, 1, 10)
    year = price_year_create(
        actor=None,
        label="2031/32 (summer)",
        starts_on=dt.date(2031, 7, 1),
        ends_on=dt.date(2032, 6, 30),
        now=before,
    )
    for band, amount in (("A", "27.00"), ("B", "28.00")):
        matrix_rate_create(
            actor=None,
            year=year,
            service_type=ServiceType.PERSONAL_CARE,
            band=band,
            amount=Decimal(amount),
            unit="hour",
            now=before,
        )
    rate_select(
        actor=None,
        provider=fw.meadow,
        lot=fw.lot("Basildon"),
        year=year,
        amount=Decimal("27.00"),
        now=before,
    )
    return year


def test_a_rate_selection_is_fixed_from_the_first_minute_of_the_year_in_london(fw, summer_year):
    change = {
        "actor": None,
        "provider": fw.meadow,
        "lot": fw.lot("Basildon"),
        "year": summer_year,
        "amount": Decimal("28.00"),
    }
    with pytest.raises(Conflict, match="fixed when the year began"):
        rate_select(**change, now=utc(2031, 6, 30, 23, 30))  # 00:30 BST on 1 July
    assert rate_select(**change, now=utc(2031, 6, 30, 22, 30)).rate.amount == Decimal("28.00")


def test_the_matrix_closes_to_new_rates_when_the_year_begins_in_london(fw, summer_year):
    new_rate = {
        "actor": None,
        "year": summer_year,
        "service_type": ServiceType.PERSONAL_CARE,
        "band": "C",
        "amount": Decimal("29.00"),
        "unit": "hour",
    }
    with pytest.raises(Conflict, match="in use"):
        matrix_rate_create(**new_rate, now=utc(2031, 6, 30, 23, 30))
    assert matrix_rate_create(**new_rate, now=utc(2031, 6, 30, 22, 59)).amount == Decimal("29.00")
