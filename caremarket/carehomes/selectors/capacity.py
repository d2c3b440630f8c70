"""Each home's bed states on a day, in the shape the NHS Capacity Tracker asks for.

The national return asks for beds by type: residential and nursing, and of each the beds for
people living with dementia (decision 0016). A room is a nursing bed when it is marked
"Nursing bed", or when its home provides nursing and not residential care; else residential.
Dementia beds are counted only in homes whose care types include dementia: the rooms marked
"Dementia-friendly", or every bed of the home when it marks none (its registration covers all).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet

from caremarket.carehomes.models import CareHome, CareType, Room, RoomFeature
from caremarket.carehomes.selectors.rooms import (
    OCCUPIED,
    RESERVED,
    SUSPENDED,
    room_state,
    rooms_with_state,
)

BED_TYPES = (
    ("residential", "Residential"),
    ("residential_dementia", "Residential dementia"),
    ("nursing", "Nursing"),
    ("nursing_dementia", "Nursing dementia"),
)
_STATES = (
    ("total", "beds"),
    ("occupied", "occupied"),
    ("vacant_accepting", "vacant and accepting admissions"),
    ("vacant_reserved", "vacant but reserved"),
    ("closed", "closed"),
)

CAPACITY_HEADER = [
    "Date",
    "CQC location ID",
    "Care home",
    "Postcode",
    "Total beds",
    "Occupied",
    "Vacant and accepting admissions",
    "Vacant but reserved",
    "Closed",
    *(f"{label} {state}" for _, label in BED_TYPES for _, state in _STATES),
]


@dataclass
class CapacityRow:
    home: CareHome
    total: int = 0
    occupied: int = 0
    vacant_accepting: int = 0
    vacant_reserved: int = 0
    closed: int = 0
    # (bed type, state) -> rooms; dementia types are subsets of their residential or nursing.
    by_type: Counter[tuple[str, str]] = field(default_factory=Counter)

    def cells(self, day: dt.date) -> list[object]:
        return [
            day.isoformat(),
            self.home.cqc_location_id,
            self.home.name,
            self.home.postcode,
            self.total,
            self.occupied,
            self.vacant_accepting,
            self.vacant_reserved,
            self.closed,
            *(self.by_type[(kind, state)] for kind, _ in BED_TYPES for state, _ in _STATES),
        ]


def _state_name(room: Room) -> str:
    state = room_state(room)
    if state == OCCUPIED:
        return "occupied"
    if state == SUSPENDED:
        return "closed"
    if state == RESERVED:
        return "vacant_reserved"
    return "vacant_accepting"


def capacity_rows(*, homes: QuerySet[CareHome], day: dt.date) -> list[CapacityRow]:
    """Every room counts once: occupied, else closed (suspended), else reserved, else vacant."""
    rows = {home.pk: CapacityRow(home=home) for home in homes.order_by("name")}
    rooms = list(
        rooms_with_state(rooms=Room.objects.filter(home_id__in=rows).order_by(), day=day).only(
            "pk", "home_id", "features"
        )
    )
    nursing_bit, dementia_bit = RoomFeature.bit("nursing"), RoomFeature.bit("dementia")
    marks_dementia = {room.home_id for room in rooms if room.features & dementia_bit}
    for room in rooms:
        row = rows[room.home_id]
        home = row.home
        state = _state_name(room)
        row.total += 1
        setattr(row, state, getattr(row, state) + 1)
        nursing = bool(room.features & nursing_bit) or (
            home.provides_nursing and not home.provides_residential
        )
        kind = "nursing" if nursing else "residential"
        dementia = bool(home.care_types & CareType.bit("dementia")) and (
            bool(room.features & dementia_bit) or room.home_id not in marks_dementia
        )
        for k in (kind, f"{kind}_dementia") if dementia else (kind,):
            row.by_type[(k, "total")] += 1
            row.by_type[(k, state)] += 1
    return list(rows.values())
