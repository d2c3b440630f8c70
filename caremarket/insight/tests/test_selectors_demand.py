"""Live demand: what is still unsourced, grouped, mapped and traced week by week."""

import datetime as dt
from decimal import Decimal

from caremarket.insight.selectors.demand import (
    demand,
    demand_by_lot,
    demand_by_outward_code,
    demand_packages,
    demand_trend,
    waited_text,
)
from caremarket.sourcing.tests.conftest import at

NOW = at(2026, 11, 24, 16)


def more_demand(market_world):
    """P5 waits in Chelmsford; add one in Colchester and one for Chelmsford's LD cohort."""
    colchester = market_world.sourcing.package(
        market_world.broker,
        now=at(2026, 11, 24, 9),
        person_reference="AS-8",
        postcode="CO1 1AA",
        hours_per_week=Decimal("7"),
        start_date=dt.date(2026, 12, 2),
    )
    ld = market_world.sourcing.package(
        market_world.broker,
        now=at(2026, 11, 24, 15, 30),
        person_reference="AS-9",
        cohort="ld_autism",
        hours_per_week=Decimal("21"),
        start_date=dt.date(2026, 12, 3),
        urgency="urgent",
    )
    return colchester, ld


def test_every_unsourced_package_longest_waiting_first_without_the_person(market_world):
    colchester, ld = more_demand(market_world)
    rows = demand_packages(now=NOW)
    assert [r.reference for r in rows] == [
        colchester.reference,  # 09:00
        market_world.p5.reference,  # 10:00
        ld.reference,  # 15:30
    ]
    first = rows[0]
    assert (first.district, first.outward_code, first.service_type, first.cohort) == (
        "Colchester",
        "CO1",
        "personal_care",
        "older_people",
    )
    assert first.waited == dt.timedelta(hours=7) and first.waited_text == "7 hours"
    assert rows[2].urgent and rows[2].waited_text == "30 minutes"
    assert not any(
        hasattr(r, name) for r in rows for name in ("person_reference", "postcode", "needs")
    )


def test_filters_narrow_the_packages(market_world):
    colchester, ld = more_demand(market_world)
    assert [r.reference for r in demand_packages(now=NOW, district_code="E07000071")] == [
        colchester.reference
    ]
    assert [r.reference for r in demand_packages(now=NOW, cohort="ld_autism")] == [ld.reference]
    assert demand_packages(now=NOW, service_type="night_awake") == []


def test_demand_by_lot_totals_hours_and_waits(market_world):
    more_demand(market_world)
    lots = demand_by_lot(packages=demand_packages(now=NOW))
    assert [
        (
            lot.district,
            lot.cohort,
            lot.packages,
            lot.hours_per_week,
            lot.longest_wait,
            lot.median_wait,
        )
        for lot in lots
    ] == [
        (
            "Chelmsford",
            "ld_autism",
            1,
            Decimal("21"),
            dt.timedelta(minutes=30),
            dt.timedelta(minutes=30),
        ),
        (
            "Chelmsford",
            "older_people",
            1,
            Decimal("10.5"),
            dt.timedelta(hours=6),
            dt.timedelta(hours=6),
        ),
        (
            "Colchester",
            "older_people",
            1,
            Decimal("7"),
            dt.timedelta(hours=7),
            dt.timedelta(hours=7),
        ),
    ]


def test_demand_by_outward_code_adds_up_each_area(market_world):
    more_demand(market_world)
    areas = demand_by_outward_code(packages=demand_packages(now=NOW))
    assert [(a.outward_code, a.district, a.packages, a.hours_per_week) for a in areas] == [
        ("CM1", "Chelmsford", 2, Decimal("31.5")),
        ("CO1", "Colchester", 1, Decimal("7")),
    ]
    assert all(a.lat is not None and a.lng is not None for a in areas)


def test_the_weekly_trend_counts_referrals_placements_cancellations_and_the_queue(market_world):
    weeks = demand_trend(now=at(2026, 11, 29, 20), weeks=2)
    assert [
        (w.period.starts_on, w.referred, w.placed, w.cancelled, w.waiting, w.hours_waiting)
        for w in weeks
    ] == [
        # P3 (14 hours) was still unsourced at midnight on Sunday 22 November.
        (dt.date(2026, 11, 16), 4, 3, 0, 1, Decimal("14")),
        # P4 was cancelled and P3 placed; P5 (10.5 hours) is waiting now.
        (dt.date(2026, 11, 23), 2, 1, 1, 1, Decimal("10.5")),
    ]


def test_the_current_week_ends_now(market_world):
    # At 09:30 on Tuesday 24th P3 is still unplaced (10:00) and P5 not yet referred (10:00).
    (week,) = demand_trend(now=at(2026, 11, 24, 9, 30), weeks=1)
    assert (week.referred, week.placed, week.cancelled, week.waiting) == (1, 0, 1, 1)


def test_the_whole_demand_view_sums_hours_and_urgent_packages(market_world):
    more_demand(market_world)
    live = demand(now=NOW)
    assert (len(live.packages), live.hours_per_week, live.urgent) == (3, Decimal("38.5"), 1)


def test_waits_read_naturally():
    assert waited_text(dt.timedelta(days=1, hours=1)) == "1 day 1 hour"
    assert waited_text(dt.timedelta(days=3, hours=5, minutes=9)) == "3 days 5 hours"
    assert waited_text(dt.timedelta(minutes=1)) == "1 minute"
