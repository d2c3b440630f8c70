import datetime as dt

from caremarket.monitoring.periods import (
    period_get,
    period_latest_complete,
    period_number_on,
    period_starting,
    periods_ended,
)

ANCHOR = dt.date(2025, 11, 10)


def test_period_one_starts_on_the_anchor_monday_and_lasts_28_days():
    p = period_get(1, anchor=ANCHOR)
    assert (p.start, p.end, p.start.weekday()) == (ANCHOR, dt.date(2025, 12, 7), 0)


def test_periods_follow_each_other_without_gaps():
    assert period_get(2, anchor=ANCHOR).start == period_get(1, anchor=ANCHOR).end + dt.timedelta(1)


def test_the_day_decides_the_period():
    assert period_number_on(dt.date(2026, 11, 22), anchor=ANCHOR) == 14
    assert period_number_on(dt.date(2025, 11, 9), anchor=ANCHOR) is None


def test_only_a_period_start_day_starts_a_period():
    assert period_starting(dt.date(2026, 1, 5), anchor=ANCHOR).number == 3
    assert period_starting(dt.date(2026, 1, 6), anchor=ANCHOR) is None


def test_periods_ended_excludes_the_current_period():
    ended = periods_ended(today=dt.date(2026, 1, 5), anchor=ANCHOR)
    assert [p.number for p in ended] == [1, 2]


def test_a_period_is_due_a_week_after_it_ends_by_default():
    assert period_get(1, anchor=ANCHOR).due == dt.date(2025, 12, 14)


def test_pages_open_on_the_last_period_that_has_ended():
    # Period 14 runs 9 November to 6 December 2026: on its days, period 13 is the latest ended.
    assert period_latest_complete(dt.date(2026, 11, 22), anchor=ANCHOR) == 13
    assert period_latest_complete(dt.date(2026, 12, 7), anchor=ANCHOR) == 14


def test_before_any_period_has_ended_pages_open_on_period_one():
    assert period_latest_complete(dt.date(2025, 11, 20), anchor=ANCHOR) == 1
    assert period_latest_complete(dt.date(2025, 11, 1), anchor=ANCHOR) == 1
