from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from caremarket.carehomes.services import booking_request_remind_unanswered


@db_periodic_task(crontab(hour="9", minute="0"))
def remind_unanswered_requests() -> int:
    """Every morning: homes hear of booking requests they have not answered in a day."""
    return booking_request_remind_unanswered(now=timezone.now())
