import datetime as dt

import pytest

from caremarket.common.errors import ValidationFailed
from caremarket.insight.selectors.periods import DateRange, range_between, range_preset


def test_a_range_of_weeks_runs_monday_to_sunday_with_partial_ends():
    periods = DateRange(dt.date(2026, 11, 4), dt.date(2026, 11, 24)).periods()
    assert [(p.starts_on, p.ends_on) for p in periods] == [
        (dt.date(2026, 11, 4), dt.date(2026, 11, 8)),
        (dt.date(2026, 11, 9), dt.date(2026, 11, 15)),
        (dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        (dt.date(2026, 11, 23), dt.date(2026, 11, 24)),
    ]
    assert periods[-1].label == "Week to 24 Nov 2026"


def test_a_range_longer_than_half_a_year_is_shown_by_month():
    periods = DateRange(dt.date(2025, 12, 15), dt.date(2026, 11, 20)).periods()
    assert len(periods) == 12
    assert (periods[0].starts_on, periods[0].ends_on, periods[0].label) == (
        dt.date(2025, 12, 15),
        dt.date(2025, 12, 31),
        "Dec 2025",
    )
    assert (periods[2].starts_on, periods[2].ends_on) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert periods[-1].ends_on == dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("preset", "starts_on"),
    [
        ("4w", dt.date(2026, 11, 9)),  # the current week (from Monday 30 Nov) and three before
        ("12w", dt.date(2026, 9, 14)),
        ("52w", dt.date(2025, 12, 8)),
        ("fy", dt.date(2026, 4, 1)),
    ],
)
def test_presets_end_today(preset, starts_on):
    span = range_preset(preset, today=dt.date(2026, 12, 1))
    assert (span.starts_on, span.ends_on) == (starts_on, dt.date(2026, 12, 1))


def test_the_financial_year_before_april_began_the_year_before():
    assert range_preset("fy", today=dt.date(2027, 2, 3)).starts_on == dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        (dt.date(2026, 11, 2), dt.date(2026, 11, 1), "ends_on"),
        (dt.date(2026, 11, 2), dt.date(2026, 12, 2), "ends_on"),
        (dt.date(2023, 1, 1), dt.date(2026, 11, 30), "starts_on"),
    ],
)
def test_a_range_must_end_by_today_after_it_starts_and_span_three_years_at_most(
    starts_on, ends_on, field
):
    with pytest.raises(ValidationFailed) as exc:
        range_between(starts_on=starts_on, ends_on=ends_on, today=dt.date(2026, 12, 1))
    assert field in exc.value.errors
