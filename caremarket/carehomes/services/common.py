"""Helpers shared by the care home services: room locks and freshness."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import formats, timezone

from caremarket.carehomes.models import (
    Booking,
    BookingStatus,
    CareHome,
    HomeSuspension,
    Room,
    Suspension,
    search_stamp_new,
)
from caremarket.carehomes.selectors.rooms import room_free_from, room_hold_conflict
from caremarket.carehomes.triggers import HOME_CLOSED, OVERLAP
from caremarket.common.errors import Conflict


def local_day(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def day_text(day: dt.date | None) -> str:
    return formats.date_format(day, "j F Y") if day else "no end date"


def room_lock(room_id: int) -> Room:
    """Lock the room row for this transaction: writers for one room queue behind each other.

    (SQLite has no row locks; its IMMEDIATE transactions already let one writer in at a time.)
    """
    return (
        Room.objects.select_for_update(of=("self",))
        .select_related("home", "block_owner")
        .get(pk=room_id)
    )


def conflict_message(room: Room, hold: Booking | Suspension | HomeSuspension) -> tuple[str, str]:
    """Why the room is not available: a sentence for people, and a code for systems."""
    until = f"until {day_text(hold.ends_on)}" if hold.ends_on else "with no end date"
    if isinstance(hold, HomeSuspension):
        return (
            f"{room.home.name} is closed to admissions from {day_text(hold.starts_on)} {until}"
            f" ({hold.get_reason_display().lower()}).",
            "home_closed",
        )
    if isinstance(hold, Suspension):
        return (
            f"{room.name} is suspended from {day_text(hold.starts_on)} {until}"
            f" ({hold.get_reason_display().lower()}).",
            "room_suspended",
        )
    if hold.status == BookingStatus.REQUESTED:
        return (
            f"{room.name} is reserved by a booking request awaiting the home's answer, from"
            f" {day_text(hold.starts_on)} {until}.",
            "room_requested",
        )
    return (f"{room.name} is booked from {day_text(hold.starts_on)} {until}.", "room_booked")


def check_room_free(
    room: Room,
    starts_on: dt.date,
    ends_on: dt.date | None,
    *,
    exclude_booking_id: int | None = None,
    exclude_suspension_id: int | None = None,
    admission: bool = False,
) -> None:
    if room.free_from is not None and room.free_from <= starts_on:
        return  # nothing holds the room on or after free_from (kept under the room's lock)
    hold = room_hold_conflict(
        room=room,
        starts_on=starts_on,
        ends_on=ends_on,
        exclude_booking_id=exclude_booking_id,
        exclude_suspension_id=exclude_suspension_id,
        admission=admission,
    )
    if hold is not None:
        message, code = conflict_message(room, hold)
        raise Conflict(message, code=code)


def save_hold(obj: Model, *, room: Room, update_fields: list[str] | None = None) -> None:
    """Save a booking or suspension; the database refuses it if it overlaps another hold."""
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError as exc:
        if HOME_CLOSED in str(exc):
            raise Conflict(
                f"{room.home.name} closed to admissions a moment ago. Search again.",
                code="home_closed",
            ) from exc
        if OVERLAP in str(exc):
            raise Conflict(
                f"{room.name} was taken for part of this period a moment ago. Search again.",
                code="room_taken",
            ) from exc
        raise


def home_touched(home_id: int, **fields: object) -> None:
    """Write `fields` of a home and give it a new search stamp in the same transaction.

    Every write that changes what vacancy search shows of a home (its profile, its rooms, their
    holds) goes through here or sets `search_stamp_new()` itself: cached answers covering the
    home are keyed by its stamp (decision 17), so the next search cannot see the old state.
    """
    CareHome.objects.filter(pk=home_id).update(search_stamp=search_stamp_new(), **fields)


def _save_room(room: Room, now: dt.datetime) -> None:
    room.updated_at = now
    room.save(update_fields=["free_from", "updated_at"])
    home_touched(room.home_id, vacancies_updated_at=now)


def room_hold_added(room: Room, *, ends_on: dt.date | None, now: dt.datetime) -> None:
    """A hold ending on `ends_on` (None: open-ended) was added: the room is free after it."""
    if ends_on is None or room.free_from is None:
        room.free_from = None
    else:
        room.free_from = max(room.free_from, ends_on)
    _save_room(room, now)


def room_touch(room: Room, *, now: dt.datetime) -> None:
    """A hold shrank or went: recompute when the room is next free; the home's data is fresh."""
    room.free_from = room_free_from(room=room)
    _save_room(room, now)
