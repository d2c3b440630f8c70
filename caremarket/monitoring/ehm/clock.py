"""UK wall-clock times in a visit file, read as real instants (decision 0036).

A file's times are what the carer's phone showed: UK local time, GMT in winter and BST in
summer. The UTC offsets come from the IANA time-zone database (`zoneinfo`, Europe/London):
this module finds the clock changes around a file's period and turns them into SQL CASE
expressions over whole columns, so DuckDB reads a million rows with a few comparisons each
instead of one time-zone conversion per value.

For a wall-clock time the SQL gives two offsets (minutes east of UTC): the one of its first
occurrence and the one of its second. They differ only in the hour repeated when the clocks go
back; a time in the hour skipped when they go forward has neither (it never happened).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
# Every time a valid file can hold is within a day or two of its period (planned starts in
# it, check-ins within 24 hours of them, lengths under 24 hours). A row beyond the margin
# breaks one of those rules anyway, so the file is rejected whatever offset it is read with.
# Keeping the margin small means most periods see no clock change at all and every offset is
# a constant: the one pass over a million rows stays close to a bare scan (issue 13).
MARGIN = dt.timedelta(days=3)


@dataclass(frozen=True)
class Change:
    """A clock change: at `utc` (naive UTC) the offset went from `before` to `after` minutes."""

    utc: dt.datetime
    before: int
    after: int

    @property
    def local_from(self) -> dt.datetime:
        """The first wall-clock time affected (skipped or repeated)."""
        return self.utc + dt.timedelta(minutes=min(self.before, self.after))

    @property
    def local_to(self) -> dt.datetime:
        """The first wall-clock time after the skipped or repeated hour."""
        return self.utc + dt.timedelta(minutes=max(self.before, self.after))

    @property
    def forward(self) -> bool:
        return self.after > self.before


def _offset(at_utc: dt.datetime) -> int:
    delta = at_utc.replace(tzinfo=UTC).astimezone(LONDON).utcoffset()
    assert delta is not None
    return int(delta.total_seconds() // 60)


def clock_changes(*, start: dt.date, end: dt.date) -> list[Change]:
    """Europe/London's clock changes between two dates (widened by MARGIN), in order."""
    moment = dt.datetime.combine(start, dt.time()) - MARGIN
    last = dt.datetime.combine(end, dt.time()) + MARGIN
    changes: list[Change] = []
    current = _offset(moment)
    step = dt.timedelta(hours=1)  # UK changes happen on the hour (01:00 UTC)
    while moment < last:
        moment += step
        offset = _offset(moment)
        if offset != current:
            changes.append(Change(utc=moment, before=current, after=offset))
            current = offset
    return changes


def offset_at(*, moment: dt.datetime) -> int:
    """Europe/London's offset at a naive UTC moment (for the base case with no change)."""
    return _offset(moment)


def _ts(value: dt.datetime) -> str:
    return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"


@dataclass(frozen=True)
class ClockSql:
    """SQL builders for one file, given the clock changes around its period."""

    changes: tuple[Change, ...]
    base: int  # the offset before the first change (or throughout when there is none)

    @classmethod
    def around(cls, *, start: dt.date, end: dt.date) -> ClockSql:
        changes = tuple(clock_changes(start=start, end=end))
        first = dt.datetime.combine(start, dt.time()) - MARGIN
        return cls(changes=changes, base=offset_at(moment=first))

    def _local(self, expr: str, inside: str) -> str:
        """CASE over a wall-clock expression; `inside(change)` is the value in a changed hour."""
        if not self.changes:
            return str(self.base)
        parts = []
        before = self.base
        for change in self.changes:
            parts.append(f"WHEN {expr} < {_ts(change.local_from)} THEN {before}")
            parts.append(
                f"WHEN {expr} < {_ts(change.local_to)} THEN {inside_value(change, inside)}"
            )
            before = change.after
        return f"CASE {' '.join(parts)} ELSE {before} END"

    def first_offset(self, expr: str) -> str:
        """Offset of the first occurrence of a wall-clock time (NULL if it never happened)."""
        return self._local(expr, "first")

    def second_offset(self, expr: str) -> str:
        """Offset of the second occurrence (the same as the first outside the repeated hour)."""
        return self._local(expr, "second")

    def skipped(self, expr: str) -> str:
        """True for a wall-clock time in an hour the clocks skipped."""
        gaps = [c for c in self.changes if c.forward]
        if not gaps:
            return "false"
        return (
            "("
            + " OR ".join(
                f"({expr} >= {_ts(c.local_from)} AND {expr} < {_ts(c.local_to)})" for c in gaps
            )
            + ")"
        )

    def offset_at_utc(self, expr: str) -> str:
        """Offset in force at a UTC instant (naive TIMESTAMP expression)."""
        if not self.changes:
            return str(self.base)
        parts, before = [], self.base
        for change in self.changes:
            parts.append(f"WHEN {expr} < {_ts(change.utc)} THEN {before}")
            before = change.after
        return f"CASE {' '.join(parts)} ELSE {before} END"


def inside_value(change: Change, which: str) -> str:
    if change.forward:
        return "NULL"  # skipped: no reading exists
    return str(change.before if which == "first" else change.after)


def zone_name(offset: int) -> str:
    return {0: "GMT", 60: "BST"}.get(offset, f"UTC{offset // 60:+03d}:{offset % 60:02d}")
