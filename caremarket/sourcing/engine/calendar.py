"""Working days and office hours in Europe/London, skipping weekends and England's bank holidays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    """The council's office hours; all instants in and out are timezone-aware."""

    day_starts: dt.time = dt.time(9, 0)
    day_ends: dt.time = dt.time(17, 0)
    extra_closures: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in _bank_holidays(day.year)
            and day not in self.extra_closures
        )

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    @staticmethod
    def local(instant: dt.datetime) -> dt.datetime:
        if instant.tzinfo is None:
            raise ValueError("naive datetime: the engine only works with aware instants")
        return instant.astimezone(LONDON)

    @staticmethod
    def at(day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=LONDON)

    def _day_length(self) -> dt.timedelta:
        return dt.datetime.combine(dt.date.min, self.day_ends) - dt.datetime.combine(
            dt.date.min, self.day_starts
        )

    def clamp_to_working_time(self, instant: dt.datetime) -> dt.datetime:
        """The instant itself if the office is open, else the next opening."""
        local = self.local(instant)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < self.day_starts:
                return self.at(day, self.day_starts)
            if local.time() < self.day_ends:
                return local
        return self.at(self.next_working_day(day), self.day_starts)

    def add_working_time(self, instant: dt.datetime, span: dt.timedelta) -> dt.datetime:
        """Move on by `span` of office time: a 2-hour window offered at 16:30 ends at 10:30."""
        current = self.clamp_to_working_time(instant)
        remaining = span
        while True:
            end_of_day = self.at(current.date(), self.day_ends)
            available = end_of_day - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self.at(self.next_working_day(current.date()), self.day_starts)

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Office time elapsed from start to end (zero if end is not after start)."""
        if end <= start:
            return dt.timedelta(0)
        a = self.clamp_to_working_time(start)
        b_local = self.local(end)
        total = dt.timedelta(0)
        day = a.date()
        while day <= b_local.date():
            if self.is_working_day(day):
                open_ = (
                    max(a, self.at(day, self.day_starts))
                    if day == a.date()
                    else self.at(day, self.day_starts)
                )
                close = min(b_local, self.at(day, self.day_ends))
                if close > open_:
                    total += close - open_
            day += dt.timedelta(days=1)
        return total

    def working_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        return self.working_time_between(start, end).total_seconds() / 3600

    def next_working_time(self, after: dt.datetime, time: dt.time) -> dt.datetime:
        """The first working-day instant at `time` strictly after `after`."""
        local = self.local(after)
        day = local.date() if local.time() < time else local.date() + dt.timedelta(days=1)
        return self.at(self.working_day_on_or_after(day), time)

    def next_scheduled(
        self, after: dt.datetime, time: dt.time, weekdays: frozenset[int]
    ) -> dt.datetime:
        """The next run of a weekly schedule (e.g. Monday and Thursday at 09:00) strictly after
        `after`; a run that falls on a bank holiday moves to the next working day."""
        local = self.local(after)
        day = local.date()
        while True:
            if day.weekday() in weekdays:
                run = self.at(self.working_day_on_or_after(day), time)
                if run > local:
                    return run
            day += dt.timedelta(days=1)
