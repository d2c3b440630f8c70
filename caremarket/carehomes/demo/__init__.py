"""About 300 demo care homes across the council's districts, built through the real services.

The homes arrive the way real ones do: a synthetic CQC directory and ratings file go through
the CQC import, whose hook creates the homes. Rooms, two years of bookings, open requests and
suspensions are then added by the services, with `now` set to the moment each thing happened.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from caremarket.accounts.demo import CARE_HOME_PROVIDER, COUNCIL, DEMO_LOGINS, ICB, TRUST
from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
from caremarket.accounts.services import user_create
from caremarket.carehomes import services
from caremarket.carehomes.demo.cqc_files import cqc_files
from caremarket.carehomes.models import (
    CareHome,
    CareType,
    ContractType,
    Facility,
    Funding,
    RejectionReason,
    RejectionStage,
    Room,
    SuspensionReason,
)
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
    rooms: list[Room] = []
    for (kind, block_owner, rates, top_ups, kind_features), names in groups.items():
        rooms += services.room_create_many(
            actor=None,
            home=home,
            names=names,
            contract_type=kind,
            block_owner=block_owner,
            accepts_la_rate=rates,
            accepts_top_up=top_ups,
            features=list(kind_features),
            now=created,
        )
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


def _history(rng: random.Random, room: Room, cast: Cast, now: dt.datetime, ref: list[int]) -> None:
    """A room's bookings over the last two years: requested, answered, ended."""
    staff = cast.provider_staff[room.home.provider_id]
    day, today = timezone.localdate(now - dt.timedelta(days=730)), timezone.localdate(now)
    while True:
        day += dt.timedelta(days=rng.randint(3, 60))
        stay = int(rng.expovariate(1 / 250)) + 14
        if day + dt.timedelta(days=stay) >= today:
            return
        ref[0] += 1
        at = _at(day - dt.timedelta(days=2), 10, now)
        requester = _requester(rng, cast, room)
        booking = services.booking_request_submit(
            actor=requester,
            room=room,
            starts_on=day,
            person_reference=f"AS-{ref[0]:06d}",
            funding=_funding(room, requester),
            now=at,
        )
        if rng.random() < 0.15:
            services.booking_request_reject(
                actor=staff,
                booking=booking,
                stage=rng.choice(RejectionStage.values),
                reason=rng.choice([RejectionReason.NEEDS_NOT_MET, RejectionReason.NO_STAFF]),
                now=at + dt.timedelta(hours=3),
            )
            continue
        services.booking_request_accept(
            actor=staff, booking=booking, now=at + dt.timedelta(hours=2)
        )
        day += dt.timedelta(days=stay)
        services.booking_end(actor=staff, booking=booking, now=_at(day, 11, now))


def _occupy(
    rng: random.Random,
    home: CareHome,
    rooms: list[Room],
    cast: Cast,
    now: dt.datetime,
    ref: list[int],
) -> None:
    """Today's residents, each arrived after the room's last booking ended."""
    today = timezone.localdate(now)
    residents, block = [], []
    for room in Room.objects.filter(pk__in=[r.pk for r in rooms]).order_by("pk"):
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
        room.home = home
        requester = _requester(rng, cast, room)
        booking = services.booking_request_submit(
            actor=requester,
            room=room,
            starts_on=starts,
            person_reference=reference,
            funding=_funding(room, requester),
            now=_at(starts - dt.timedelta(days=1), 9, now),
        )
        services.booking_request_accept(actor=staff, booking=booking, now=_at(starts, 8, now))


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
        for room in home_rooms:
            room.home = home
            if rng.random() < HISTORY_SHARE:
                _history(rng, room, cast, now, ref)
        _occupy(rng, home, home_rooms, cast, now, ref)
    _read_old_messages(now)
    return [
        f"{count} care homes with {rooms} rooms and {ref[0]} bookings.",
        *_today(rng, cast, now, ref),
    ]
