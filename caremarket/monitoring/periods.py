"""Four-week monitoring periods, numbered from 1, anchored on the framework's first Monday."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PERIOD_DAYS = 28


@dataclass(frozen=True)
class Period:
    number: int
    start: dt.date
    end: dt.date  # the last day, inclusive
    grace_days: int = 7

    @property
    def due(self) -> dt.date:
        """The last day on which the period's file counts as submitted on time."""
        return self.end + dt.timedelta(days=self.grace_days)

    @property
    def label(self) -> str:
        return f"Period {self.number} ({self.start:%-d %b %Y} to {self.end:%-d %b %Y})"

    @property
    def short_label(self) -> str:
        return f"P{self.number}"


def period_get(number: int, *, anchor: dt.date, grace_days: int = 7) -> Period:
    if number < 1:
        raise ValueError("Periods are numbered from 1.")
    start = anchor + dt.timedelta(days=PERIOD_DAYS * (number - 1))
    return Period(number, start, start + dt.timedelta(days=PERIOD_DAYS - 1), grace_days)


def period_number_on(day: dt.date, *, anchor: dt.date) -> int | None:
    """The period a day falls in; None before the anchor."""
    if day < anchor:
        return None
    return (day - anchor).days // PERIOD_DAYS + 1


def period_latest_complete(day: dt.date, *, anchor: dt.date) -> int:
    """The last period that has ended by this day: the one pages show first (at least period 1,
    so there is something to show before the first period has ended)."""
    current = period_number_on(day, anchor=anchor)
    return max((current or 2) - 1, 1)


def period_starting(day: dt.date, *, anchor: dt.date, grace_days: int = 7) -> Period | None:
    """The period that starts on this day, or None when no period starts then."""
    number = period_number_on(day, anchor=anchor)
    if number is None:
        return None
    period = period_get(number, anchor=anchor, grace_days=grace_days)
    return period if period.start == day else None


def periods_ended(*, today: dt.date, anchor: dt.date, grace_days: int = 7) -> list[Period]:
    """Every period whose last day is before today, oldest first."""
    current = period_number_on(today, anchor=anchor)
    if current is None:
        return []
    return [period_get(n, anchor=anchor, grace_days=grace_days) for n in range(1, current)]
