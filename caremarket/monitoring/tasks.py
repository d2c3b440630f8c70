from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caremarket.monitoring import config
from caremarket.monitoring.queue import process_submission
from caremarket.monitoring.services.flags import risk_flags_check_missing

__all__ = ["check_missing_submissions", "process_submission"]


@db_periodic_task(crontab(hour="6", minute="15"))
def check_missing_submissions() -> int:
    flags = risk_flags_check_missing(
        now=timezone.now(), anchor=config.period_anchor(), grace_days=config.grace_days()
    )
    return len(flags)
