"""Date ranges and the periods figures are shown in: weeks (Monday to Sunday) or months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caremarket.common.errors import ValidationFailed

WEEKLY_UP_TO_DAYS = 7 * 27  # longer ranges are shown month by month
MAX_RANGE_DAYS = 3 * 366
PRESETS = (
    ("4w", "Last 4 weeks"),
    ("12w", "Last 12 weeks"),
    ("26w", "Last 26 weeks"),
    ("52w", "Last 52 weeks"),
    ("fy", "This financial year"),
)
DEFAULT_PRESET = "12w"


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date  # inclusive; figures "as at" a period are taken on this day
    label: str


@dataclass(frozen=True)
class DateRange:
    starts_on: dt.date
    ends_on: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def label(self) -> str:
        return f"{self.starts_on:%-d %B %Y} to {self.ends_on:%-d %B %Y}"

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def periods(self) -> list[Period]:
        return _weeks(self) if self.days <= WEEKLY_UP_TO_DAYS else _months(self)


def _weeks(span: DateRange) -> list[Period]:
    periods = []
    start = span.starts_on
    while start <= span.ends_on:
        sunday = start + dt.timedelta(days=6 - start.weekday())
        end = min(sunday, span.ends_on)
        periods.append(Period(starts_on=start, ends_on=end, label=f"Week to {end:%-d %b %Y}"))
        start = end + dt.timedelta(days=1)
    return periods


def _months(span: DateRange) -> list[Period]:
    periods = []
    start = span.starts_on
    while start <= span.ends_on:
        following = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        end = min(following - dt.timedelta(days=1), span.ends_on)
        periods.append(Period(starts_on=start, ends_on=end, label=f"{start:%b %Y}"))
        start = end + dt.timedelta(days=1)
    return periods


def range_last_weeks(*, weeks: int, today: dt.date) -> DateRange:
    """The whole weeks (Monday to Sunday) up to and including the current one."""
    monday = today - dt.timedelta(days=today.weekday())
    return DateRange(starts_on=monday - dt.timedelta(weeks=weeks - 1), ends_on=today)


def range_financial_year_to_date(*, today: dt.date) -> DateRange:
    """From 1 April, as councils report (the seed's market table runs April to March)."""
    year = today.year if today.month >= 4 else today.year - 1
    return DateRange(starts_on=dt.date(year, 4, 1), ends_on=today)


def range_preset(preset: str, *, today: dt.date) -> DateRange:
    if preset == "fy":
        return range_financial_year_to_date(today=today)
    return range_last_weeks(weeks=int(preset.removesuffix("w")), today=today)


def range_between(*, starts_on: dt.date, ends_on: dt.date, today: dt.date) -> DateRange:
    if ends_on > today:
        raise ValidationFailed({"ends_on": ["The range cannot end after today."]})
    if ends_on < starts_on:
        raise ValidationFailed({"ends_on": ["The range cannot end before it starts."]})
    if (ends_on - starts_on).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed({"starts_on": ["Choose a range of at most three years."]})
    return DateRange(starts_on=starts_on, ends_on=ends_on)
