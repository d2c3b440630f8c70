"""Scheduled round work: handbacks end and gaps are warned (safe to run often)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caremarket.sourcing.services.handbacks import handbacks_settle
from caremarket.sourcing.services.transfers import transfers_complete_due


@db_periodic_task(crontab(minute="*/15"))
def settle_handbacks() -> dict[str, int]:
    now = timezone.now()
    return {**handbacks_settle(now=now), "transferred": transfers_complete_due(now=now)}
