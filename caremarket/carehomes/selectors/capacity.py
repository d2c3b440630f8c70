"""Each home's bed states on a day, in the shape the NHS Capacity Tracker asks for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from caremarket.carehomes.models import CareHome, Room
from caremarket.carehomes.selectors.rooms import (
    OCCUPIED,
    RESERVED,
    SUSPENDED,
    room_state,
    rooms_with_state,
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
]


@dataclass
class CapacityRow:
    home: CareHome
    total: int = 0
    occupied: int = 0
    vacant_accepting: int = 0
    vacant_reserved: int = 0
    closed: int = 0

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
        ]


def capacity_rows(*, homes: QuerySet[CareHome], day: dt.date) -> list[CapacityRow]:
    """Every room counts once: occupied, else closed (suspended), else reserved, else vacant."""
    rows = {home.pk: CapacityRow(home=home) for home in homes.order_by("name")}
    rooms = rooms_with_state(rooms=Room.objects.filter(home_id__in=rows).order_by(), day=day)
    for room in rooms.only("pk", "home_id"):
        row = rows[room.home_id]
        row.total += 1
        state = room_state(room)
        if state == OCCUPIED:
            row.occupied += 1
        elif state == SUSPENDED:
            row.closed += 1
        elif state == RESERVED:
            row.vacant_reserved += 1
        else:
            row.vacant_accepting += 1
    return list(rows.values())
