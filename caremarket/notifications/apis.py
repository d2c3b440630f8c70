from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from caremarket.common.pagination import Pagination
from caremarket.notifications import selectors, services
from caremarket.notifications.models import Notification

router = Router(tags=["Notifications"])


class NotificationOut(Schema):
    id: int
    event: str
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/notifications", response=list[NotificationOut], summary="Your notifications")
@paginate(Pagination)
def notification_list(request: HttpRequest, unread_only: bool = False) -> object:
    return selectors.notification_list(user=request.user, unread_only=unread_only)


@router.post(
    "/notifications/{notification_id}/read", response=NotificationOut, summary="Mark as read"
)
def notification_read(request: HttpRequest, notification_id: int) -> Notification:
    note = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    return services.notification_mark_read(user=request.user, notification=note, now=timezone.now())
