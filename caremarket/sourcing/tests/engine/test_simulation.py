import datetime as dt

from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.rules import CONTINUOUS_BATCHING, COUNCIL_TIMETABLE
from caremarket.sourcing.engine.simulation import Scenario, format_reports, simulate


def test_a_simulated_fortnight_places_packages_through_every_stage_and_is_reproducible():
    scenario = Scenario(weeks=2, seed=3, start=dt.datetime(2026, 11, 2, 9, tzinfo=LONDON))
    first = simulate(scenario, COUNCIL_TIMETABLE, label="council")
    again = simulate(scenario, COUNCIL_TIMETABLE, label="council")
    assert first == again
    assert first.packages > 300
    assert first.placed + first.unsourced == first.packages
    assert {"tier1", "batching", "tier2"} <= set(first.by_route)
    assert first.batching_lists >= 9  # one each working day at 16:00
    assert first.median_hours is not None and first.median_hours <= first.p90_hours


def test_two_configurations_are_reported_side_by_side():
    scenario = Scenario(weeks=1, seed=5, start=dt.datetime(2026, 11, 2, 9, tzinfo=LONDON))
    text = format_reports(
        [
            simulate(scenario, COUNCIL_TIMETABLE, label="council"),
            simulate(scenario, CONTINUOUS_BATCHING, label="continuous"),
        ]
    )
    assert "council" in text.splitlines()[0] and "continuous" in text.splitlines()[0]
    assert "median time to source" in text and "placed via batching" in text
