"""Care on a day, counted from purchase orders and packages (see conftest for the market)."""

import datetime as dt
from decimal import Decimal

import pytest

from caremarket.framework.services.purchase_orders import purchase_order_change_hours
from caremarket.insight.selectors.care_book import CareBounds, care_book, care_bounds, weekly_cost
from caremarket.insight.tests.conftest import AS_AT, WEEK1_END
from caremarket.sourcing.tests.conftest import at


def test_care_on_the_last_day_counts_live_packages_people_hours_and_spend(market_world):
    totals = care_book().totals_on([AS_AT])[AS_AT]
    # P1, P2, P3 and OLD-1: P6 ended on 26 November and OLD-2 on 18 November.
    assert totals.packages == 4
    assert totals.adult_count == 3  # AS-1 has two packages (P1 and P3); OLD-1 is one more
    assert totals.hours_per_week == Decimal("41.5")  # 10.5 + 7 + 14 + 10
    assert totals.framework_hours_per_week == Decimal("27.5")  # all but the spot package
    assert totals.weekly_spend == Decimal("1057.50")  # 262.50 + 175 + 420 + 200
    assert totals.provider_count == 3  # Meadow, Good Care 1, Independent Carers
    assert totals.utilisation == pytest.approx(27.5 / 41.5)


@pytest.mark.parametrize(
    ("day", "packages", "hours", "spend"),
    [
        (dt.date(2026, 11, 17), 2, "17", "347.00"),  # OLD-1 and OLD-2 (its last day is the 18th)
        (dt.date(2026, 11, 18), 2, "17", "347.00"),
        (WEEK1_END, 1, "10", "200.00"),  # only OLD-1: P1, P2 and P6 start on the 23rd
        (dt.date(2026, 11, 24), 4, "31", "725.00"),  # OLD-1, P1, P2, P6; P3 starts on the 25th
        (dt.date(2026, 11, 26), 5, "45", "1145.00"),  # P6's last day
    ],
)
def test_each_day_counts_the_care_live_that_day(market_world, day, packages, hours, spend):
    totals = care_book().totals_on([day])[day]
    assert (totals.packages, totals.hours_per_week, totals.weekly_spend) == (
        packages,
        Decimal(hours),
        Decimal(spend),
    )


def test_a_change_of_hours_counts_from_its_date_at_the_rate_then_in_force(market_world):
    purchase_order_change_hours(
        package_reference="OLD-1",
        hours_per_week=Decimal("14"),
        starts_on=dt.date(2026, 11, 27),
        actor=None,
        now=at(2026, 11, 25),
    )
    book = care_book()
    before, after = book.totals_on([dt.date(2026, 11, 26), AS_AT]).values()
    assert before.hours_per_week == Decimal("45")
    # OLD-1 is now 14 hours at the framework's £25 rather than 10 at the old £20.
    assert after.hours_per_week == Decimal("45.5")
    assert after.weekly_spend == Decimal("1057.50") - 200 + 350
    assert after.packages == 4  # the old order ended the day before: one package, not two


def test_a_window_keeps_only_care_that_overlaps_it(market_world):
    book = care_book(overlapping_from=dt.date(2026, 11, 19), until=dt.date(2026, 11, 24))
    assert sorted(s.reference for s in book.spans) == sorted(
        [market_world.p1.reference, market_world.p2.reference, market_world.p6.reference, "OLD-1"]
    )


@pytest.mark.parametrize(
    ("rate", "unit", "hours", "expected"),
    [
        ("25.00", "hour", "10.5", "262.50"),
        ("160.00", "night", "56", "1120.00"),  # seven 8-hour nights
        ("160.00", "night", "28", "560.00"),  # three and a half
        ("160.00", "night", "84", "1120.00"),  # never more than seven nights a week
        ("1200.00", "week", "168", "1200.00"),
    ],
)
def test_a_weekly_cost_follows_the_unit_of_the_rate(rate, unit, hours, expected):
    assert weekly_cost(rate=Decimal(rate), unit=unit, hours_per_week=Decimal(hours)) == Decimal(
        expected
    )


def test_the_night_length_is_a_setting(settings):
    settings.INSIGHT_HOURS_PER_NIGHT = 10
    assert weekly_cost(rate=Decimal(100), unit="night", hours_per_week=Decimal(50)) == 500


def test_each_providers_first_and_last_day_of_care(market_world):
    s = market_world.sourcing
    bounds = care_bounds(until=AS_AT)
    org = {p.organisation_id: p for p in (s.first, s.second, s.tier2)}
    assert {org[o].name: (b.first_day, b.last_day) for o, b in bounds.items() if o in org} == {
        "Meadow Home Care": (dt.date(2024, 1, 1), None),  # OLD-1 and P1 go on; P6 ended
        "Good Care 1": (dt.date(2026, 11, 23), None),
        "Weak Care": (dt.date(2023, 5, 1), dt.date(2026, 11, 18)),
    }
    assert bounds[s.spot_user.organisation_id] == CareBounds(dt.date(2026, 11, 25), None)
    # On the 17th Weak Care's last package had not ended yet, and nobody else had begun.
    earlier = care_bounds(until=dt.date(2026, 11, 17))
    assert earlier[s.tier2.organisation_id].last_day is None
    assert set(earlier) == {s.first.organisation_id, s.tier2.organisation_id}
