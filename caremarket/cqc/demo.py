"""Synthetic CQC files for the demo data of other apps: written as the CQC publishes them and
imported through the real CQC import, so the demo exercises the same path as real files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from caremarket.cqc.services import RATINGS_COLUMNS, cqc_directory_import, cqc_ratings_import

HOME_CARE = "Homecare agencies"
LOCATION_COLUMNS = (
    "Name",
    "Address",
    "Postcode",
    "Service types",
    "Provider name",
    "Local authority",
    "CQC Location ID (for office use only)",
    "CQC Provider ID (for office use only)",
)


@dataclass(frozen=True)
class DemoLocation:
    location_id: str
    provider_id: str
    name: str
    provider_name: str
    address: str
    postcode: str
    service_types: str = HOME_CARE
    local_authority: str = "Essex"


@dataclass(frozen=True)
class DemoRating:
    location_id: str
    domain: str
    rating: str
    published_on: dt.date


def cqc_demo_files_import(
    *,
    name: str,
    locations: Iterable[DemoLocation],
    ratings: Iterable[DemoRating],
    now: dt.datetime,
) -> None:
    directory, rated = io.StringIO(), io.StringIO()
    locations_out, ratings_out = csv.writer(directory), csv.writer(rated)
    locations_out.writerow(LOCATION_COLUMNS)
    for loc in locations:
        locations_out.writerow(
            [
                loc.name,
                loc.address,
                loc.postcode,
                loc.service_types,
                loc.provider_name,
                loc.local_authority,
                loc.location_id,
                loc.provider_id,
            ]
        )
    ratings_out.writerow(RATINGS_COLUMNS)
    for r in ratings:
        ratings_out.writerow([r.location_id, r.domain, r.rating, r.published_on.isoformat()])
    cqc_directory_import(
        data=directory.getvalue().encode(), filename=f"{name}-directory.csv", now=now
    )
    cqc_ratings_import(data=rated.getvalue().encode(), filename=f"{name}-ratings.csv", now=now)
