"""What the timetable has done lately, and whether its worker is keeping up."""

from __future__ import annotations

import datetime as dt

from caremarket.core.models import Heartbeat
from caremarket.core.selectors import TIMETABLE, timetable_status
from caremarket.sourcing.models import TimetableRun


def timetable_last_tick() -> dt.datetime | None:
    return Heartbeat.objects.filter(name=TIMETABLE).values_list("beat_at", flat=True).first()


def timetable_late(*, now: dt.datetime) -> bool:
    """For the broker pages' banner: lists may be going out late, or not at all."""
    return not timetable_status(now=now)["ok"]


def timetable_runs_recent(*, limit: int = 10) -> list[TimetableRun]:
    return list(
        TimetableRun.objects.select_related("requested_by", "batching_list", "available_list")[
            :limit
        ]
    )
