from __future__ import annotations

import datetime as dt
import time

from django.db import connection

from caremarket.core.models import Heartbeat

# The worker beats every minute; three missed beats mean it is down or stuck.
WORKER_LATE_AFTER = dt.timedelta(minutes=3)


def database_status() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the health check reports, it never raises
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def worker_status(*, now: dt.datetime) -> dict[str, object]:
    """Whether the task worker has run its every-minute heartbeat lately."""
    try:
        beat = Heartbeat.objects.filter(name="worker").values_list("beat_at", flat=True).first()
    except Exception as exc:  # the health check reports, it never raises
        return {"ok": False, "error": exc.__class__.__name__}
    if beat is None:
        return {"ok": False, "last_beat_at": None, "seconds_ago": None}
    age = (now - beat).total_seconds()
    return {
        "ok": age <= WORKER_LATE_AFTER.total_seconds(),
        "last_beat_at": beat.isoformat(),
        "seconds_ago": round(age),
    }
