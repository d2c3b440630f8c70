"""The latest ratings file (Latest_ratings: ODS, xlsx or CSV) as published.

Each location has a row per key question ("Domain", or "Key Question" in older files) for the
location as a whole, and more rows per service or population group; only the location's own
rows count, the others are counted and left alone.
"""

from __future__ import annotations

import datetime as dt

from caremarket.common.actors import Actor
from caremarket.common.tabular import Shape, TableStream, parse_date
from caremarket.cqc.models import CqcImport, CqcLocation, CqcRating, Domain, Rating
from caremarket.cqc.services.runs import run_finish, skip

GROUP = "Service / Population Group"
RATINGS = Shape(
    required=("Location ID", "Domain", "Latest Rating"),
    optional=("Publication Date", GROUP),
    aliases={
        "Domain": ("Key Question",),
        GROUP: ("Service/Population Group", "Population Group"),
    },
)
RATINGS_COLUMNS = ("Location ID", "Domain", "Latest Rating", "Publication Date")

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


def ratings_import(
    *, table: TableStream, filename: str, file_date: dt.date, now: dt.datetime, actor: Actor | None
) -> CqcImport:
    """Import a ratings table (the caller holds the transaction)."""
    run = CqcImport(
        kind=CqcImport.Kind.RATINGS, filename=filename, imported_at=now, file_date=file_date
    )
    latest: dict[tuple[str, str], tuple[str, dt.date | None]] = {}
    for number, row in table:
        run.rows_read += 1
        if row.get(GROUP, "Overall").strip().lower() not in ("overall", ""):
            run.group_rows_ignored += 1
            continue
        location_id = row.get("Location ID", "")
        domain = _DOMAIN_ALIASES.get(row.get("Domain", "").strip().lower())
        rating = _RATING_ALIASES.get(row.get("Latest Rating", "").strip().lower())
        if not location_id:
            skip(run, number, "no Location ID", "Location ID")
            continue
        if domain is None:
            skip(run, number, f"unknown Domain “{row.get('Domain', '')}”", "Domain")
            continue
        if rating is None:
            skip(
                run,
                number,
                f"unknown Latest Rating “{row.get('Latest Rating', '')}”",
                "Latest Rating",
            )
            continue
        try:
            published = parse_date(row.get("Publication Date", ""))
        except ValueError as exc:
            skip(run, number, str(exc), "Publication Date")
            continue
        key = (location_id, domain)
        if key in latest and (latest[key][1] or dt.date.min) > (published or dt.date.min):
            continue  # an older rating listed after a newer one on the same location
        latest[key] = (rating, published)
    rated = {k[0] for k in latest}
    known = (
        set(CqcLocation.objects.filter(location_id__in=rated).values_list("location_id", flat=True))
        if len(rated) < 30_000
        else set(CqcLocation.objects.values_list("location_id", flat=True))
    )
    run.unknown_locations = len(rated - known)
    if run.unknown_locations:
        run.notes.append(
            f"{run.unknown_locations:,} rated locations are not in the directory: their ratings"
            " are kept for when they are."
        )
    existing = {(r.location_id, r.domain): r for r in CqcRating.objects.all().iterator()}
    creates, updates = [], []
    for (location_id, domain), (rating, published) in latest.items():
        current = existing.get((location_id, domain))
        if current is None:
            creates.append(
                CqcRating(
                    location_id=location_id, domain=domain, rating=rating, published_on=published
                )
            )
            run.created += 1
        elif (current.rating, current.published_on) != (rating, published):
            current.rating, current.published_on = rating, published
            updates.append(current)
            run.updated += 1
        else:
            run.unchanged += 1
    CqcRating.objects.bulk_create(creates, batch_size=1000)
    CqcRating.objects.bulk_update(updates, ["rating", "published_on"], batch_size=1000)
    return run_finish(
        run=run,
        actor=actor,
        action="cqc.ratings_imported",
        location_ids=sorted(rated),
        now=now,
    )
