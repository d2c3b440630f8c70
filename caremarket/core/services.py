"""Writes of the service shell: the task worker's heartbeat."""

from __future__ import annotations

import datetime as dt

from caremarket.core.models import Heartbeat

WORKER = "worker"


def heartbeat_record(*, name: str = WORKER, now: dt.datetime) -> None:
    # Not audited: a liveness signal every minute, not a change anyone made.
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})
