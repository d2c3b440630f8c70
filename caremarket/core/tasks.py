"""The task worker's heartbeat (/healthz/worker tells monitoring when it stops) and the pick-up
of reference files dropped in DATA_IMPORT_DROP_DIR."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from caremarket.core.queue import data_import_process
from caremarket.core.services import data_import_pick_up, heartbeat_record

__all__ = ["data_import_pick_up_files", "data_import_process", "worker_heartbeat"]


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    heartbeat_record(now=timezone.now())


@HUEY.on_startup()
def _beat_on_startup() -> None:
    # A worker that has just started is alive now, not at the next minute.
    heartbeat_record(now=timezone.now())


@HUEY.on_startup()
def _load_url_map() -> None:
    # Jobs that tell someone link to a page, and the first link built in a process imports
    # every page and API module (0.6 s, measured on the EHM benchmark): a worker pays that as it
    # starts, not inside its first job.
    reverse("healthz")


@db_periodic_task(crontab(minute="*/5"))
def data_import_pick_up_files() -> int:
    """Files a council's scheduled download drops in DATA_IMPORT_DROP_DIR."""
    runs = data_import_pick_up(now=timezone.now())
    return len(runs)
