import datetime as dt

import pytest

from caremarket.sourcing.engine.calendar import LONDON, WorkingCalendar
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE

cal = WorkingCalendar()


def at(y, m, d, h=9, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 11, 20), True),  # Friday
        (dt.date(2026, 11, 21), False),  # Saturday
        (dt.date(2026, 4, 3), False),  # Good Friday
        (dt.date(2026, 4, 6), False),  # Easter Monday
        (dt.date(2026, 5, 25), False),  # Spring bank holiday
        (dt.date(2026, 12, 28), False),  # Boxing Day (substitute day)
    ],
)
def test_working_days_skip_weekends_and_englands_bank_holidays(day, working):
    assert cal.is_working_day(day) is working


def test_a_friday_1600_batching_list_is_returned_on_monday_at_1000():
    assert COUNCIL_TIMETABLE.batching_close(at(2026, 11, 20, 16)) == at(2026, 11, 23, 10)


def test_a_batching_list_before_easter_is_returned_after_the_bank_holidays():
    # Thursday 2 April 2026: Good Friday and Easter Monday follow.
    assert COUNCIL_TIMETABLE.batching_close(at(2026, 4, 2, 16)) == at(2026, 4, 7, 10)


def test_a_friday_list_before_a_bank_holiday_monday_is_returned_on_tuesday():
    assert COUNCIL_TIMETABLE.batching_close(at(2026, 5, 22, 16)) == at(2026, 5, 26, 10)


def test_the_next_batching_list_is_1600_today_or_the_next_working_day():
    assert COUNCIL_TIMETABLE.next_batching_issue(at(2026, 11, 20, 11)) == at(2026, 11, 20, 16)
    assert COUNCIL_TIMETABLE.next_batching_issue(at(2026, 11, 20, 16)) == at(2026, 11, 23, 16)


def test_an_offer_window_runs_in_office_time_only():
    assert COUNCIL_TIMETABLE.offer_deadline(now=at(2026, 11, 19, 10), tier=1) == at(
        2026, 11, 19, 12
    )
    assert COUNCIL_TIMETABLE.offer_deadline(now=at(2026, 11, 19, 16, 30), tier=1) == at(
        2026, 11, 20, 10, 30
    )
    assert COUNCIL_TIMETABLE.offer_deadline(now=at(2026, 11, 20, 16), tier=1) == at(
        2026, 11, 23, 10
    )
    # Made on a Saturday, the window starts when the office opens on Monday.
    assert COUNCIL_TIMETABLE.offer_deadline(now=at(2026, 11, 21, 12), tier=1) == at(
        2026, 11, 23, 11
    )


def test_office_time_is_wall_clock_across_the_clock_change():
    # Clocks go forward on Sunday 29 March 2026; Monday's window is still 09:00 to 11:00.
    assert cal.add_working_time(at(2026, 3, 27, 16), dt.timedelta(hours=3)) == at(2026, 3, 30, 11)


def test_available_packages_lists_go_out_on_monday_and_thursday():
    assert COUNCIL_TIMETABLE.next_available_list(at(2026, 11, 17, 12)) == at(
        2026, 11, 19, 9
    )  # Tue -> Thu
    assert COUNCIL_TIMETABLE.next_available_list(at(2026, 11, 19, 9)) == at(
        2026, 11, 23, 9
    )  # Thu 09:00 -> Mon
    assert COUNCIL_TIMETABLE.next_available_list(at(2026, 5, 21, 12)) == at(
        2026, 5, 26, 9
    )  # bank holiday Mon -> Tue


def test_working_hours_between_counts_only_office_time():
    assert cal.working_hours_between(at(2026, 11, 20, 16), at(2026, 11, 23, 10)) == pytest.approx(
        2.0
    )
    assert cal.working_hours_between(at(2026, 11, 23, 10), at(2026, 11, 20, 16)) == 0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        cal.add_working_time(dt.datetime(2026, 1, 5, 9), dt.timedelta(hours=1))
