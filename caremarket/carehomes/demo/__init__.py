"""About 300 demo care homes across the council's districts, built through the real services.

The homes arrive the way real ones do: a synthetic CQC directory and ratings file go through
the CQC import, whose hook creates the homes. Rooms, two years of bookings, open requests and
suspensions are then added by the services, with `now` set to the moment each thing happened.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.demo import CARE_HOME_PROVIDER, COUNCIL, DEMO_LOGINS, ICB, TRUST
from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
from caremarket.accounts.services import user_create
from caremarket.audit.models import AuditEvent
from caremarket.audit.services import audit_event_build
from caremarket.carehomes import services
from caremarket.carehomes.demo.cqc_files import cqc_files
from caremarket.carehomes.models import (
    FREE_SINCE_ALWAYS,
    Booking,
    BookingStatus,
    CareHome,
    CareType,
    ContractType,
    Facility,
    Funding,
    RejectionReason,
    RejectionStage,
    Room,
    RoomFeature,
    SuspensionReason,
)
from caremarket.carehomes.selectors.homes import care_home_staff
from caremarket.carehomes.services.common import day_text, home_touched
from caremarket.cqc.services import cqc_directory_import, cqc_ratings_import
from caremarket.geography.models import District
from caremarket.notifications.models import Notification
from caremarket.notifications.services import notification_mark_read

HOMES_PER_DISTRICT = 25
OCCUPANCY = 0.87
# Rooms given two years of past bookings (all would make the demo slow to load).
HISTORY_SHARE = 0.06


@dataclass
class Cast:
    """Who acts in the demo: the published sign-ins for recent events, colleagues for history."""

    brokers: list[User]
    health: list[User]
    provider_staff: dict[int, User]  # provider organisation id -> a member of staff
    council: Organisation
    nhs: list[Organisation]


def _cast(rng: random.Random) -> Cast:
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=[COUNCIL, ICB, TRUST])}

    def colleague(org: Organisation, email: str, name: str, role: str) -> User:
        existing = User.objects.filter(email=email).first()
        return existing or user_create(
            now=timezone.now(),
            actor=None,
            organisation=org,
            email=email,
            full_name=name,
            role=role,
            send_invitation=False,
        )

    brokers = [User.objects.get(email="broker@council.example")] + [
        colleague(orgs[COUNCIL], f"broker{i}@council.example", f"Broker {i}", Role.BROKER)
        for i in (2, 3)
    ]
    health = [
        User.objects.get(email="discharge@nhs.example"),
        colleague(orgs[ICB], "placements@icb.nhs.example", "ICB Placements", Role.HEALTH_SEARCHER),
    ]
    staff: dict[int, User] = {}
    for org in Organisation.objects.filter(kind=OrganisationKind.CARE_HOME_PROVIDER):
        slug = "".join(ch for ch in org.name.lower() if ch.isalnum())[:20]
        staff[org.pk] = User.objects.filter(
            organisation=org, role=Role.PROVIDER_ADMIN
        ).first() or colleague(
            org, f"manager@{slug}.example", f"{org.name} manager", Role.PROVIDER_ADMIN
        )
    return Cast(
        brokers=brokers,
        health=health,
        provider_staff=staff,
        council=orgs[COUNCIL],
        nhs=[orgs[ICB], orgs[TRUST]],
    )


def _rooms(rng: random.Random, home: CareHome, cast: Cast, created: dt.datetime) -> list[Room]:
    if home.care_types & CareType.bit(CareType.OLDER_PEOPLE) and rng.random() < 0.5:
        services.care_home_set_irn_framework(actor=None, home=home, on_framework=True, now=created)
    # A home has a few kinds of room; rooms of a kind are added together ("Room 1-20").
    kinds = []
    for _ in range(rng.randint(2, 5)):
        features = [
            f
            for f, p in (
                ("en_suite", 0.6),
                ("ground_floor", 0.35),
                ("wheelchair", 0.3),
                ("bariatric", 0.05),
                ("ceiling_hoist", 0.1),
                ("shared", 0.04),
            )
            if rng.random() < p
        ]
        if home.provides_nursing and rng.random() < 0.7:
            features.append("nursing")
        if home.care_types & CareType.bit(CareType.DEMENTIA) and rng.random() < 0.5:
            features.append("dementia")
        kinds.append(tuple(features))
    groups: dict[tuple[str, Organisation | None, bool, bool, tuple[str, ...]], list[str]] = {}
    # 10 to 120 rooms, most homes small as in England (about 40 on average).
    for n in range(1, 10 + int(rng.betavariate(1.3, 3.5) * 110) + 1):
        roll = rng.random()
        owner: Organisation | None = None
        la = top_up = False
        if roll < 0.12:
            contract = str(ContractType.BLOCK)
            owner = cast.council if rng.random() < 0.7 else rng.choice(cast.nhs)
        elif roll < 0.4 and home.irn_framework:
            contract = str(ContractType.IRN)
        else:
            contract = str(ContractType.SPOT)
            la, top_up = rng.random() < 0.7, rng.random() < 0.4
        groups.setdefault((contract, owner, la, top_up, rng.choice(kinds)), []).append(f"Room {n}")
    # The rooms are stored as `room_create_many` stores them (the rooms, one audit event each,
    # the home's new search stamp), but in one statement for the home rather than one call per
    # kind of room: about 4,000 service calls were a tenth of the load.
    rooms: list[Room] = []
    for (kind, block_owner, rates, top_ups, kind_features), names in groups.items():
        mask = RoomFeature.mask(list(kind_features))
        rooms += [
            Room(
                home=home,
                name=name,
                features=mask,
                free_from=FREE_SINCE_ALWAYS,
                created_at=created,
                updated_at=created,
                contract_type=kind,
                block_owner=block_owner,
                accepts_la_rate=rates,
                accepts_top_up=top_ups,
            )
            for name in names
        ]
    stored = Room.objects.bulk_create(rooms)
    if not all(r.pk for r in stored):  # backends that do not return ids from bulk inserts
        raise RuntimeError("The demo needs a database that returns ids from bulk inserts.")
    AuditEvent.objects.bulk_create(
        audit_event_build(
            actor=None,
            action="room.created",
            obj=room,
            changes=None,
            data={
                "home": home.pk,
                "contract_type": room.contract_type,
                "block_owner": room.block_owner_id,
                "features": RoomFeature.codes(room.features),
            },
            at=created,
        )
        for room in stored
    )
    home_touched(home.pk, vacancies_updated_at=created)
    return sorted(rooms, key=lambda r: int(r.name.split()[-1]))


def _requester(rng: random.Random, cast: Cast, room: Room, *, recent: bool = False) -> User:
    # Past events are by colleagues, so the published sign-ins are not buried in old messages.
    brokers, health = (
        (cast.brokers[:1], cast.health[:1]) if recent else (cast.brokers[1:], cast.health[1:])
    )
    if room.contract_type == ContractType.BLOCK and room.block_owner_id != cast.council.pk:
        return rng.choice(health)
    return rng.choice(brokers + health)


def _funding(room: Room, requester: User) -> str:
    if requester.organisation.kind == OrganisationKind.NHS:
        return Funding.NHS
    if room.contract_type == ContractType.SPOT and not room.accepts_la_rate:
        return Funding.SELF_FUNDER
    return Funding.LOCAL_AUTHORITY


def _at(day: dt.date, hour: int, now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=now.tzinfo)


@dataclass
class _Ledger:
    """Past bookings and their audit events, written in bulk once a home is done.

    Two years of finished bookings are history, not states a person acts on, so they are stored
    exactly as the services leave them (the booking, the room's free day, the audit trail) in a
    few statements instead of four service calls each; the messages that colleagues read long
    ago are not kept, but for the home's own: each request's message to the home, already read.
    Today's states (residents, open requests, suspensions, closures) still go
    through the services.
    """

    bookings: list[Booking]
    events: list[tuple[int, str, User, dt.datetime, dict[str, object], dict[str, object]]]

    def add(self, booking: Booking, *events: tuple[str, User, dt.datetime, dict, dict]) -> None:
        index = len(self.bookings)
        self.bookings.append(booking)
        self.events += [(index, *event) for event in events]

    def write(self, rooms: list[Room], now: dt.datetime) -> None:
        if not self.bookings:
            return
        stored = Booking.objects.bulk_create(self.bookings)
        if not all(b.pk for b in stored):  # backends that do not return ids from bulk inserts
            raise RuntimeError("The demo needs a database that returns ids from bulk inserts.")
        AuditEvent.objects.bulk_create(
            audit_event_build(
                actor=actor, action=action, obj=stored[index], changes=changes, data=data, at=at
            )
            for index, action, actor, at, changes, data in self.events
        )
        last: dict[int, dt.date | None] = {}
        for booking in stored:
            if booking.status == BookingStatus.REJECTED:
                continue
            held = last.get(booking.room_id, FREE_SINCE_ALWAYS)
            last[booking.room_id] = (
                None if booking.ends_on is None or held is None else max(held, booking.ends_on)
            )
        changed = [room for room in rooms if room.pk in last]
        for room in changed:
            room.free_from, room.updated_at = last[room.pk], now
        Room.objects.bulk_update(changed, ["free_from", "updated_at"])
        staff = care_home_staff(home=rooms[0].home)
        Notification.objects.bulk_create(
            Notification(
                recipient=user,
                event="booking.requested",
                subject=f"Booking request for {b.room.name}, {b.room.home.name}",
                body=(
                    f"{b.requested_by.organisation.name} asks to book {b.room.name} at"
                    f" {b.room.home.name} from {day_text(b.starts_on)}."
                ),
                url=reverse("carehomes:booking-detail", args=[b.pk]),
                created_at=b.requested_at,
                read_at=b.requested_at + dt.timedelta(hours=1),
            )
            for b in stored
            if b.requested_by.organisation_id != b.room.home.provider_id
            for user in staff
        )
        self.bookings, self.events = [], []


def _booking(room: Room, requester: User, starts_on: dt.date, ref: str, at: dt.datetime) -> Booking:
    return Booking(
        room=room,
        status=BookingStatus.REQUESTED,
        starts_on=starts_on,
        person_reference=ref,
        funding=_funding(room, requester),
        requested_by=requester,
        requester_organisation_id=requester.organisation_id,
        requested_at=at,
    )


def _requested(booking: Booking) -> tuple[str, User, dt.datetime, dict, dict]:
    data = {
        "room": booking.room_id,
        "starts_on": booking.starts_on.isoformat(),
        "ends_on": None,
        "funding": booking.funding,
        "status": BookingStatus.REQUESTED,
    }
    return ("booking.requested", booking.requested_by, booking.requested_at, {}, data)


def _accepted(booking: Booking, staff: User, at: dt.datetime) -> tuple:
    booking.status, booking.decided_by, booking.decided_at = BookingStatus.ACCEPTED, staff, at
    changes = {"status": [BookingStatus.REQUESTED, BookingStatus.ACCEPTED]}
    return ("booking.accepted", staff, at, changes, {})


def _history(
    rng: random.Random, room: Room, cast: Cast, now: dt.datetime, ref: list[int], ledger: _Ledger
) -> None:
    """A room's bookings over the last two years: requested, answered, ended."""
    staff = cast.provider_staff[room.home.provider_id]
    today = timezone.localdate(now)
    day = today - dt.timedelta(days=730)
    while True:
        day += dt.timedelta(days=rng.randint(3, 60))
        stay = int(rng.expovariate(1 / 250)) + 14
        if day + dt.timedelta(days=stay) >= today:
            return
        ref[0] += 1
        at = _at(day - dt.timedelta(days=2), 10, now)
        booking = _booking(room, _requester(rng, cast, room), day, f"AS-{ref[0]:06d}", at)
        requested = _requested(booking)
        if rng.random() < 0.15:
            decided = at + dt.timedelta(hours=3)
            stage = rng.choice(RejectionStage.values)
            reason = rng.choice([RejectionReason.NEEDS_NOT_MET, RejectionReason.NO_STAFF])
            booking.status, booking.decided_by, booking.decided_at = (
                BookingStatus.REJECTED,
                staff,
                decided,
            )
            booking.rejection_stage, booking.rejection_reason = stage, reason
            changes = {"status": [BookingStatus.REQUESTED, BookingStatus.REJECTED]}
            rejected = (
                "booking.rejected",
                staff,
                decided,
                changes,
                {"stage": stage, "reason": reason},
            )
            ledger.add(booking, requested, rejected)
            continue
        accepted = _accepted(booking, staff, at + dt.timedelta(hours=2))
        day += dt.timedelta(days=stay)
        ended_at = _at(day, 11, now)
        booking.status, booking.ends_on = BookingStatus.ENDED, day
        booking.ended_by, booking.ended_at = staff, ended_at
        ended: dict[str, list[object]] = {
            "status": [BookingStatus.ACCEPTED, BookingStatus.ENDED],
            "ends_on": [None, day.isoformat()],
        }
        ledger.add(booking, requested, accepted, ("booking.ended", staff, ended_at, ended, {}))


def _occupy(
    rng: random.Random,
    home: CareHome,
    rooms: list[Room],
    cast: Cast,
    now: dt.datetime,
    ref: list[int],
    ledger: _Ledger,
) -> None:
    """Today's residents, each arrived after the room's last booking ended."""
    today = timezone.localdate(now)
    residents, block = [], []
    for room in Room.objects.filter(pk__in=[r.pk for r in rooms]).order_by("pk"):
        room.home = home  # the ledger names each booking's room and home
        if room.free_from is None or room.free_from >= today or rng.random() > OCCUPANCY:
            continue
        ref[0] += 1
        starts = today - dt.timedelta(days=rng.randint(0, min(1500, (today - room.free_from).days)))
        if room.contract_type == ContractType.BLOCK:
            block.append((room, starts, f"AS-{ref[0]:06d}"))
            continue
        la = room.contract_type == ContractType.IRN or room.accepts_la_rate
        residents.append(
            services.Resident(
                room=room.name,
                person_reference=f"AS-{ref[0]:06d}",
                starts_on=starts,
                funding=Funding.LOCAL_AUTHORITY
                if la and rng.random() < 0.6
                else Funding.SELF_FUNDER,
                where=room.name,
            )
        )
    staff = cast.provider_staff[home.provider_id]
    if residents:
        services.booking_record_residents(actor=staff, home=home, residents=residents, now=now)
    for room, starts, reference in block:  # the owner placed them, the home accepted
        requester = _requester(rng, cast, room)
        at = _at(starts - dt.timedelta(days=1), 9, now)
        booking = _booking(room, requester, starts, reference, at)
        requested = _requested(booking)
        ledger.add(booking, requested, _accepted(booking, staff, _at(starts, 8, now)))
    ledger.write(rooms, now)
    home_touched(home.pk, vacancies_updated_at=now)


def _today(rng: random.Random, cast: Cast, now: dt.datetime, ref: list[int]) -> list[str]:
    """Open requests from the demo sign-ins, suspensions, closures; most homes confirm."""
    vacant = list(
        Room.objects.select_related("home", "block_owner")
        .filter(free_from__lte=timezone.localdate(now))
        .order_by("pk")
    )
    rng.shuffle(vacant)
    oakwood = [r for r in vacant if r.home.provider.name == CARE_HOME_PROVIDER][:4]
    pending = 0
    for room in oakwood + vacant[:14]:
        if room.free_from is None or room.free_from > timezone.localdate(now):
            continue
        ref[0] += 1
        requester = _requester(rng, cast, room, recent=True)
        services.booking_request_submit(
            actor=requester,
            room=room,
            starts_on=timezone.localdate(now) + dt.timedelta(days=rng.randint(0, 5)),
            person_reference=f"AS-{ref[0]:06d}",
            funding=_funding(room, requester),
            now=now - dt.timedelta(hours=rng.randint(1, 30)),
        )
        room.free_from = None
        pending += 1
    suspended = 0
    for room in vacant[20:]:
        if room.free_from is not None and rng.random() < 0.03:
            services.room_suspend(
                actor=None,
                room=room,
                starts_on=timezone.localdate(now),
                reason=rng.choice(
                    [SuspensionReason.DECORATION, SuspensionReason.INFECTION_CONTROL]
                ),
                ends_on=timezone.localdate(now) + dt.timedelta(days=rng.randint(7, 42)),
                now=now,
            )
            suspended += 1
    closed = CareHome.objects.exclude(provider__name=CARE_HOME_PROVIDER).order_by("?")[:3]
    for home in closed:
        services.care_home_suspend(
            actor=None,
            home=home,
            starts_on=timezone.localdate(now),
            reason=SuspensionReason.INFECTION_CONTROL,
            note="Norovirus outbreak",
            now=now,
        )
    for home in CareHome.objects.order_by("pk"):
        if rng.random() < 0.75:
            services.care_home_confirm_vacancies(
                actor=None, home=home, now=now - dt.timedelta(hours=rng.randint(1, 120))
            )
    return [f"{pending} open requests, {suspended} suspended rooms, {len(closed)} homes closed."]


def _read_old_messages(now: dt.datetime) -> None:
    """The demo sign-ins start with only this week's messages unread, not two years' worth."""
    for note in Notification.objects.filter(
        recipient__email__in=[login.email for login in DEMO_LOGINS],
        read_at__isnull=True,
        created_at__lt=now - dt.timedelta(days=2),
    ).select_related("recipient"):
        notification_mark_read(user=note.recipient, notification=note, now=now)


def load(*, rng: random.Random, now: dt.datetime, **_: object) -> list[str]:
    if CareHome.objects.exists():
        return ["Care homes already loaded."]
    districts = list(District.objects.filter(in_council_area=True).order_by("name"))
    directory, ratings, count = cqc_files(rng, districts, HOMES_PER_DISTRICT)
    opened = now - dt.timedelta(days=800)
    cqc_directory_import(data=directory, filename="demo-cqc-directory.csv", now=opened)
    cqc_ratings_import(data=ratings, filename="demo-cqc-ratings.csv", now=now - dt.timedelta(30))
    cast = _cast(rng)
    ref = [0]
    rooms = 0
    for home in CareHome.objects.select_related("provider").order_by("pk"):
        services.care_home_update(
            actor=None,
            home=home,
            facilities=[f for f in Facility.values if rng.random() < 0.5],
            description=f"A friendly home in {home.district.name if home.district else 'Essex'}"
            f" with {home.care_type_labels[0].lower() if home.care_type_labels else 'adult'}"
            " care, a garden room and daily activities.",
            now=opened,
        )
        home_rooms = _rooms(rng, home, cast, opened)
        rooms += len(home_rooms)
        ledger = _Ledger(bookings=[], events=[])
        for room in home_rooms:
            room.home = home
            if rng.random() < HISTORY_SHARE:
                _history(rng, room, cast, now, ref, ledger)
        # Residents arrive after the history, so the history is stored first.
        ledger.write(home_rooms, now)
        _occupy(rng, home, home_rooms, cast, now, ref, ledger)
    _read_old_messages(now)
    return [
        f"{count} care homes with {rooms} rooms and {ref[0]} bookings.",
        *_today(rng, cast, now, ref),
    ]
