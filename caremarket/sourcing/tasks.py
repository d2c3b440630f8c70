"""The sourcing timetable, run by the task queue every minute. Each job is safe to run twice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caremarket.sourcing.services.available import available_list_issue
from caremarket.sourcing.services.batching import batching_list_issue, batching_lists_close_due
from caremarket.sourcing.services.engine_io import sourcing_rules
from caremarket.sourcing.services.offers import offers_lapse_due

TICK = dt.timedelta(minutes=1)


@db_periodic_task(crontab(minute="*"))
def lapse_offers() -> int:
    return offers_lapse_due(now=timezone.now())


@db_periodic_task(crontab(minute="*"))
def run_timetable() -> None:
    """Issue and close the lists whose time has come; the rules, not this job, say when."""
    now = timezone.now()
    rules = sourcing_rules()
    batching_due = rules.next_batching_issue(now - TICK)
    if batching_due is not None and batching_due <= now:
        batching_list_issue(now=batching_due)
    batching_lists_close_due(now=now)
    available_due = rules.next_available_list(now - TICK)
    if available_due <= now:
        available_list_issue(now=available_due)


# Registered with the queue from here, where Huey looks for an app's tasks.
from caremarket.sourcing.rounds_tasks import settle_handbacks  # noqa: E402, F401
