"""Any CQC file as published, recognised by its headings and sent to the importer of its kind:
re-runnable, every skipped row explained (decision 0018)."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.db import transaction

from caremarket.common.actors import Actor
from caremarket.common.tabular import TableError, table_find
from caremarket.cqc.models import CqcImport
from caremarket.cqc.services.locations import (
    DIRECTORY,
    FILTERS,
    locations_import,
)
from caremarket.cqc.services.ratings import RATINGS, ratings_import
from caremarket.cqc.services.runs import LIMITS, file_date_of

# Tried in this order on each header row: a ratings sheet also has "Location ID" and
# "Care Home?", so it is recognised first.
SHAPES = {
    CqcImport.Kind.RATINGS.label: RATINGS,
    CqcImport.Kind.FILTERS.label: FILTERS,
    CqcImport.Kind.DIRECTORY.label: DIRECTORY,
}
_KIND_BY_LABEL = {kind.label: kind.value for kind in CqcImport.Kind}


@transaction.atomic
def cqc_import(
    *,
    filename: str,
    now: dt.datetime,
    data: bytes | None = None,
    stream: IO[bytes] | None = None,
    actor: Actor | None = None,
    partial: bool = False,
) -> CqcImport:
    """Import any CQC file, recognised by its headings; all of it or, on an error, none.

    `partial` takes a directory file as a partial extract even if it looks complete, so it
    deregisters nothing.
    """
    label, table = table_find(
        filename=filename, shapes=SHAPES, limits=LIMITS, data=data, stream=stream
    )
    kind = _KIND_BY_LABEL[label]
    file_date = file_date_of(preamble=table.preamble, filename=filename, now=now)
    if kind == CqcImport.Kind.RATINGS:
        run = ratings_import(
            table=table, filename=filename, file_date=file_date, now=now, actor=actor
        )
    else:
        run = locations_import(
            table=table,
            kind=kind,
            filename=filename,
            file_date=file_date,
            partial=partial,
            now=now,
            actor=actor,
        )
    # Row numbers in the report are the sheet's own, so say which sheet they are on.
    run.notes.insert(0, f"Read from {table.source}, headings on row {table.header_row}.")
    run.save(update_fields=["notes"])
    return run


def _expect(run: CqcImport, kinds: tuple[str, ...], filename: str) -> CqcImport:
    if run.kind not in kinds:
        raise TableError(f"{filename}: this is a {run.get_kind_display()} file.")
    return run


def cqc_directory_import(
    *,
    data: bytes,
    filename: str,
    now: dt.datetime,
    actor: Actor | None = None,
    partial: bool = False,
) -> CqcImport:
    """A care directory (CSV) or care directory with filters file, nothing else."""
    with transaction.atomic():
        run = cqc_import(data=data, filename=filename, now=now, actor=actor, partial=partial)
        return _expect(run, (CqcImport.Kind.DIRECTORY, CqcImport.Kind.FILTERS), filename)


def cqc_ratings_import(
    *, data: bytes, filename: str, now: dt.datetime, actor: Actor | None = None
) -> CqcImport:
    """A latest ratings file, nothing else."""
    with transaction.atomic():
        run = cqc_import(data=data, filename=filename, now=now, actor=actor)
        return _expect(run, (CqcImport.Kind.RATINGS,), filename)
