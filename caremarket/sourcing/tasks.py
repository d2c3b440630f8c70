"""The sourcing timetable, run by the task queue every minute. Safe to run late, twice or on
two workers at once: each step is recorded once by its kind and due time (decision 0071)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caremarket.sourcing.services.timetable import timetable_tick


@db_periodic_task(crontab(minute="*"))
def run_timetable() -> int:
    """Lapse offers, close returns and issue the lists that fell due since the last tick."""
    return len(timetable_tick(now=timezone.now()))


# Registered with the queue from here, where Huey looks for an app's tasks.
from caremarket.sourcing.rounds_tasks import settle_handbacks  # noqa: E402, F401
