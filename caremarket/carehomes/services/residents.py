"""Recording the people already living in a home, many at once (a provider joining the service).

All or nothing: every row is checked first and each problem is reported with its row and
column; only a clean file is stored. Each resident becomes an accepted, open-ended booking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record_many
from caremarket.carehomes.models import (
    Booking,
    BookingStatus,
    CareHome,
    ContractType,
    Funding,
    Room,
)
from caremarket.carehomes.models.bookings import person_reference_validator
from caremarket.carehomes.services.common import home_touched, local_day
from caremarket.carehomes.triggers import OVERLAP
from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.tabular import Limits, parse_date, table_read

COLUMNS = ("Room", "Person reference", "Start date", "Funding")
MAX_ROWS = 500
# A line for each room: even the largest home's list is a few kilobytes.
LIMITS = Limits(
    what="a residents list", max_bytes=2 * 1024 * 1024, max_rows=MAX_ROWS, max_columns=20
)
BACKDATE_YEARS = 30
_FUNDING = {f.label.lower(): f.value for f in Funding} | {f.value: f.value for f in Funding}


@dataclass(frozen=True)
class Resident:
    room: str
    person_reference: str
    starts_on: dt.date
    funding: str
    where: str  # "row 5" or "residents.csv, row 5", for error messages


def _check(residents: Sequence[Resident], rooms: dict[str, Room], today: dt.date) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for r in residents:
        room = rooms.get(r.room)
        if room is None:
            problems.append(f"{r.where}, column Room: there is no room called “{r.room}”.")
            continue
        if r.room in seen:
            problems.append(f"{r.where}, column Room: {r.room} appears twice.")
        seen.add(r.room)
        if room.contract_type == ContractType.BLOCK:
            problems.append(
                f"{r.where}, column Room: {r.room} is a Block room; its owner books it."
            )
        if r.starts_on > today:
            problems.append(f"{r.where}, column Start date: a resident's start is not after today.")
        elif r.starts_on < today - dt.timedelta(days=365 * BACKDATE_YEARS):
            problems.append(f"{r.where}, column Start date: more than {BACKDATE_YEARS} years ago.")
        elif room.free_from is None or room.free_from > r.starts_on:
            problems.append(
                f"{r.where}, column Room: {r.room} already has a booking, request or suspension"
                f" on or after {r.starts_on:%d/%m/%Y}."
            )
        try:
            person_reference_validator(r.person_reference)
        except ValidationError as exc:
            problems.append(f"{r.where}, column Person reference: {' '.join(exc.messages)}")
        if r.funding not in Funding.values:
            problems.append(
                f"{r.where}, column Funding: “{r.funding}” is not one of"
                f" {', '.join(str(f.label) for f in Funding)}."
            )
    return problems


@transaction.atomic
def booking_record_residents(
    *, actor: User, home: CareHome, residents: Sequence[Resident], now: dt.datetime
) -> list[Booking]:
    require(actor, "carehomes.view_home_admin", home, "Only the home's own staff can do this.")
    if len(residents) > MAX_ROWS:
        raise ValidationFailed({"file": [f"Record at most {MAX_ROWS} residents at once."]})
    # Lock the rooms in a fixed order so concurrent writers queue rather than deadlock.
    rooms = {
        r.name: r
        for r in Room.objects.select_for_update(of=("self",))
        .select_related("home")
        .filter(home=home)
        .order_by("pk")
    }
    problems = _check(residents, rooms, local_day(now))
    if problems:
        raise ValidationFailed({"file": problems})
    bookings = [
        Booking(
            room=rooms[r.room],
            status=BookingStatus.ACCEPTED,
            starts_on=r.starts_on,
            person_reference=r.person_reference,
            funding=r.funding,
            requested_by=actor,
            requester_organisation_id=actor.organisation_id,
            requested_at=now,
            decided_by=actor,
            decided_at=now,
        )
        for r in residents
    ]
    try:
        with transaction.atomic():
            bookings = Booking.objects.bulk_create(bookings)
    except IntegrityError as exc:  # the database's overlap guard: a concurrent change
        if OVERLAP in str(exc):
            raise ValidationFailed(
                {"file": ["A room was booked while the file was checked. Try again."]}
            ) from exc
        raise
    taken = [rooms[r.room].pk for r in residents]
    Room.objects.filter(pk__in=taken).update(free_from=None, updated_at=now)
    home_touched(home.pk, vacancies_updated_at=now)
    audit_record_many(
        actor=actor,
        action="booking.recorded",
        objs=[
            (b, {"room": b.room_id, "starts_on": b.starts_on, "resident": True}) for b in bookings
        ],
        at=now,
    )
    return bookings


def booking_residents_import(
    *, actor: User, home: CareHome, data: bytes, filename: str, now: dt.datetime
) -> list[Booking]:
    """Read a CSV, xlsx or ODS file with the columns Room, Person reference, Start date, Funding."""
    table = table_read(data=data, filename=filename, required=COLUMNS, limits=LIMITS)
    residents: list[Resident] = []
    problems: list[str] = []
    for row_number, row in table:
        where = f"{table.source}, row {row_number}"
        try:
            starts_on = parse_date(row.get("Start date", ""))
        except ValueError as exc:
            problems.append(f"{where}, column Start date: {exc}.")
            continue
        if starts_on is None:
            problems.append(f"{where}, column Start date: empty.")
            continue
        funding = row.get("Funding", "").strip()
        residents.append(
            Resident(
                room=row.get("Room", "").strip(),
                person_reference=row.get("Person reference", "").strip(),
                starts_on=starts_on,
                funding=_FUNDING.get(funding.lower(), funding),
                where=where,
            )
        )
    if problems:
        raise ValidationFailed({"file": problems})
    if not residents:
        raise ValidationFailed({"file": [f"{filename}: the file has no residents in it."]})
    return booking_record_residents(actor=actor, home=home, residents=residents, now=now)
