from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from caremarket.core.navigation import navigation_for
from caremarket.notifications.selectors import notification_unread_count


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "navigation": navigation_for(user, request.path) if user is not None else [],
        "unread_notifications": notification_unread_count(user=user) if user is not None else 0,
    }
