"""The task worker's heartbeat: /healthz/worker tells monitoring when it stops."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from caremarket.core.services import heartbeat_record


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    heartbeat_record(now=timezone.now())


@HUEY.on_startup()
def _beat_on_startup() -> None:
    # A worker that has just started is alive now, not at the next minute.
    heartbeat_record(now=timezone.now())
