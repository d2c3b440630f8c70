"""Imports of the CQC files as published: recognised by their headings, re-runnable, every
skipped row explained (decision 0018). One module per concept (decision 0053): `imports`
recognises a file and sends it to `locations` or `ratings`; `runs` is what they share."""

from caremarket.cqc.services.imports import (
    cqc_directory_import,
    cqc_import,
    cqc_ratings_import,
)
from caremarket.cqc.services.locations import DIRECTORY_COLUMNS
from caremarket.cqc.services.ratings import RATINGS_COLUMNS
from caremarket.cqc.services.runs import LIMITS

__all__ = [
    "DIRECTORY_COLUMNS",
    "LIMITS",
    "RATINGS_COLUMNS",
    "cqc_directory_import",
    "cqc_import",
    "cqc_ratings_import",
]
