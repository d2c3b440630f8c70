import datetime as dt
from decimal import Decimal

from caremarket.sourcing.engine.visit_pattern import (
    Call,
    CallRow,
    calls_from_rows,
    calls_problems,
    hours_disagreement,
    minutes_between,
    pattern_summary,
    weekly_hours,
)

EVERY_DAY = frozenset(range(7))


def four_calls_two_carers_in_the_morning() -> list[Call]:
    return calls_from_rows(
        [
            CallRow(weekdays=EVERY_DAY, start=dt.time(7, 30), minutes=45, carers=2),
            CallRow(weekdays=EVERY_DAY, start=dt.time(12, 30), minutes=30),
            CallRow(weekdays=EVERY_DAY, start=dt.time(17, 0), minutes=30),
            CallRow(weekdays=EVERY_DAY, start=dt.time(20, 30), minutes=30),
        ]
    )


def test_weekly_hours_are_carer_hours_of_every_call():
    # 7 x (45 x 2 + 30 + 30 + 30) = 1,260 carer minutes = 21 hours.
    assert weekly_hours(four_calls_two_carers_in_the_morning()) == Decimal("21.00")


def test_a_stated_figure_that_disagrees_is_refused_with_the_difference():
    calls = four_calls_two_carers_in_the_morning()
    assert hours_disagreement(calls=calls, stated=Decimal("21")) is None
    message = hours_disagreement(calls=calls, stated=Decimal("17.5"))
    assert message is not None
    assert "21.00 hours a week" in message and "3.50 hours more" in message


def test_the_summary_groups_days_and_names_the_second_carer():
    summary = pattern_summary(four_calls_two_carers_in_the_morning())
    assert summary.startswith("07:30 45 min, 2 carers (every day); 12:30 30 min (every day)")


def test_weekday_only_calls_read_as_mon_to_fri():
    calls = calls_from_rows([CallRow(weekdays=frozenset(range(5)), start=dt.time(9), minutes=60)])
    assert pattern_summary(calls) == "09:00 60 min (Mon–Fri)"
    assert weekly_hours(calls) == Decimal("5.00")


def test_overlapping_calls_are_refused_naming_both():
    calls = calls_from_rows(
        [
            CallRow(weekdays=frozenset({0}), start=dt.time(8), minutes=60),
            CallRow(weekdays=frozenset({0}), start=dt.time(8, 30), minutes=30),
        ]
    )
    assert calls_problems(calls) == ["Mon 08:00 (60 minutes) overlaps the call at Mon 08:30."]


def test_a_sunday_night_call_may_not_run_into_mondays_first_call():
    calls = calls_from_rows(
        [
            CallRow(weekdays=frozenset({6}), start=dt.time(22), minutes=600),
            CallRow(weekdays=frozenset({0}), start=dt.time(7), minutes=30),
        ]
    )
    assert calls_problems(calls) == ["Sun 22:00 (600 minutes) overlaps the call at Mon 07:00."]


def test_night_calls_that_end_before_the_next_one_are_fine():
    calls = calls_from_rows(
        [CallRow(weekdays=EVERY_DAY, start=dt.time(22), minutes=540)]  # 22:00 to 07:00
    )
    assert calls_problems(calls) == []
    assert weekly_hours(calls) == Decimal("63.00")


def test_lengths_and_carers_out_of_range_are_named():
    calls = [Call(weekday=2, start=dt.time(9), minutes=2, carers=5)]
    problems = calls_problems(calls)
    assert any("Wed 09:00: a call lasts 5 minutes" in p for p in problems)
    assert any("1 to 4 carers, not 5" in p for p in problems)
    assert calls_problems([]) == ["Add at least one call."]


def test_minutes_between_calls_on_the_same_day():
    a = Call(weekday=1, start=dt.time(7, 30), minutes=45)
    b = Call(weekday=1, start=dt.time(8, 30), minutes=30)
    assert minutes_between(a, b) == 15
    assert minutes_between(b, a) == 15
    assert minutes_between(a, Call(weekday=1, start=dt.time(8), minutes=30)) == 0
    assert minutes_between(a, Call(weekday=2, start=dt.time(7, 30), minutes=45)) is None


def test_week_masks_find_calls_within_the_gap_and_wrap_sunday_night():
    from caremarket.sourcing.engine.visit_pattern import reach_mask, week_mask

    round_ = week_mask([Call(weekday=0, start=dt.time(7, 30), minutes=45)])  # to 08:15
    assert round_ & reach_mask(Call(weekday=0, start=dt.time(8, 45), minutes=30), gap=30)
    assert not round_ & reach_mask(Call(weekday=0, start=dt.time(8, 46), minutes=30), gap=30)
    assert not round_ & reach_mask(Call(weekday=1, start=dt.time(8, 0), minutes=30), gap=30)
    night = week_mask([Call(weekday=6, start=dt.time(23), minutes=120)])  # to Monday 01:00
    assert night & reach_mask(Call(weekday=0, start=dt.time(1, 20), minutes=30), gap=30)
