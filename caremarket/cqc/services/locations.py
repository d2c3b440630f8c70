"""The care directory (CSV) and the care directory with filters (xlsx or ODS) as published.

Both list CQC locations; each row is checked on its own (a bad row is skipped and reported,
the rest imported), the whole file is one transaction, and a complete (national) file
deregisters the locations it no longer lists from the file's date (decision 0018).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from caremarket.common.actors import Actor
from caremarket.common.errors import ValidationFailed
from caremarket.common.postcodes import postcode_normalise
from caremarket.common.tabular import Shape, TableStream, parse_date
from caremarket.cqc.models import CqcImport, CqcLocation
from caremarket.cqc.services.runs import run_finish, skip

LOCATION_ID = "CQC Location ID (for office use only)"
PROVIDER_ID = "CQC Provider ID (for office use only)"
WEBSITE = "Service's website (if available)"
STATUS = "Registration status"
ENDED = "Deregistration date"
# Published with and without these columns over the years; a deregistered or archived row
# (when a file carries them) counts as no longer listed.
_STATUS_ALIASES = {
    STATUS: ("Location Status", "Status", "Location Registration Status"),
    ENDED: ("Location HSCA End Date", "HSCA End Date", "Date of deregistration"),
}
_GONE = ("deregistered", "archived", "inactive", "deactivated", "removed")

# The headings of the current care directory CSV, in the order CQC publishes them.
DIRECTORY_COLUMNS = (
    "Name",
    "Also known as",
    "Address",
    "Postcode",
    "Phone number",
    WEBSITE,
    "Service types",
    "Date of latest check",
    "Specialisms/services",
    "Provider name",
    "Local authority",
    "Region",
    "Location URL",
    LOCATION_ID,
    PROVIDER_ID,
)
DIRECTORY = Shape(
    required=("Name", LOCATION_ID),
    optional=(*DIRECTORY_COLUMNS, STATUS, ENDED),
    aliases={
        # 2017-2020 files: "CQC Location (for office use only" (sic, no "ID", no bracket).
        LOCATION_ID: ("CQC Location (for office use only", "CQC Location (for office use only)"),
        WEBSITE: ("Website", "Service's website"),
        **_STATUS_ALIASES,
    },
)

FILTERS_ADDRESS = (
    "Location Street Address",
    "Location Address Line 2",
    "Location City",
    "Location County",
)
FILTERS = Shape(
    required=("Location ID", "Location Name", "Care home?"),
    optional=(
        *FILTERS_ADDRESS,
        "Location Postal Code",
        "Location Telephone Number",
        "Location Web Address",
        "Location Local Authority",
        "Location Region",
        "Location HSCA start date",
        "Care homes beds",
        "Provider ID",
        "Provider Name",
        "Also known as",
        STATUS,
        ENDED,
    ),
    aliases={
        "Location Postal Code": ("Location Post Code", "Location Postcode"),
        "Care homes beds": ("Care home beds", "Care homes beds (number)"),
        "Also known as": ("Location Also Known As",),
        "Location Web Address": ("Location Website",),
        **_STATUS_ALIASES,
    },
)
_SERVICE_TYPE = re.compile(r"^service type\s*-\s*(.+)$", re.IGNORECASE)
_USER_BAND = re.compile(r"^service user band\s*-\s*(.+)$", re.IGNORECASE)

# The fields a directory row sets; a row that sets them all as they are is "unchanged".
_FIELDS = (
    "provider_id",
    "name",
    "also_known_as",
    "address",
    "postcode",
    "phone",
    "website",
    "service_types",
    "specialisms",
    "service_user_bands",
    "care_home_beds",
    "provider_name",
    "local_authority",
    "region",
    "location_url",
    "last_checked",
    "registered",
    "deregistered_on",
)


class RowProblem(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


@dataclass
class LocationRow:
    location_id: str
    values: dict[str, Any]
    gone_on: dt.date | None  # listed as deregistered or archived (from this date, if given)
    listed_as_gone: bool


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", "|").split("|") if part.strip()]


def _postcode(value: str, column: str) -> str:
    if not value.strip():
        raise RowProblem(column, "no postcode")
    try:
        return postcode_normalise(value)
    except ValidationFailed:
        raise RowProblem(column, f"“{value}” is not a valid UK postcode") from None


def _website(value: str, column: str) -> str:
    value = value.strip()
    if re.search(r"\s", value):
        raise RowProblem(column, f"the website “{value}” has a space in it")
    if value and not re.match(r"^(https?://)?[^/\s]+\.[^\s]+$", value, re.IGNORECASE):
        raise RowProblem(column, f"“{value}” is not a website address")
    return value[:300]


def _date(value: str, column: str) -> dt.date | None:
    try:
        return parse_date(value)
    except ValueError as exc:
        raise RowProblem(column, str(exc)) from None


def _status(row: dict[str, str]) -> tuple[bool, dt.date | None]:
    gone = any(word in row.get(STATUS, "").lower() for word in _GONE)
    ended = _date(row.get(ENDED, ""), ENDED)
    return gone or ended is not None, ended


def _directory_row(row: dict[str, str]) -> LocationRow:
    gone, ended = _status(row)
    return LocationRow(
        location_id=row[LOCATION_ID],
        listed_as_gone=gone,
        gone_on=ended,
        values={
            "provider_id": row.get(PROVIDER_ID, "")[:20],
            "name": row["Name"][:255],
            "also_known_as": row.get("Also known as", "")[:255],
            "address": row.get("Address", "")[:500],
            "postcode": _postcode(row.get("Postcode", ""), "Postcode"),
            "phone": row.get("Phone number", "")[:40],
            "website": _website(row.get(WEBSITE, ""), WEBSITE),
            "service_types": _split(row.get("Service types", "")),
            "specialisms": _split(row.get("Specialisms/services", "")),
            "provider_name": row.get("Provider name", "")[:255],
            "local_authority": row.get("Local authority", "")[:100],
            "region": row.get("Region", "")[:100],
            "location_url": row.get("Location URL", "")[:300],
            "last_checked": _date(row.get("Date of latest check", ""), "Date of latest check"),
        },
    )


def _flags(row: dict[str, str], pattern: re.Pattern[str]) -> list[str]:
    return [
        match.group(1).strip()
        for heading, value in row.items()
        if (match := pattern.match(heading)) and value.strip().upper() in ("Y", "YES", "TRUE", "1")
    ]


def _beds(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        beds = float(value)
    except ValueError:
        raise RowProblem("Care homes beds", f"“{value}” is not a number of beds") from None
    if beds < 0 or not beds.is_integer():
        raise RowProblem("Care homes beds", f"“{value}” is not a number of beds")
    return int(beds)


def _filters_row(row: dict[str, str]) -> LocationRow:
    gone, ended = _status(row)
    _date(row.get("Location HSCA start date", ""), "Location HSCA start date")
    address = ", ".join(part for c in FILTERS_ADDRESS if (part := row.get(c, "").strip()))
    return LocationRow(
        location_id=row["Location ID"],
        listed_as_gone=gone,
        gone_on=ended,
        values={
            "provider_id": row.get("Provider ID", "")[:20],
            "name": row["Location Name"][:255],
            "also_known_as": row.get("Also known as", "")[:255],
            "address": address[:500],
            "postcode": _postcode(row.get("Location Postal Code", ""), "Location Postal Code"),
            "phone": row.get("Location Telephone Number", "")[:40],
            "website": _website(row.get("Location Web Address", ""), "Location Web Address"),
            "service_types": _flags(row, _SERVICE_TYPE),
            "service_user_bands": _flags(row, _USER_BAND),
            "care_home_beds": _beds(row.get("Care homes beds", "")),
            "provider_name": row.get("Provider Name", "")[:255],
            "local_authority": row.get("Location Local Authority", "")[:100],
            "region": row.get("Location Region", "")[:100],
        },
    )


def _rows(table: TableStream, run: CqcImport, kind: str) -> Iterator[tuple[int, LocationRow, str]]:
    """Each good row with its region; bad rows are skipped into the run with their reason."""
    id_column, name_column = (
        (LOCATION_ID, "Name")
        if kind == CqcImport.Kind.DIRECTORY
        else ("Location ID", "Location Name")
    )
    region_column = "Region" if kind == CqcImport.Kind.DIRECTORY else "Location Region"
    seen: set[str] = set()
    for number, row in table:
        run.rows_read += 1
        location_id = row.get(id_column, "")
        if not location_id:
            skip(run, number, "no CQC Location ID", id_column)
            continue
        if location_id in seen:
            skip(
                run,
                number,
                f"location {location_id} appears twice; the first row was kept",
                id_column,
            )
            continue
        if not row.get(name_column):
            skip(run, number, f"location {location_id} has no name", name_column)
            continue
        seen.add(location_id)
        try:
            parsed = _directory_row(row) if kind == CqcImport.Kind.DIRECTORY else _filters_row(row)
        except RowProblem as problem:
            skip(run, number, f"location {location_id}: {problem.reason}", problem.column)
            continue
        yield number, parsed, row.get(region_column, "")


def _is_complete(*, listed: int, regions: int, partial: bool) -> tuple[bool, str]:
    least = settings.CQC_COMPLETE_FILE_MIN_LOCATIONS
    if partial:
        return False, "Taken as a partial file, as asked: it deregisters nothing."
    if listed >= least and regions >= 2:
        return True, (
            f"Taken as the complete register ({listed:,} locations in {regions} regions):"
            " locations it no longer lists are deregistered from the file's date."
        )
    return False, (
        f"Taken as a partial file ({listed:,} locations in {regions} region(s); the complete"
        f" register lists at least {least:,} in several regions): it deregisters nothing."
    )


def locations_import(
    *,
    table: TableStream,
    kind: str,
    filename: str,
    file_date: dt.date,
    partial: bool,
    now: dt.datetime,
    actor: Actor | None,
) -> CqcImport:
    """Import a directory or filters table (the caller holds the transaction)."""
    run = CqcImport(kind=kind, filename=filename, imported_at=now, file_date=file_date)
    existing = {loc.location_id: loc for loc in CqcLocation.objects.all()}
    listed: dict[str, LocationRow] = {}
    regions: set[str] = set()
    # Every listed location goes to the hooks, touched or not: CQC owns a home's registered
    # name and address, so an unchanged file still puts back what was edited by hand.
    touched: list[str] = []
    for _number, parsed, region in _rows(table, run, kind):
        listed[parsed.location_id] = parsed
        if region:
            regions.add(region.strip().lower())
    complete, note = _is_complete(listed=len(listed), regions=len(regions), partial=partial)
    run.complete = complete
    run.notes.append(note)
    creates: list[CqcLocation] = []
    updates: list[CqcLocation] = []
    for location_id, parsed in listed.items():
        values = dict(parsed.values)
        if parsed.listed_as_gone and complete:
            values.update(registered=False, deregistered_on=parsed.gone_on or file_date)
        elif parsed.listed_as_gone:
            run.notes.append(
                f"{location_id} is listed as deregistered; a partial file deregisters nothing."
            )
            values.pop("registered", None)
        else:
            values.update(registered=True, deregistered_on=None)
        current = existing.get(location_id)
        if current is None:
            creates.append(CqcLocation(location_id=location_id, updated_at=now, **values))
            run.created += 1
            continue
        was_registered = current.registered
        if all(getattr(current, f) == v for f, v in values.items()):
            run.unchanged += 1
            continue
        for field, value in values.items():
            setattr(current, field, value)
        current.updated_at = now
        updates.append(current)
        if was_registered and not current.registered:
            run.deregistered += 1
        else:
            run.updated += 1
    if complete:
        for location_id, current in existing.items():
            if location_id in listed or not current.registered:
                continue
            current.registered, current.deregistered_on = False, file_date
            current.updated_at = now
            updates.append(current)
            touched.append(location_id)
            run.deregistered += 1
    touched.extend(listed)
    CqcLocation.objects.bulk_create(creates, batch_size=1000)
    CqcLocation.objects.bulk_update(updates, [*_FIELDS, "updated_at"], batch_size=1000)
    return run_finish(
        run=run, actor=actor, action=f"cqc.{kind}_imported", location_ids=touched, now=now
    )
