"""Reads about rooms: what holds a room when, and each room's state on a day."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet

from caremarket.carehomes.models import (
    FREE_SINCE_ALWAYS,
    HOLDING_STATUSES,
    Booking,
    BookingStatus,
    CareHome,
    HomeSuspension,
    Room,
    Suspension,
)


def _overlapping(starts_on: dt.date, ends_on: dt.date | None) -> Q:
    """Periods [s, e) overlapping [starts_on, ends_on), ignoring empty ones (e == s)."""
    q = Q(ends_on__isnull=True) | (Q(ends_on__gt=starts_on) & Q(ends_on__gt=F("starts_on")))
    if ends_on is not None:
        q &= Q(starts_on__lt=ends_on)
    return q


def room_hold_conflict(
    *,
    room: Room,
    starts_on: dt.date,
    ends_on: dt.date | None,
    exclude_booking_id: int | None = None,
    exclude_suspension_id: int | None = None,
    exclude_home_suspension_id: int | None = None,
    admission: bool = False,
) -> Booking | Suspension | HomeSuspension | None:
    """The first booking, request or suspension holding the room in this period, if any.

    For an admission (a new request or booking) the home's closure counts as well.
    """
    bookings = Booking.objects.filter(room=room, status__in=HOLDING_STATUSES).filter(
        _overlapping(starts_on, ends_on)
    )
    if exclude_booking_id:
        bookings = bookings.exclude(pk=exclude_booking_id)
    booking = bookings.order_by("starts_on").first()
    if booking is not None:
        return booking
    suspensions = Suspension.objects.filter(room=room).filter(_overlapping(starts_on, ends_on))
    if exclude_suspension_id:
        suspensions = suspensions.exclude(pk=exclude_suspension_id)
    suspension = suspensions.order_by("starts_on").first()
    if suspension is not None or not admission:
        return suspension
    return home_closed_on(room=room, day=starts_on, exclude_id=exclude_home_suspension_id)


def home_closed_on(
    *, room: Room, day: dt.date, exclude_id: int | None = None
) -> HomeSuspension | None:
    """The closure of the room's home in force on `day`: nothing may start in a closed home."""
    closures = HomeSuspension.objects.filter(home_id=room.home_id).filter(_covering(day))
    if exclude_id:
        closures = closures.exclude(pk=exclude_id)
    return closures.exclude(ends_on=F("starts_on")).order_by("starts_on").first()


def room_free_from(*, room: Room) -> dt.date | None:
    """The first day from which nothing holds the room, or None if a hold has no end."""
    last: list[dt.date] = []
    for qs in (
        Booking.objects.filter(room=room, status__in=HOLDING_STATUSES),
        Suspension.objects.filter(room=room),
        # A room freed while its home is closed is not free until the home reopens.
        HomeSuspension.objects.filter(home_id=room.home_id).exclude(ends_on=F("starts_on")),
    ):
        agg = qs.aggregate(open=Count("pk", filter=Q(ends_on__isnull=True)), last=Max("ends_on"))
        if agg["open"]:
            return None
        if agg["last"] is not None:
            last.append(agg["last"])
    return max([FREE_SINCE_ALWAYS, *last])


def _covering(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": day})
    )


@dataclass(frozen=True)
class RoomState:
    key: str
    label: str
    colour: str  # a GOV.UK tag modifier


OCCUPIED = RoomState("occupied", "Occupied", "blue")
SUSPENDED = RoomState("closed", "Suspended", "grey")
RESERVED = RoomState("reserved", "Vacant, reserved", "yellow")
VACANT = RoomState("vacant", "Vacant", "green")


def rooms_with_state(*, rooms: QuerySet[Room], day: dt.date) -> QuerySet[Room]:
    """Annotate each room with what holds it on `day` (see room_state)."""
    bookings = Booking.objects.filter(room=OuterRef("pk"))
    return rooms.annotate(
        is_occupied=Exists(
            bookings.filter(status__in=(BookingStatus.ACCEPTED, BookingStatus.ENDED)).filter(
                _covering(day)
            )
        ),
        is_suspended=Exists(Suspension.objects.filter(room=OuterRef("pk")).filter(_covering(day))),
        # A room freed while its home is closed has no suspension of its own, but is closed.
        is_home_closed=Exists(
            HomeSuspension.objects.filter(home_id=OuterRef("home_id"))
            .filter(_covering(day))
            .exclude(ends_on=F("starts_on"))
        ),
        # Vacant today but promised: a request awaiting an answer, or a booking starting later.
        is_reserved=Exists(
            bookings.filter(
                Q(status=BookingStatus.REQUESTED)
                | Q(status=BookingStatus.ACCEPTED, starts_on__gt=day)
            ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        ),
    )


def room_state(room: Room) -> RoomState:
    """One state per room on the day given to rooms_with_state, in this order of precedence."""
    if getattr(room, "is_occupied", False):
        return OCCUPIED
    if getattr(room, "is_suspended", False):
        return SUSPENDED
    # A request made before the home closed still awaits the home's answer, as the market
    # figures count it; only rooms with nothing on them are closed with the home.
    if getattr(room, "is_reserved", False):
        return RESERVED
    if getattr(room, "is_home_closed", False):
        return SUSPENDED
    return VACANT


def room_list_for_home(*, home: CareHome, day: dt.date) -> list[Room]:
    rooms = rooms_with_state(
        rooms=Room.objects.filter(home=home).select_related("block_owner"), day=day
    )
    return sorted(rooms, key=lambda r: _natural_key(r.name))


def _natural_key(name: str) -> tuple[object, ...]:
    # "Room 2" before "Room 10".
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name))
