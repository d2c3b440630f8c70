"""Imports of the CQC care directory and ratings files. Re-runnable; every skipped row explained."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from caremarket.audit.services import audit_record
from caremarket.common.tabular import Limits, TableError, parse_date, table_read
from caremarket.cqc.models import CqcImport, CqcLocation, CqcRating, Domain, Rating

DIRECTORY_COLUMNS = (
    "Name",
    "Also known as",
    "Address",
    "Postcode",
    "Phone number",
    "Service's website (if available)",
    "Service types",
    "Date of latest check",
    "Specialisms/services",
    "Provider name",
    "Local authority",
    "Region",
    "Location URL",
    "CQC Location ID (for office use only)",
    "CQC Provider ID (for office use only)",
)
RATINGS_COLUMNS = ("Location ID", "Domain", "Latest Rating", "Publication Date")
# The national files: about 50,000 locations, and several rating rows for each.
LIMITS = Limits(what="a CQC file", max_bytes=300 * 1024 * 1024, max_rows=2_000_000, max_columns=400)

_RATING_ALIASES = {r.value.lower(): r.value for r in Rating}
_RATING_ALIASES.update(
    {
        "insufficient evidence to rate": Rating.NOT_RATED,
        "no published rating": Rating.NOT_RATED,
        "not yet rated": Rating.NOT_RATED,
    }
)
_DOMAIN_ALIASES = {d.value.lower(): d.value for d in Domain}
_DOMAIN_ALIASES.update({"well led": Domain.WELL_LED, "well-led": Domain.WELL_LED})


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", "|").split("|") if part.strip()]


def _finish(
    *, run: CqcImport, actor: Any, action: str, location_ids: list[str], now: dt.datetime
) -> None:
    run.save()
    audit_record(
        actor=actor,
        action=action,
        obj=run,
        at=now,
        data={
            "rows": run.rows_read,
            "created": run.created,
            "updated": run.updated,
            "skipped": len(run.skipped),
        },
    )
    # Care homes and framework branches refresh themselves from the new CQC data.
    for path in getattr(settings, "CQC_IMPORT_HOOKS", []):
        import_string(path)(location_ids=location_ids, now=now)


@transaction.atomic
def cqc_directory_import(
    *, data: bytes, filename: str, now: dt.datetime, actor: Any = None
) -> CqcImport:
    table = table_read(
        data=data,
        filename=filename,
        required=("Name", "CQC Location ID (for office use only)"),
        optional=DIRECTORY_COLUMNS,
        limits=LIMITS,
    )
    run = CqcImport(kind=CqcImport.Kind.DIRECTORY, filename=filename, imported_at=now)
    existing = set(CqcLocation.objects.values_list("location_id", flat=True))
    seen: set[str] = set()
    for row_number, row in table:
        run.rows_read += 1
        location_id = row.get("CQC Location ID (for office use only)", "")
        if not location_id:
            run.skipped.append({"row": row_number, "reason": "no CQC Location ID"})
            continue
        if location_id in seen:
            run.skipped.append(
                {
                    "row": row_number,
                    "reason": f"location {location_id} appears twice; the first row was kept",
                }
            )
            continue
        if not row.get("Name"):
            run.skipped.append({"row": row_number, "reason": f"location {location_id} has no name"})
            continue
        try:
            last_checked = parse_date(row.get("Date of latest check", ""))
        except ValueError as exc:
            run.skipped.append({"row": row_number, "reason": f"Date of latest check: {exc}"})
            continue
        seen.add(location_id)
        CqcLocation.objects.update_or_create(
            location_id=location_id,
            defaults={
                "provider_id": row.get("CQC Provider ID (for office use only)", ""),
                "name": row["Name"][:255],
                "also_known_as": row.get("Also known as", "")[:255],
                "address": row.get("Address", "")[:500],
                "postcode": row.get("Postcode", "")[:10].upper(),
                "phone": row.get("Phone number", "")[:40],
                "website": row.get("Service's website (if available)", "")[:300],
                "service_types": _split(row.get("Service types", "")),
                "specialisms": _split(row.get("Specialisms/services", "")),
                "provider_name": row.get("Provider name", "")[:255],
                "local_authority": row.get("Local authority", "")[:100],
                "region": row.get("Region", "")[:100],
                "location_url": row.get("Location URL", "")[:300],
                "last_checked": last_checked,
                "registered": True,
                "updated_at": now,
            },
        )
        if location_id in existing:
            run.updated += 1
        else:
            run.created += 1
    _finish(
        run=run, actor=actor, action="cqc.directory_imported", location_ids=sorted(seen), now=now
    )
    return run


@transaction.atomic
def cqc_ratings_import(
    *, data: bytes, filename: str, now: dt.datetime, actor: Any = None
) -> CqcImport:
    table = table_read(data=data, filename=filename, required=RATINGS_COLUMNS, limits=LIMITS)
    run = CqcImport(kind=CqcImport.Kind.RATINGS, filename=filename, imported_at=now)
    group_column = next(
        (
            h
            for h in table.header
            if h.lower() in ("service / population group", "service/population group")
        ),
        None,
    )
    latest: dict[tuple[str, str], tuple[str, dt.date | None, int]] = {}
    for row_number, row in table:
        run.rows_read += 1
        # Only the location-level rating counts; service and population-group rows are detail.
        if group_column and row.get(group_column, "Overall").strip().lower() not in ("overall", ""):
            continue
        location_id = row.get("Location ID", "")
        domain = _DOMAIN_ALIASES.get(row.get("Domain", "").strip().lower())
        rating = _RATING_ALIASES.get(row.get("Latest Rating", "").strip().lower())
        if not location_id:
            run.skipped.append({"row": row_number, "reason": "no Location ID"})
            continue
        if domain is None:
            run.skipped.append(
                {"row": row_number, "reason": f"unknown Domain “{row.get('Domain', '')}”"}
            )
            continue
        if rating is None:
            run.skipped.append(
                {
                    "row": row_number,
                    "reason": f"unknown Latest Rating “{row.get('Latest Rating', '')}”",
                }
            )
            continue
        try:
            published = parse_date(row.get("Publication Date", ""))
        except ValueError as exc:
            run.skipped.append({"row": row_number, "reason": f"Publication Date: {exc}"})
            continue
        latest[(location_id, domain)] = (rating, published, row_number)
    existing = {
        (r.location_id, r.domain): r
        for r in CqcRating.objects.filter(location_id__in={k[0] for k in latest})
    }
    for (location_id, domain), (rating, published, _) in latest.items():
        current = existing.get((location_id, domain))
        if current is None:
            CqcRating.objects.create(
                location_id=location_id, domain=domain, rating=rating, published_on=published
            )
            run.created += 1
        elif (current.rating, current.published_on) != (rating, published):
            current.rating, current.published_on = rating, published
            current.save(update_fields=["rating", "published_on"])
            run.updated += 1
    _finish(
        run=run,
        actor=actor,
        action="cqc.ratings_imported",
        location_ids=sorted({k[0] for k in latest}),
        now=now,
    )
    return run


def cqc_import(*, data: bytes, filename: str, now: dt.datetime, actor: Any = None) -> CqcImport:
    """Import either kind of CQC file, recognised by its columns."""
    try:
        table_read(data=data, filename=filename, required=RATINGS_COLUMNS, limits=LIMITS)
    except TableError:
        return cqc_directory_import(data=data, filename=filename, now=now, actor=actor)
    return cqc_ratings_import(data=data, filename=filename, now=now, actor=actor)
