"""Imports of the CQC files as published: recognised by their headings, re-runnable, every
skipped row explained (decision 0018). One module per concept (decision 0053): `imports`
recognises a file and sends it to `locations` or `ratings`; `runs` is what they share."""

from caremarket.cqc.services.imports import (
    SHAPES,
    cqc_directory_import,
    cqc_import,
    cqc_ratings_import,
)
from caremarket.cqc.services.locations import (
    DIRECTORY,
    DIRECTORY_COLUMNS,
    ENDED,
    FILTERS,
    FILTERS_ADDRESS,
    LOCATION_ID,
    PROVIDER_ID,
    STATUS,
    WEBSITE,
    LocationRow,
    RowProblem,
    locations_import,
)
from caremarket.cqc.services.ratings import GROUP, RATINGS, RATINGS_COLUMNS, ratings_import
from caremarket.cqc.services.runs import HOOK_CHUNK, LIMITS, date_in, file_date_of, run_finish, skip

__all__ = [
    "DIRECTORY",
    "DIRECTORY_COLUMNS",
    "ENDED",
    "FILTERS",
    "FILTERS_ADDRESS",
    "GROUP",
    "HOOK_CHUNK",
    "LIMITS",
    "LOCATION_ID",
    "PROVIDER_ID",
    "RATINGS",
    "RATINGS_COLUMNS",
    "SHAPES",
    "STATUS",
    "WEBSITE",
    "LocationRow",
    "RowProblem",
    "cqc_directory_import",
    "cqc_import",
    "cqc_ratings_import",
    "date_in",
    "file_date_of",
    "locations_import",
    "ratings_import",
    "run_finish",
    "skip",
]
