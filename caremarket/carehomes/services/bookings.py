"""Booking requests and bookings: submit, accept, reject, cancel, end; audited and announced."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.carehomes.models import (
    Booking,
    BookingStatus,
    ContractType,
    Funding,
    RejectionReason,
    RejectionStage,
    Room,
)
from caremarket.carehomes.models.bookings import person_reference_validator
from caremarket.carehomes.selectors.homes import care_home_staff
from caremarket.carehomes.services.common import (
    check_room_free,
    day_text,
    local_day,
    room_hold_added,
    room_lock,
    room_touch,
    save_hold,
)
from caremarket.common.errors import Conflict, ValidationFailed
from caremarket.common.permissions import require
from caremarket.notifications.services import notification_send

# Providers record residents who arrived before they used the service; others book ahead.
PROVIDER_BACKDATE_DAYS = 365
MAX_DAYS_AHEAD = 366

NOT_PERMITTED_REQUEST = (
    "You cannot send a booking request for this room. Block rooms take requests from their"
    " owner and its partners only, and providers book only their own IRN and Spot rooms."
)
NOT_PERMITTED_ANSWER = "Only the care home's own staff can answer its booking requests."
NOT_PERMITTED_CANCEL = "Only the organisation that sent a booking request can cancel it."
NOT_PERMITTED_END = "Only the care home's own staff can end its bookings."


def booking_url(booking: Booking) -> str:
    return reverse("carehomes:booking-detail", args=[booking.pk])


def _lock_booking(booking: Booking) -> tuple[Booking, Room]:
    room = room_lock(booking.room_id)
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    locked.room = room
    return locked, room


def _require_status(booking: Booking, *statuses: str) -> None:
    if booking.status not in statuses:
        raise Conflict(
            f"This booking request is {booking.get_status_display().lower()}, so it cannot be"
            " changed that way.",
            code="wrong_status",
        )


def _validate_request(
    *,
    room: Room,
    starts_on: dt.date,
    ends_on: dt.date | None,
    funding: str,
    person_reference: str,
    today: dt.date,
    by_provider: bool,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    earliest = today - dt.timedelta(PROVIDER_BACKDATE_DAYS) if by_provider else today
    if starts_on < earliest:
        errors["starts_on"] = [
            "The start date must be within the last year."
            if by_provider
            else "The start date must be today or later."
        ]
    elif starts_on > today + dt.timedelta(MAX_DAYS_AHEAD):
        errors["starts_on"] = ["The start date must be within a year from today."]
    if ends_on is not None and ends_on <= starts_on:
        errors["ends_on"] = ["The end date must be after the start date."]
    try:
        person_reference_validator(person_reference)
    except ValidationError as exc:
        errors["person_reference"] = list(exc.messages)
    if funding not in Funding.values:
        errors["funding"] = [f"“{funding}” is not a kind of funding."]
    elif funding == Funding.TOP_UP and not room.accepts_top_up:
        errors["funding"] = [f"{room.name} does not accept third-party top-ups."]
    elif (
        funding == Funding.LOCAL_AUTHORITY
        and room.contract_type == ContractType.SPOT
        and not room.accepts_la_rate
    ):
        errors["funding"] = [f"{room.name} does not accept local authority rates."]
    return errors


@transaction.atomic
def booking_request_submit(
    *,
    actor: User,
    room: Room,
    starts_on: dt.date,
    person_reference: str,
    funding: str,
    now: dt.datetime,
    ends_on: dt.date | None = None,
    notes: str = "",
) -> Booking:
    """A request reserves the room until the home answers. A provider's own entry is a booking."""
    room = room_lock(room.pk)
    require(actor, "carehomes.request_room", room, NOT_PERMITTED_REQUEST)
    if not room.home.is_active:
        raise Conflict(f"{room.home.name} is not taking bookings.", code="home_inactive")
    by_provider = room.home.provider_id == actor.organisation_id
    person_reference = person_reference.strip()
    errors = _validate_request(
        room=room,
        starts_on=starts_on,
        ends_on=ends_on,
        funding=funding,
        person_reference=person_reference,
        today=local_day(now),
        by_provider=by_provider,
    )
    if errors:
        raise ValidationFailed(errors)
    check_room_free(room, starts_on, ends_on, admission=True)
    booking = Booking(
        room=room,
        status=BookingStatus.ACCEPTED if by_provider else BookingStatus.REQUESTED,
        starts_on=starts_on,
        ends_on=ends_on,
        person_reference=person_reference,
        funding=funding,
        notes=notes.strip()[:500],
        requested_by=actor,
        requester_organisation_id=actor.organisation_id,
        requested_at=now,
        decided_by=actor if by_provider else None,
        decided_at=now if by_provider else None,
    )
    save_hold(booking, room=room)
    room_hold_added(room, ends_on=ends_on, now=now)
    audit_record(
        actor=actor,
        action="booking.recorded" if by_provider else "booking.requested",
        obj=booking,
        at=now,
        data={
            "room": room.pk,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "funding": funding,
            "status": booking.status,
        },
    )
    if not by_provider:
        notification_send(
            recipients=care_home_staff(home=room.home),
            event="booking.requested",
            subject=f"Booking request for {room.name}, {room.home.name}",
            body=(
                f"{actor.organisation.name} asks to book {room.name} at {room.home.name} from"
                f" {day_text(starts_on)} ({booking.get_funding_display()} funding)."
                " Accept or reject it as soon as you can: the room is reserved until you answer."
            ),
            url=booking_url(booking),
            now=now,
        )
    return booking


def _tell_requester(
    booking: Booking, *, actor: User | None, event: str, subject: str, body: str, now: dt.datetime
) -> None:
    if booking.requested_by_id == getattr(actor, "pk", None):
        return
    notification_send(
        recipients=[booking.requested_by],
        event=event,
        subject=subject,
        body=body,
        url=booking_url(booking),
        now=now,
    )


@transaction.atomic
def booking_request_accept(*, actor: User, booking: Booking, now: dt.datetime) -> Booking:
    booking, room = _lock_booking(booking)
    require(actor, "carehomes.answer_request", booking, NOT_PERMITTED_ANSWER)
    _require_status(booking, BookingStatus.REQUESTED)
    booking.status = BookingStatus.ACCEPTED
    booking.decided_by = actor
    booking.decided_at = now
    # The period is unchanged, so the room is held exactly as before; but a home that closed
    # to admissions meanwhile takes no one starting during the closure (the trigger refuses).
    save_hold(booking, room=room, update_fields=["status", "decided_by", "decided_at"])
    room_hold_added(room, ends_on=booking.ends_on, now=now)
    audit_record(
        actor=actor,
        action="booking.accepted",
        obj=booking,
        at=now,
        changes={"status": [BookingStatus.REQUESTED, BookingStatus.ACCEPTED]},
    )
    _tell_requester(
        booking,
        actor=actor,
        event="booking.accepted",
        subject=f"Booking accepted: {room.name}, {room.home.name}",
        body=(
            f"{room.home.name} accepted your booking request for {booking.person_reference}"
            f" in {room.name} from {day_text(booking.starts_on)}."
        ),
        now=now,
    )
    return booking


@transaction.atomic
def booking_request_reject(
    *,
    actor: User,
    booking: Booking,
    stage: str,
    reason: str,
    now: dt.datetime,
    note: str = "",
) -> Booking:
    booking, room = _lock_booking(booking)
    require(actor, "carehomes.answer_request", booking, NOT_PERMITTED_ANSWER)
    _require_status(booking, BookingStatus.REQUESTED)
    errors: dict[str, list[str]] = {}
    if stage not in RejectionStage.values:
        errors["stage"] = ["Say whether you rejected it before or after assessing the person."]
    if reason not in RejectionReason.values:
        errors["reason"] = ["Choose the reason for rejecting the request."]
    elif reason == RejectionReason.OTHER and not note.strip():
        errors["note"] = ["Explain the reason in the note."]
    if errors:
        raise ValidationFailed(errors)
    booking.status = BookingStatus.REJECTED
    booking.decided_by = actor
    booking.decided_at = now
    booking.rejection_stage = stage
    booking.rejection_reason = reason
    booking.rejection_note = note.strip()[:500]
    booking.save()
    room_touch(room, now=now)
    audit_record(
        actor=actor,
        action="booking.rejected",
        obj=booking,
        at=now,
        changes={"status": [BookingStatus.REQUESTED, BookingStatus.REJECTED]},
        data={"stage": stage, "reason": reason},
    )
    _tell_requester(
        booking,
        actor=actor,
        event="booking.rejected",
        subject=f"Booking request rejected: {room.name}, {room.home.name}",
        body=(
            f"{room.home.name} rejected your booking request for {booking.person_reference}"
            f" ({booking.get_rejection_stage_display().lower()}):"
            f" {booking.get_rejection_reason_display()}."
            + (f" Note: {booking.rejection_note}" if booking.rejection_note else "")
        ),
        now=now,
    )
    return booking


@transaction.atomic
def booking_request_cancel(*, actor: User, booking: Booking, now: dt.datetime) -> Booking:
    booking, room = _lock_booking(booking)
    require(actor, "carehomes.cancel_request", booking, NOT_PERMITTED_CANCEL)
    _require_status(booking, BookingStatus.REQUESTED)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_by = actor
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    room_touch(room, now=now)
    audit_record(
        actor=actor,
        action="booking.cancelled",
        obj=booking,
        at=now,
        changes={"status": [BookingStatus.REQUESTED, BookingStatus.CANCELLED]},
    )
    notification_send(
        recipients=care_home_staff(home=room.home),
        event="booking.cancelled",
        subject=f"Booking request cancelled: {room.name}, {room.home.name}",
        body=f"{booking.requester_organisation.name} cancelled its request for {room.name}.",
        url=booking_url(booking),
        now=now,
    )
    return booking


@transaction.atomic
def booking_end(
    *,
    actor: User,
    booking: Booking,
    now: dt.datetime,
    ends_on: dt.date | None = None,
    note: str = "",
) -> Booking:
    """The placement finishes: the room is free again from `ends_on` (today by default)."""
    booking, room = _lock_booking(booking)
    require(actor, "carehomes.end_booking", booking, NOT_PERMITTED_END)
    _require_status(booking, BookingStatus.ACCEPTED)
    today = local_day(now)
    ends_on = ends_on or max(today, booking.starts_on)
    if ends_on < booking.starts_on:
        raise ValidationFailed(
            {
                "ends_on": [
                    f"The booking started on {day_text(booking.starts_on)}: end it then or later."
                ]
            }
        )
    if ends_on > today + dt.timedelta(MAX_DAYS_AHEAD):
        raise ValidationFailed({"ends_on": ["The end date must be within a year from today."]})
    if booking.ends_on is not None and ends_on > booking.ends_on:
        # A later end than planned holds the room for longer: it must still be free.
        check_room_free(room, booking.ends_on, ends_on, exclude_booking_id=booking.pk)
    old_end = booking.ends_on
    booking.status = BookingStatus.ENDED
    booking.ends_on = ends_on
    booking.ended_by = actor
    booking.ended_at = now
    booking.end_note = note.strip()[:300]
    save_hold(booking, room=room)
    room_touch(room, now=now)
    audit_record(
        actor=actor,
        action="booking.ended",
        obj=booking,
        at=now,
        changes={
            "status": [BookingStatus.ACCEPTED, BookingStatus.ENDED],
            "ends_on": [old_end, ends_on],
        },
    )
    _tell_requester(
        booking,
        actor=actor,
        event="booking.ended",
        subject=f"Booking ended: {room.name}, {room.home.name}",
        body=(
            f"{room.home.name} ended the booking for {booking.person_reference} in {room.name}"
            f" on {day_text(ends_on)}."
        ),
        now=now,
    )
    return booking
