"""Bedrooms: add them (one or many), change their contract type and features."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from caremarket.accounts.models import Organisation, OrganisationKind, User
from caremarket.audit.services import audit_record, audit_record_many
from caremarket.carehomes.models import (
    FREE_SINCE_ALWAYS,
    CareHome,
    CareType,
    ContractType,
    Room,
    RoomFeature,
)
from caremarket.carehomes.services.common import home_touched, room_lock
from caremarket.carehomes.services.homes import flags_from_codes
from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.services import model_update

NOT_PERMITTED = "Only the home's provider administrators and council administrators can do this."
MAX_ROOMS_AT_ONCE = 200


def _contract_terms(
    *,
    home: CareHome,
    contract_type: str,
    block_owner: Organisation | None,
    accepts_la_rate: bool,
    accepts_top_up: bool,
) -> dict[str, Any]:
    """Check a contract type against the home, and keep only the terms that apply to it."""
    if contract_type not in ContractType.values:
        raise ValidationFailed({"contract_type": ["Choose Block, IRN or Spot."]})
    if contract_type == ContractType.BLOCK:
        if block_owner is None:
            raise ValidationFailed(
                {"block_owner": ["Say which council or NHS body purchased this Block room."]}
            )
        if block_owner.kind not in (OrganisationKind.COUNCIL, OrganisationKind.NHS):
            raise ValidationFailed(
                {"block_owner": [f"{block_owner.name} is not a council or an NHS body."]}
            )
    if contract_type == ContractType.IRN:
        if not home.irn_framework:
            raise ValidationFailed({"contract_type": [f"{home.name} is not on the IRN framework."]})
        if not home.care_types & CareType.bit(CareType.OLDER_PEOPLE):
            raise ValidationFailed(
                {"contract_type": ["IRN rooms are only for homes caring for adults over 65."]}
            )
    spot = contract_type == ContractType.SPOT
    return {
        "contract_type": contract_type,
        "block_owner": block_owner if contract_type == ContractType.BLOCK else None,
        # Rates and top-ups are choices for Spot rooms only.
        "accepts_la_rate": accepts_la_rate and spot,
        "accepts_top_up": accepts_top_up and spot,
    }


@transaction.atomic
def room_create_many(
    *,
    actor: User | None,
    home: CareHome,
    names: Iterable[str],
    contract_type: str,
    now: dt.datetime,
    block_owner: Organisation | None = None,
    accepts_la_rate: bool = False,
    accepts_top_up: bool = False,
    features: Iterable[str] = (),
) -> list[Room]:
    """Add rooms with the same terms (e.g. Room 1 to Room 40)."""
    require(actor, "carehomes.manage_home", home, NOT_PERMITTED)
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise ValidationFailed({"names": ["Give at least one room name."]})
    if len(names) > MAX_ROOMS_AT_ONCE:
        raise ValidationFailed({"names": [f"Add at most {MAX_ROOMS_AT_ONCE} rooms at once."]})
    too_long = [n for n in names if len(n) > 40]
    if too_long:
        raise ValidationFailed({"names": [f"Room names have at most 40 characters: {too_long[0]}"]})
    taken = set(Room.objects.filter(home=home, name__in=names).values_list("name", flat=True))
    repeated = {n for n in names if names.count(n) > 1}
    if taken or repeated:
        raise ValidationFailed(
            {"names": [f"{home.name} already has a room called {sorted(taken | repeated)[0]}."]}
        )
    terms = _contract_terms(
        home=home,
        contract_type=contract_type,
        block_owner=block_owner,
        accepts_la_rate=accepts_la_rate,
        accepts_top_up=accepts_top_up,
    )
    mask = flags_from_codes(RoomFeature, features, "features")
    rooms = Room.objects.bulk_create(
        [
            Room(
                home=home,
                name=name,
                features=mask,
                free_from=FREE_SINCE_ALWAYS,
                created_at=now,
                updated_at=now,
                **terms,
            )
            for name in names
        ]
    )
    if not all(r.pk for r in rooms):  # backends that do not return ids from bulk inserts
        rooms = list(Room.objects.filter(home=home, name__in=names))
    audit_record_many(
        actor=actor,
        action="room.created",
        objs=[
            (
                room,
                {
                    "home": home.pk,
                    "contract_type": room.contract_type,
                    "block_owner": room.block_owner_id,
                    "features": RoomFeature.codes(mask),
                },
            )
            for room in rooms
        ],
        at=now,
    )
    home_touched(home.pk, vacancies_updated_at=now)
    return rooms


def room_create(
    *,
    actor: User | None,
    home: CareHome,
    name: str,
    contract_type: str,
    now: dt.datetime,
    **terms: Any,
) -> Room:
    return room_create_many(
        actor=actor, home=home, names=[name], contract_type=contract_type, now=now, **terms
    )[0]


@transaction.atomic
def room_update(
    *,
    actor: User | None,
    room: Room,
    now: dt.datetime,
    name: str | None = None,
    contract_type: str | None = None,
    block_owner: Organisation | None = None,
    accepts_la_rate: bool | None = None,
    accepts_top_up: bool | None = None,
    features: Iterable[str] | None = None,
) -> Room:
    """Bookings already made keep their terms; the change applies to the next request."""
    room = room_lock(room.pk)
    require(actor, "carehomes.manage_home", room.home, NOT_PERMITTED)
    data: dict[str, Any] = {}
    if name is not None and name.strip() != room.name:
        if Room.objects.filter(home=room.home, name=name.strip()).exclude(pk=room.pk).exists():
            raise ValidationFailed(
                {"name": [f"{room.home.name} already has a room called {name}."]}
            )
        data["name"] = name.strip()
    contract_type = contract_type or room.contract_type
    if block_owner is None and contract_type == room.contract_type:
        block_owner = room.block_owner
    data.update(
        _contract_terms(
            home=room.home,
            contract_type=contract_type,
            block_owner=block_owner,
            accepts_la_rate=room.accepts_la_rate if accepts_la_rate is None else accepts_la_rate,
            accepts_top_up=room.accepts_top_up if accepts_top_up is None else accepts_top_up,
        )
    )
    if features is not None:
        data["features"] = flags_from_codes(RoomFeature, features, "features")
    room, changes = model_update(
        instance=room,
        fields=[
            "name",
            "contract_type",
            "block_owner",
            "accepts_la_rate",
            "accepts_top_up",
            "features",
        ],
        data=data,
    )
    if changes:
        Room.objects.filter(pk=room.pk).update(updated_at=now)
        home_touched(room.home_id, vacancies_updated_at=now)
        audit_record(actor=actor, action="room.updated", obj=room, at=now, changes=changes)
    return room
