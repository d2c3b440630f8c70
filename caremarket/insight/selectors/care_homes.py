"""The care home market: every room's state on any day, by district and care type; suspended
rooms; homes whose vacancy data has gone stale.

A room's state on a day follows the precedence of the bed states the homes see
(carehomes.selectors.rooms.room_state): occupied, else suspended, else vacant but reserved
(a request awaiting an answer, or an accepted booking not started yet), else vacant.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from caremarket.carehomes.models import (
    Booking,
    BookingStatus,
    CareHome,
    CareType,
    Room,
    Suspension,
)
from caremarket.carehomes.selectors.homes import STALE_AFTER_DAYS
from caremarket.geography.models import District

OCCUPIED, SUSPENDED, RESERVED, VACANT = "occupied", "suspended", "reserved", "vacant"
CARE_TYPE_LABELS = dict(CareType.choices)

# [starts_on, ends_on): ends_on exclusive or None, as bookings and suspensions store them.
Interval = tuple[dt.date, dt.date | None]


def _covers(interval: Interval, day: dt.date) -> bool:
    return interval[0] <= day and (interval[1] is None or interval[1] > day)


@dataclass
class BedCounts:
    rooms: int = 0
    occupied: int = 0
    suspended: int = 0
    reserved: int = 0
    vacant: int = 0  # free and not reserved

    def add(self, state: str) -> None:
        self.rooms += 1
        setattr(self, state, getattr(self, state) + 1)

    @property
    def vacancies(self) -> int:
        """Rooms not occupied and not suspended: vacant, reserved or not."""
        return self.vacant + self.reserved

    @property
    def occupancy(self) -> float | None:
        """Occupied rooms as a share of every room, as the Capacity Tracker counts it."""
        return self.occupied / self.rooms if self.rooms else None


@dataclass
class RoomHistory:
    room_id: int
    home_id: int
    district_id: int | None
    care_types: int
    nursing: bool
    created_on: dt.date
    occupied: list[Interval] = field(default_factory=list)
    suspended: list[Interval] = field(default_factory=list)
    reserved: list[Interval] = field(default_factory=list)

    def state_on(self, day: dt.date) -> str | None:
        if day < self.created_on:
            return None
        if any(_covers(i, day) for i in self.occupied):
            return OCCUPIED
        if any(_covers(i, day) for i in self.suspended):
            return SUSPENDED
        if any(_covers(i, day) for i in self.reserved):
            return RESERVED
        return VACANT


def _day_after(at: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(at) + dt.timedelta(days=1) if at is not None else None


def room_histories(*, until: dt.date) -> list[RoomHistory]:
    """Every room of an active home with what held it, from the bookings and suspensions."""
    rooms = {
        r["pk"]: RoomHistory(
            room_id=r["pk"],
            home_id=r["home_id"],
            district_id=r["home__district_id"],
            care_types=r["home__care_types"],
            nursing=r["home__provides_nursing"],
            created_on=timezone.localdate(r["created_at"]),
        )
        for r in Room.objects.filter(home__is_active=True).values(
            "pk",
            "home_id",
            "home__district_id",
            "home__care_types",
            "home__provides_nursing",
            "created_at",
        )
    }
    bookings = Booking.objects.filter(room_id__in=rooms, starts_on__lte=until).values_list(
        "room_id", "status", "starts_on", "ends_on", "requested_at", "decided_at", "cancelled_at"
    )
    for room_id, status, starts_on, ends_on, requested, decided, cancelled in bookings:
        room = rooms[room_id]
        asked = timezone.localdate(requested)
        if status in (BookingStatus.ACCEPTED, BookingStatus.ENDED):
            room.occupied.append((starts_on, ends_on))
            if asked < starts_on:  # promised from the request until the person arrives
                room.reserved.append((asked, starts_on))
        elif status == BookingStatus.REQUESTED:
            room.reserved.append((asked, ends_on))
        else:  # rejected or cancelled: it reserved the room while it waited for an answer
            room.reserved.append((asked, _day_after(decided or cancelled)))
    for room_id, starts_on, ends_on in Suspension.objects.filter(
        room_id__in=rooms, starts_on__lte=until
    ).values_list("room_id", "starts_on", "ends_on"):
        rooms[room_id].suspended.append((starts_on, ends_on))
    return list(rooms.values())


@dataclass
class BedsOn:
    day: dt.date
    total: BedCounts
    by_district: dict[int | None, BedCounts]
    by_care_type: dict[str, BedCounts]
    nursing: BedCounts
    residential: BedCounts


def beds_on(*, histories: list[RoomHistory], days: list[dt.date]) -> list[BedsOn]:
    """Room states counted on each day, in total, by district and by care type (a home that
    cares for several groups counts in each of them)."""
    results = []
    for day in days:
        total, nursing, residential = BedCounts(), BedCounts(), BedCounts()
        by_district: dict[int | None, BedCounts] = defaultdict(BedCounts)
        by_care_type: dict[str, BedCounts] = defaultdict(BedCounts)
        for room in histories:
            state = room.state_on(day)
            if state is None:
                continue
            total.add(state)
            by_district[room.district_id].add(state)
            (nursing if room.nursing else residential).add(state)
            for code in CareType.codes(room.care_types):
                by_care_type[code].add(state)
        results.append(
            BedsOn(
                day=day,
                total=total,
                by_district=dict(by_district),
                by_care_type=dict(by_care_type),
                nursing=nursing,
                residential=residential,
            )
        )
    return results


def district_names() -> dict[int | None, str]:
    names: dict[int | None, str] = dict(District.objects.values_list("pk", "name"))
    names[None] = "District not known"
    return names


@dataclass(frozen=True)
class SuspendedHome:
    home: CareHome
    rooms: int
    reasons: list[str]
    since: dt.date
    until: dt.date | None  # the latest end; None while any has no end


def suspended_rooms_on(*, day: dt.date) -> list[SuspendedHome]:
    """Homes with rooms out of use on `day`, most rooms first."""
    current = (
        Suspension.objects.filter(starts_on__lte=day, room__home__is_active=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        .select_related("room__home__district")
    )
    grouped: dict[int, list[Suspension]] = defaultdict(list)
    for s in current:
        grouped[s.room.home_id].append(s)
    homes = []
    for items in grouped.values():
        ends = [s.ends_on for s in items]
        homes.append(
            SuspendedHome(
                home=items[0].room.home,
                rooms=len(items),
                reasons=sorted({s.get_reason_display() for s in items}),
                since=min(s.starts_on for s in items),
                until=None if None in ends else max(e for e in ends if e is not None),
            )
        )
    return sorted(homes, key=lambda h: (-h.rooms, h.home.name))


@dataclass(frozen=True)
class StaleHome:
    home: CareHome
    updated_at: dt.datetime
    days: int


def stale_homes(*, now: dt.datetime) -> list[StaleHome]:
    """Homes whose vacancies were last updated more than STALE_AFTER_DAYS ago, oldest first."""
    today = timezone.localdate(now)
    cutoff = dt.datetime.combine(
        today - dt.timedelta(days=STALE_AFTER_DAYS),
        dt.time(0),
        tzinfo=timezone.get_current_timezone(),
    )
    homes = (
        CareHome.objects.filter(is_active=True, vacancies_updated_at__lt=cutoff)
        .select_related("district")
        .order_by(F("vacancies_updated_at").asc(), "name")
    )
    return [
        StaleHome(
            home=h,
            updated_at=h.vacancies_updated_at,
            days=(today - timezone.localdate(h.vacancies_updated_at)).days,
        )
        for h in homes
    ]
