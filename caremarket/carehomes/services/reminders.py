"""A daily nudge to homes about booking requests they have not answered."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from caremarket.audit.services import audit_record
from caremarket.carehomes.models import Booking, BookingStatus
from caremarket.carehomes.selectors.homes import care_home_staff
from caremarket.carehomes.services.bookings import booking_url
from caremarket.carehomes.services.common import day_text
from caremarket.notifications.services import notification_send


@transaction.atomic
def booking_request_remind_unanswered(*, now: dt.datetime, after_hours: int = 24) -> int:
    """Remind homes, once a day, of requests they have not answered."""
    due = now - dt.timedelta(hours=after_hours)
    pending = (
        Booking.objects.select_related("room__home")
        .filter(status=BookingStatus.REQUESTED, requested_at__lte=due)
        .exclude(reminded_at__gt=due)
    )
    count = 0
    for booking in pending:
        notification_send(
            recipients=care_home_staff(home=booking.room.home),
            event="booking.reminder",
            subject=f"Still awaiting your answer: {booking.room.name}, {booking.room.home.name}",
            body=(
                f"A booking request for {booking.room.name} from"
                f" {day_text(booking.starts_on)} has waited since"
                f" {timezone.localtime(booking.requested_at):%-d %B %H:%M}."
                " The room stays reserved until you answer."
            ),
            url=booking_url(booking),
            now=now,
        )
        Booking.objects.filter(pk=booking.pk).update(reminded_at=now)
        audit_record(actor=None, action="booking.reminder_sent", obj=booking, at=now)
        count += 1
    return count
