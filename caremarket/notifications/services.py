from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from caremarket.common.errors import NotFound
from caremarket.notifications.models import Notification

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5


def notification_send(
    *,
    recipients: Iterable[Any],
    event: str,
    subject: str,
    body: str,
    url: str = "",
    now: dt.datetime,
) -> list[Notification]:
    """Queue a message for each active recipient; call inside the caller's transaction."""
    rows = [
        Notification(
            recipient=user, event=event, subject=subject[:200], body=body, url=url, created_at=now
        )
        for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values()
    ]
    return Notification.objects.bulk_create(rows)


@dataclass(frozen=True)
class Message:
    """One message of `notification_send_many`: what `notification_send` takes, but `now`."""

    recipients: Iterable[Any]
    event: str
    subject: str
    body: str
    url: str = ""


def notification_send_many(*, messages: list[Message], now: dt.datetime) -> list[Notification]:
    """`notification_send` for many messages in one statement, in the order given."""
    rows = [
        Notification(
            recipient=user,
            event=m.event,
            subject=m.subject[:200],
            body=m.body,
            url=m.url,
            created_at=now,
        )
        for m in messages
        for user in {u.pk: u for u in m.recipients if u is not None and u.is_active}.values()
    ]
    return Notification.objects.bulk_create(rows)


def notification_mark_read(
    *, user: Any, notification: Notification, now: dt.datetime
) -> Notification:
    if notification.recipient_id != user.pk:
        # Not found rather than forbidden: another person's messages are not confirmed to exist.
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification


def notification_deliver_pending(*, now: dt.datetime, limit: int = 200) -> int:
    """E-mail queued notifications; returns how many were sent. Safe to run concurrently."""
    sent = 0
    pending = list(
        Notification.objects.select_related("recipient")
        .filter(emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .order_by("created_at")[:limit]
    )
    for note in pending:
        with transaction.atomic():
            # Claim the row first so two workers never send the same e-mail.
            claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(
                emailed_at=now
            )
            if not claimed:
                continue
            link = f"\n\n{settings.SITE_URL}{note.url}" if note.url else ""
            try:
                send_mail(
                    subject=f"{settings.SERVICE_NAME}: {note.subject}",
                    message=f"{note.body}{link}",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[note.recipient.email],
                )
            except Exception:  # an unreachable mail server must not stop the queue
                log.exception("Could not e-mail notification %s", note.pk)
                Notification.objects.filter(pk=note.pk).update(
                    emailed_at=None, email_attempts=note.email_attempts + 1
                )
                continue
            sent += 1
    return sent


def notification_outbox_settle(*, created_up_to: dt.datetime, now: dt.datetime) -> int:
    """Mark queued messages up to a moment as sent without e-mailing them.

    Loading demo history creates thousands of messages about events in the past; they belong
    in the service's inbox, not in anyone's e-mail.
    """
    return Notification.objects.filter(
        emailed_at__isnull=True, created_at__lte=created_up_to
    ).update(emailed_at=now)
