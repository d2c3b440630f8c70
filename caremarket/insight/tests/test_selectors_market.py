"""The market table over 16 to 29 November 2026, against the figures worked out in conftest."""

import datetime as dt
from decimal import Decimal

import pytest

from caremarket.insight.selectors.market import WEEKS_A_YEAR, market
from caremarket.insight.selectors.periods import DateRange
from caremarket.insight.selectors.placements import percentile, placements
from caremarket.insight.tests.conftest import SPAN

EXPECTED = {
    # Whole market: 13 framework providers (Good Care 11 has left the framework but is still a
    # provider), the spot provider, and one agency the platform only knows from the CQC file.
    "providers": 15,
    "active_providers": 3,
    "providers_good_share": 13 / 15,  # all but Weak Care and the spot provider
    "providers_started": 2,  # Good Care 1 (P2 from 23 Nov) and Independent Carers (P3 from 25 Nov)
    "providers_stopped": 1,  # Weak Care: OLD-2 ended on 18 Nov and it has nothing else
    "adults": 3,
    "packages": 4,
    "hours_per_week": Decimal("41.5"),
    "weekly_spend": Decimal("1057.50"),
    "annual_spend": Decimal("1057.50") * WEEKS_A_YEAR,
    "packages_good_share": 3 / 4,  # P3's provider is rated Requires improvement
    "framework_providers": 12,  # 13 less Good Care 11
    "framework_good_share": 11 / 12,  # Weak Care
    "utilisation": 27.5 / 41.5,
    "framework_joined": 0,
    "framework_left": 1,
    "referred": 6,  # P1, P2, P3, P6 on the 19th; P4 on the 23rd; P5 on the 24th
    "placed": 4,  # P1, P2, P6 on the 19th, P3 on the 24th
    "cancelled": 1,  # P4
    "median_hours": 1.5,  # of 1, 1, 2 and 24 working hours
    "p90_hours": 2.0,  # nearest rank at or below the 90th percentile of four
    "route_tier1": 3 / 4,
    "route_batching": 0.0,
    "route_tier2": 0.0,
    "route_available": 0.0,
    "route_mini_competition": 0.0,
    "route_spot": 1 / 4,
    # No care homes here: test_selectors_care_homes checks these against rooms.
    "care_home_rooms": 0,
    "care_home_occupancy": None,
    "care_home_vacancies": 0,
    "care_home_suspended": 0,
}


def test_every_figure_of_the_market_table_is_the_hand_worked_one(market_world):
    table = market(span=SPAN).table
    keys = [f.key for _, figures in table.sections for f in figures]
    assert sorted(keys) == sorted(EXPECTED), "a figure was added or removed: work it out here"
    assert {key: table.figure(key).value for key in keys} == pytest.approx(EXPECTED)


def test_time_to_source_counts_office_hours_only(market_world):
    hours = {p.reference: p.working_hours for p in placements(span=SPAN)}
    assert hours == {
        market_world.p1.reference: 1.0,
        market_world.p2.reference: 2.0,
        market_world.p6.reference: 1.0,
        # Thursday 10:00 to Tuesday 10:00: 7 + 8 + 8 + 1 hours, not the 96 on the clock.
        market_world.p3.reference: 24.0,
    }


def test_each_week_counts_care_at_its_end_and_sourcing_within_it(market_world):
    rows = market(span=SPAN).by_period()
    (week1, care1, sourcing1), (week2, care2, sourcing2) = rows
    assert (week1.starts_on, week1.ends_on) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert (week2.starts_on, week2.ends_on) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert (care1.packages, care1.hours_per_week) == (1, Decimal("10"))
    assert (care2.packages, care2.hours_per_week) == (4, Decimal("41.5"))
    assert (sourcing1.referred, sourcing1.placed, sourcing1.cancelled) == (4, 3, 0)
    assert sourcing1.by_route == {"tier1": 3}
    assert (sourcing1.median_hours, sourcing1.p90_hours) == (1.0, 1.0)
    assert (sourcing2.referred, sourcing2.placed, sourcing2.cancelled) == (2, 1, 1)
    assert sourcing2.by_route == {"spot": 1}
    assert (sourcing2.median_hours, sourcing2.p90_hours) == (24.0, 24.0)


def test_joiners_and_leavers_are_named_with_their_dates(market_world):
    moved = market(span=SPAN).movements
    assert [(m.name, m.on) for m in moved.started] == [
        ("Good Care 1", dt.date(2026, 11, 23)),
        ("Independent Carers", dt.date(2026, 11, 25)),
    ]
    assert [(m.name, m.on) for m in moved.stopped] == [("Weak Care", dt.date(2026, 11, 18))]
    assert [(m.name, m.on, m.detail) for m in moved.framework_left] == [
        ("Good Care 11", dt.date(2026, 11, 20), "Closed")
    ]
    assert moved.framework_joined == []


def test_by_district_counts_the_care_in_each(market_world):
    rows = market(span=SPAN).by_district()
    assert [
        (name, care.adult_count, care.packages, care.hours_per_week) for name, care, _ in rows
    ] == [("Chelmsford", 3, 4, Decimal("41.5"))]


def test_a_range_before_any_care_has_nothing_to_count(market_world):
    empty = market(span=DateRange(dt.date(2020, 1, 6), dt.date(2020, 1, 12))).table
    assert empty.figure("adults").value == 0
    assert empty.figure("utilisation").value is None
    assert empty.figure("median_hours").value is None


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.9, None),
        ([5.0], 0.9, 5.0),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9),
        ([3, 1, 2], 0.5, 2),
    ],
)
def test_percentile_is_the_nearest_rank_at_or_below(values, fraction, expected):
    assert percentile(values, fraction) == expected
