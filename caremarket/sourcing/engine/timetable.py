"""Which timed steps fell due between two instants: the catch-up a late worker needs.

Pure: the service records each step once (kind, due time) and performs it; this module only
says what the council's timetable asked for and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from caremarket.sourcing.engine.rules import SourcingRules

# A worker that runs every minute performs a step within the minute; beyond that it is late.
ON_TIME_WITHIN = dt.timedelta(minutes=1)
# However long the outage, the timetable looks back no further than this (a week covers a
# long weekend with a bank holiday and a failed deploy on top).
LOOK_BACK = dt.timedelta(days=7)


class StepKind(StrEnum):
    BATCHING_ISSUE = "batching_issue"
    BATCHING_CLOSE = "batching_close"
    AVAILABLE_ISSUE = "available_issue"


@dataclass(frozen=True, order=True)
class DueStep:
    due_at: dt.datetime
    kind: StepKind


def _run_of(
    after: dt.datetime,
    until: dt.datetime,
    following: Callable[[dt.datetime], dt.datetime | None],
) -> list[dt.datetime]:
    out: list[dt.datetime] = []
    current = after
    while (nxt := following(current)) is not None and nxt <= until:
        out.append(nxt)
        current = nxt
    return out


def steps_due(rules: SourcingRules, *, after: dt.datetime, until: dt.datetime) -> list[DueStep]:
    """Every scheduled list issue due in (after, until], earliest first."""
    after = max(after, until - LOOK_BACK)
    steps = [
        DueStep(at, StepKind.BATCHING_ISSUE)
        for at in _run_of(after, until, rules.next_batching_issue)
    ]
    steps += [
        DueStep(at, StepKind.AVAILABLE_ISSUE)
        for at in _run_of(after, until, rules.next_available_list)
    ]
    return sorted(steps)


def is_late(*, due_at: dt.datetime, done_at: dt.datetime) -> bool:
    return done_at - due_at > ON_TIME_WITHIN
