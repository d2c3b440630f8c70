from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caremarket.notifications.services import notification_deliver_pending


@db_periodic_task(crontab(minute="*"))
def deliver_notifications() -> int:
    return notification_deliver_pending(now=timezone.now())
