"""A package's visits as data: calls by weekday, start time, length and carers (pure).

Weekly hours are carer hours, the hours the council commissions and pays for: a 30-minute
call with two carers is one hour (decision 0090). Times are the council's wall-clock times;
a pattern repeats every week, so the clock change does not alter it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_MINUTES = 5
# A live-in or 24-hour day is the longest single call.
MAX_MINUTES = 24 * 60
MAX_CARERS = 4
WEEK_MINUTES = 7 * 24 * 60
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True, order=True)
class Call:
    """One call on one weekday (0 = Monday)."""

    weekday: int
    start: dt.time
    minutes: int
    carers: int = 1

    @property
    def start_minute(self) -> int:
        """Minutes from Monday 00:00 to the start of the call."""
        return self.weekday * 1440 + self.start.hour * 60 + self.start.minute

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}"


@dataclass(frozen=True)
class CallRow:
    """A call as a broker enters it: the same time, length and carers on several days."""

    weekdays: frozenset[int]
    start: dt.time
    minutes: int
    carers: int = 1


def calls_from_rows(rows: Iterable[CallRow]) -> list[Call]:
    return sorted(
        Call(weekday=d, start=r.start, minutes=r.minutes, carers=r.carers)
        for r in rows
        for d in r.weekdays
    )


def calls_problems(calls: Sequence[Call]) -> list[str]:
    """Everything wrong with a pattern, each in words that name the call."""
    problems: list[str] = []
    if not calls:
        return ["Add at least one call."]
    for c in calls:
        if not 0 <= c.weekday <= 6:
            problems.append(f"Call {c.weekday}: the day must be Monday to Sunday.")
            continue
        if not MIN_MINUTES <= c.minutes <= MAX_MINUTES:
            problems.append(
                f"{c.label}: a call lasts {MIN_MINUTES} minutes to 24 hours, not {c.minutes}"
                " minutes."
            )
        if not 1 <= c.carers <= MAX_CARERS:
            problems.append(f"{c.label}: a call needs 1 to {MAX_CARERS} carers, not {c.carers}.")
    if problems:
        return problems
    ordered = sorted(calls, key=lambda c: c.start_minute)
    # A person cannot have two calls at once; the last call of Sunday may run into Monday.
    for a, b in zip(ordered, [*ordered[1:], ordered[0]], strict=True):
        if a is b:
            continue
        gap = (b.start_minute - a.start_minute) % WEEK_MINUTES
        if gap == 0 or a.minutes > gap:
            problems.append(f"{a.label} ({a.minutes} minutes) overlaps the call at {b.label}.")
    return problems


def weekly_hours(calls: Iterable[Call]) -> Decimal:
    carer_minutes = sum(c.minutes * c.carers for c in calls)
    return (Decimal(carer_minutes) / 60).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def hours_disagreement(*, calls: Sequence[Call], stated: Decimal) -> str | None:
    """Why a stated hours figure is refused, with the difference, or None when it agrees."""
    derived = weekly_hours(calls)
    stated = stated.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    if stated == derived:
        return None
    diff = abs(derived - stated)
    more_or_fewer = "more" if derived > stated else "fewer"
    return (
        f"The calls add up to {derived} hours a week but {stated} was stated: the calls give"
        f" {diff} hours {more_or_fewer}. Correct the calls or the hours."
    )


def _days_text(days: Sequence[int]) -> str:
    ds = sorted(days)
    if ds == list(range(7)):
        return "every day"
    if ds == list(range(5)):
        return "Mon–Fri"
    if ds == [5, 6]:
        return "Sat–Sun"
    return ", ".join(WEEKDAYS[d] for d in ds)


def call_groups(calls: Iterable[Call]) -> list[tuple[str, dt.time, int, int]]:
    """Calls grouped back into rows (days, start, minutes, carers), in the order of the day."""
    groups: dict[tuple[dt.time, int, int], list[int]] = {}
    for c in calls:
        groups.setdefault((c.start, c.minutes, c.carers), []).append(c.weekday)
    return [
        (_days_text(days), start, minutes, carers)
        for (start, minutes, carers), days in sorted(
            groups.items(), key=lambda kv: (kv[0][0], min(kv[1]))
        )
    ]


def pattern_summary(calls: Sequence[Call]) -> str:
    """The pattern in a line, as providers read it on offers and lists."""
    parts = []
    for days, start, minutes, carers in call_groups(calls):
        who = f", {carers} carers" if carers > 1 else ""
        parts.append(f"{start:%H:%M} {minutes} min{who} ({days})")
    text = "; ".join(parts)
    return text if len(text) <= 300 else text[:297] + "..."


def minutes_between(a: Call, b: Call) -> int | None:
    """Minutes between two calls on the same weekday (0 when they overlap), None otherwise."""
    if a.weekday != b.weekday:
        return None
    a_start, b_start = a.start_minute, b.start_minute
    a_end, b_end = a_start + a.minutes, b_start + b.minutes
    return max(0, max(a_start, b_start) - min(a_end, b_end))


def week_mask(calls: Iterable[Call]) -> int:
    """One bit per minute of the week that a call covers, start to end inclusive."""
    mask = 0
    for c in calls:
        mask |= ((1 << (c.minutes + 1)) - 1) << c.start_minute
    # A Sunday night call runs on into Monday morning.
    return (mask | (mask >> WEEK_MINUTES)) & ((1 << WEEK_MINUTES) - 1)


def reach_mask(call: Call, *, gap: int) -> int:
    """The minutes another call may cover to be within `gap` minutes of this one."""
    first = max(0, call.start_minute - gap)
    return ((1 << (call.start_minute + call.minutes + gap - first + 1)) - 1) << first
