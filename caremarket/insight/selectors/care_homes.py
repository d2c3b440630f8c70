"""The care home market: every room's state on any day, by district and care type; suspended
rooms; homes whose vacancy data has gone stale.

A room's state on a day follows the precedence of the bed states the homes see
(carehomes.selectors.rooms.room_state): occupied, else suspended, else vacant but reserved
(a request awaiting an answer, or an accepted booking not started yet), else vacant.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from caremarket.carehomes.models import (
    Booking,
    BookingStatus,
    CareHome,
    CareType,
    HomeSuspension,
    Room,
    Suspension,
)
from caremarket.carehomes.selectors.homes import STALE_AFTER_DAYS
from caremarket.geography.models import District
from caremarket.insight.selectors.periods import DateRange, Period
from caremarket.sourcing.engine.calendar import LONDON

OCCUPIED, SUSPENDED, RESERVED, VACANT = "occupied", "suspended", "reserved", "vacant"
CARE_TYPE_LABELS = dict(CareType.choices)

# [starts_on, ends_on): ends_on exclusive or None, as bookings and suspensions store them.
Interval = tuple[dt.date, dt.date | None]


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

    def add_counts(self, counted: Counter[str]) -> None:
        for state, n in counted.items():
            self.rooms += n
            setattr(self, state, getattr(self, state) + n)

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
    # The home's closures: a room with nothing else on it is closed (suspended) with the home.
    home_closed: list[Interval] = field(default_factory=list)

    def states_on(self, days: list[dt.date]) -> list[str | None]:
        """The room's state on each of the (sorted) days; None before the room existed."""
        # 0 vacant, 1 closed with its home, 2 reserved, 3 suspended, 4 occupied: a request
        # made before the home closed still awaits an answer, as the homes' bed states say.
        rank = [0] * len(days)
        for level, intervals in (
            (4, self.occupied),
            (3, self.suspended),
            (2, self.reserved),
            (1, self.home_closed),
        ):
            for start, end in intervals:
                lo = bisect.bisect_left(days, start)
                hi = len(days) if end is None else bisect.bisect_left(days, end)
                for i in range(lo, hi):
                    if rank[i] < level:
                        rank[i] = level
        born = bisect.bisect_left(days, self.created_on)
        return [None if i < born else _STATES[r] for i, r in enumerate(rank)]


_STATES = (VACANT, SUSPENDED, RESERVED, SUSPENDED, OCCUPIED)


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    """The earlier of two exclusive ends, where None is no end."""
    return b if a is None else a if b is None else min(a, b)


def room_histories(*, until: dt.date, since: dt.date | None = None) -> list[RoomHistory]:
    """Every room of an active home with what held it between `since` and `until`.

    London dates come from the database (TruncDate), which costs far less than converting
    every timestamp in Python at a county's scale.
    """
    rooms = {
        pk: RoomHistory(
            room_id=pk,
            home_id=home_id,
            district_id=district_id,
            care_types=care_types,
            nursing=nursing,
            created_on=created_on,
        )
        for pk, home_id, district_id, care_types, nursing, created_on in Room.objects.filter(
            home__is_active=True
        )
        .annotate(created_on=TruncDate("created_at", tzinfo=LONDON))
        .values_list(
            "pk",
            "home_id",
            "home__district_id",
            "home__care_types",
            "home__provides_nursing",
            "created_on",
        )
    }
    # A booking requested by `until` may reserve the room before it starts.
    requested_by = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    bookings = Booking.objects.filter(
        Q(starts_on__lte=until) | Q(requested_at__lt=requested_by), room__home__is_active=True
    )
    suspensions = Suspension.objects.filter(room__home__is_active=True, starts_on__lte=until)
    if since is not None:
        # Nothing of a booking outlasts its period, reservations included (see below).
        bookings = bookings.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=since))
        suspensions = suspensions.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=since))
    one_day = dt.timedelta(days=1)
    for room_id, status, starts_on, ends_on, asked, answered in bookings.annotate(
        asked=TruncDate("requested_at", tzinfo=LONDON),
        answered=TruncDate(Coalesce("decided_at", "cancelled_at"), tzinfo=LONDON),
    ).values_list("room_id", "status", "starts_on", "ends_on", "asked", "answered"):
        room = rooms[room_id]
        if status in (BookingStatus.ACCEPTED, BookingStatus.ENDED):
            room.occupied.append((starts_on, ends_on))
            if asked < starts_on:  # promised from the request until the person arrives
                room.reserved.append((asked, starts_on))
        elif status == BookingStatus.REQUESTED:
            room.reserved.append((asked, ends_on))
        else:
            # Rejected or cancelled: it reserved the room while it waited for an answer, and
            # never beyond the period it asked for (as the homes' own bed states count it).
            answered_end = answered + one_day if answered is not None else None
            room.reserved.append((asked, _earlier(answered_end, ends_on)))
    for room_id, starts_on, ends_on in suspensions.values_list("room_id", "starts_on", "ends_on"):
        rooms[room_id].suspended.append((starts_on, ends_on))
    # A home's closure holds every room, including one freed after it began, which has no
    # suspension of its own (decision 0072).
    closures = HomeSuspension.objects.filter(home__is_active=True, starts_on__lte=until)
    if since is not None:
        closures = closures.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=since))
    by_home: dict[int, list[RoomHistory]] = defaultdict(list)
    for room in rooms.values():
        by_home[room.home_id].append(room)
    for home_id, starts_on, ends_on in closures.values_list("home_id", "starts_on", "ends_on"):
        for room in by_home.get(home_id, []):
            room.home_closed.append((starts_on, ends_on))
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
    ordered = sorted(set(days))
    # Rooms alike in district, care types and nursing are counted together, then spread out.
    tallies: dict[tuple[int | None, int, bool], list[Counter[str]]] = {}
    for room in histories:
        key = (room.district_id, room.care_types, room.nursing)
        tally = tallies.setdefault(key, [Counter() for _ in ordered])
        for i, state in enumerate(room.states_on(ordered)):
            if state is not None:
                tally[i][state] += 1
    results = {}
    for i, day in enumerate(ordered):
        beds = BedsOn(
            day=day,
            total=BedCounts(),
            by_district=defaultdict(BedCounts),
            by_care_type=defaultdict(BedCounts),
            nursing=BedCounts(),
            residential=BedCounts(),
        )
        for (district_id, care_types, nursing), tally in tallies.items():
            counted = tally[i]
            groups = [
                beds.total,
                beds.by_district[district_id],
                beds.nursing if nursing else beds.residential,
                *[beds.by_care_type[code] for code in CareType.codes(care_types)],
            ]
            for group in groups:
                group.add_counts(counted)
        beds.by_district = dict(beds.by_district)
        beds.by_care_type = dict(beds.by_care_type)
        results[day] = beds
    return [results[day] for day in days]


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


@dataclass(frozen=True)
class CareHomeMarket:
    span: DateRange
    periods: list[Period]
    series: list[BedsOn]  # one per period, as at its last day
    suspended: list[SuspendedHome]
    stale: list[StaleHome]
    names: dict[int | None, str]

    @property
    def latest(self) -> BedsOn:
        return self.series[-1]

    def districts(self, beds: BedsOn) -> list[tuple[int | None, str, BedCounts]]:
        return sorted(
            ((i, self.names.get(i, self.names[None]), b) for i, b in beds.by_district.items()),
            key=lambda row: row[1],
        )

    def care_types(self, beds: BedsOn) -> list[tuple[str, BedCounts]]:
        return sorted((CARE_TYPE_LABELS.get(c, c), b) for c, b in beds.by_care_type.items())

    def kinds(self, beds: BedsOn) -> list[tuple[str, BedCounts]]:
        """Rooms in homes that provide nursing, and in residential homes without it."""
        return [("Nursing homes", beds.nursing), ("Residential homes", beds.residential)]


def care_home_market(*, span: DateRange, now: dt.datetime) -> CareHomeMarket:
    periods = span.periods()
    return CareHomeMarket(
        span=span,
        periods=periods,
        series=beds_on(
            histories=room_histories(since=periods[0].ends_on, until=span.ends_on),
            days=[p.ends_on for p in periods],
        ),
        suspended=suspended_rooms_on(day=timezone.localdate(now)),
        stale=stale_homes(now=now),
        names=district_names(),
    )
