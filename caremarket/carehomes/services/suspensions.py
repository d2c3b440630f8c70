"""Taking rooms, or a whole home, out of use for a period, and bringing them back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.carehomes.models import (
    CareHome,
    HomeSuspension,
    Room,
    Suspension,
    SuspensionReason,
)
from caremarket.carehomes.selectors.rooms import room_hold_conflict
from caremarket.carehomes.services.common import (
    check_room_free,
    local_day,
    room_hold_added,
    room_lock,
    room_touch,
    save_hold,
)
from caremarket.common.errors import Conflict, ValidationFailed
from caremarket.common.permissions import require

NOT_PERMITTED = "Only the home's provider administrators and council administrators can do this."


def _validate(
    *, starts_on: dt.date, ends_on: dt.date | None, reason: str, note: str, today: dt.date
) -> None:
    errors: dict[str, list[str]] = {}
    if starts_on < today:
        errors["starts_on"] = ["A suspension starts today or later."]
    if ends_on is not None and ends_on <= starts_on:
        errors["ends_on"] = ["The end date must be after the start date."]
    if reason not in SuspensionReason.values:
        errors["reason"] = ["Choose why the room is suspended."]
    elif reason == SuspensionReason.OTHER and not note.strip():
        errors["note"] = ["Explain the reason in the note."]
    if errors:
        raise ValidationFailed(errors)


def _create(
    *,
    actor: User | None,
    room: Room,
    starts_on: dt.date,
    ends_on: dt.date | None,
    reason: str,
    note: str,
    now: dt.datetime,
    home_suspension: HomeSuspension | None = None,
) -> Suspension:
    suspension = Suspension(
        room=room,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        note=note.strip()[:300],
        home_suspension=home_suspension,
        created_by=actor,
        created_at=now,
    )
    save_hold(suspension, room=room)
    room_hold_added(room, ends_on=ends_on, now=now)
    audit_record(
        actor=actor,
        action="room.suspended",
        obj=suspension,
        at=now,
        data={"room": room.pk, "starts_on": starts_on, "ends_on": ends_on, "reason": reason},
    )
    return suspension


@transaction.atomic
def room_suspend(
    *,
    actor: User | None,
    room: Room,
    starts_on: dt.date,
    reason: str,
    now: dt.datetime,
    ends_on: dt.date | None = None,
    note: str = "",
) -> Suspension:
    room = room_lock(room.pk)
    require(actor, "carehomes.manage_home", room.home, NOT_PERMITTED)
    _validate(starts_on=starts_on, ends_on=ends_on, reason=reason, note=note, today=local_day(now))
    check_room_free(room, starts_on, ends_on)
    return _create(
        actor=actor,
        room=room,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        note=note,
        now=now,
    )


def _lift_period(
    period: Suspension | HomeSuspension, *, actor: User | None, now: dt.datetime
) -> bool:
    """End the period today (or before it began, if it had not): False if already over."""
    today = local_day(now)
    if period.ends_on is not None and period.ends_on <= today:
        return False
    old = period.ends_on
    period.ends_on = max(today, period.starts_on)
    period.lifted_by = actor
    period.lifted_at = now
    period.save(update_fields=["ends_on", "lifted_by", "lifted_at"])
    action = "room.suspension_lifted" if isinstance(period, Suspension) else "care_home.reopened"
    audit_record(
        actor=actor, action=action, obj=period, at=now, changes={"ends_on": [old, period.ends_on]}
    )
    return True


def _lift(suspension: Suspension, *, actor: User | None, now: dt.datetime, room: Room) -> bool:
    # Shortening a hold never overlaps another, so the triggers let it through.
    if not _lift_period(suspension, actor=actor, now=now):
        return False
    room_touch(room, now=now)
    return True


@transaction.atomic
def suspension_lift(*, actor: User | None, suspension: Suspension, now: dt.datetime) -> Suspension:
    """The room is available again from today (or never suspended, if it had not started)."""
    room = room_lock(suspension.room_id)
    require(actor, "carehomes.manage_home", room.home, NOT_PERMITTED)
    suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
    if not _lift(suspension, actor=actor, now=now, room=room):
        raise Conflict("This suspension has already ended.", code="already_ended")
    return suspension


@dataclass
class HomeSuspensionResult:
    home_suspension: HomeSuspension
    suspended: list[Room] = field(default_factory=list)
    # Rooms left alone because a booking or request holds them in the period.
    skipped: list[Room] = field(default_factory=list)


@transaction.atomic
def care_home_suspend(
    *,
    actor: User | None,
    home: CareHome,
    starts_on: dt.date,
    reason: str,
    now: dt.datetime,
    ends_on: dt.date | None = None,
    note: str = "",
) -> HomeSuspensionResult:
    """Close a home to admissions: suspend every room that nothing else holds in the period."""
    require(actor, "carehomes.manage_home", home, NOT_PERMITTED)
    _validate(starts_on=starts_on, ends_on=ends_on, reason=reason, note=note, today=local_day(now))
    # Lock every room in a fixed order so two writers never deadlock.
    rooms = list(
        Room.objects.select_for_update(of=("self",))
        .select_related("home")
        .filter(home=home)
        .order_by("pk")
    )
    result = HomeSuspensionResult(
        home_suspension=HomeSuspension.objects.create(
            home=home,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            note=note.strip()[:300],
            created_by=actor,
            created_at=now,
        )
    )
    for room in rooms:
        held = room_hold_conflict(
            room=room,
            starts_on=starts_on,
            ends_on=ends_on,
            exclude_home_suspension_id=result.home_suspension.pk,
        )
        if held is not None:
            # Held now, but freed during the closure it must still not be found as vacant.
            room_hold_added(room, ends_on=ends_on, now=now)
            result.skipped.append(room)
            continue
        _create(
            actor=actor,
            room=room,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            note=note,
            now=now,
            home_suspension=result.home_suspension,
        )
        result.suspended.append(room)
    audit_record(
        actor=actor,
        action="care_home.suspended",
        obj=result.home_suspension,
        at=now,
        data={
            "home": home.pk,
            "rooms_suspended": [r.pk for r in result.suspended],
            "rooms_skipped": [r.pk for r in result.skipped],
        },
    )
    return result


@transaction.atomic
def home_suspension_lift(
    *, actor: User | None, home_suspension: HomeSuspension, now: dt.datetime
) -> HomeSuspension:
    home_suspension = HomeSuspension.objects.select_for_update().get(pk=home_suspension.pk)
    require(actor, "carehomes.manage_home", home_suspension.home, NOT_PERMITTED)
    if home_suspension.ends_on is not None and home_suspension.ends_on <= local_day(now):
        raise Conflict("This closure has already ended.", code="already_ended")
    for suspension in home_suspension.room_suspensions.order_by("room_id"):
        _lift(suspension, actor=actor, now=now, room=room_lock(suspension.room_id))
    _lift_period(home_suspension, actor=actor, now=now)
    # Rooms the closure held without a suspension of their own (freed during it) reopen too.
    for room_id in (
        Room.objects.filter(home=home_suspension.home).order_by("pk").values_list("pk", flat=True)
    ):
        room_touch(room_lock(room_id), now=now)
    return home_suspension
