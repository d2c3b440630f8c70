"""The sourcing timetable and the round work, run by the task queue. The timetable is safe to
run late, twice or on two workers at once: each step is recorded once by its kind and due time
(decision 0071). Settling handbacks and transfers is safe to run often (decision 0092)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caremarket.sourcing.services.handbacks import handbacks_settle
from caremarket.sourcing.services.timetable import timetable_tick
from caremarket.sourcing.services.transfers import transfers_complete_due


@db_periodic_task(crontab(minute="*"))
def run_timetable() -> int:
    """Lapse offers, close returns and issue the lists that fell due since the last tick."""
    return len(timetable_tick(now=timezone.now()))


@db_periodic_task(crontab(minute="*/15"))
def settle_handbacks() -> dict[str, int]:
    """Handed-back packages end after their last day, gaps are warned, transfers take effect."""
    now = timezone.now()
    return {**handbacks_settle(now=now), "transferred": transfers_complete_due(now=now)}
