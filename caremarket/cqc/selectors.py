from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from caremarket.cqc.models import GOOD_OR_BETTER, CqcLocation, CqcRating, Domain


@dataclass(frozen=True)
class RatingSummary:
    location_id: str
    ratings: dict[str, str]  # domain -> rating
    published_on: dt.date | None  # of the overall rating

    @property
    def overall(self) -> str | None:
        return self.ratings.get(Domain.OVERALL)

    @property
    def tier1_eligible(self) -> bool:
        """Good or Outstanding overall, for Safe and for Well-led (the framework's tier-1 rule)."""
        return all(
            self.ratings.get(d) in GOOD_OR_BETTER
            for d in (Domain.OVERALL, Domain.SAFE, Domain.WELL_LED)
        )

    def problems(self) -> list[str]:
        return [
            f"{d} is {self.ratings.get(d) or 'not rated'}"
            for d in (Domain.OVERALL, Domain.SAFE, Domain.WELL_LED)
            if self.ratings.get(d) not in GOOD_OR_BETTER
        ]


def cqc_rating_summaries(*, location_ids: Iterable[str]) -> dict[str, RatingSummary]:
    ids = set(location_ids)
    ratings: dict[str, dict[str, str]] = {i: {} for i in ids}
    published: dict[str, dt.date | None] = dict.fromkeys(ids)
    for r in CqcRating.objects.filter(location_id__in=ids):
        ratings[r.location_id][r.domain] = r.rating
        if r.domain == Domain.OVERALL:
            published[r.location_id] = r.published_on
    return {
        i: RatingSummary(location_id=i, ratings=ratings[i], published_on=published[i]) for i in ids
    }


def cqc_rating_summary(*, location_id: str) -> RatingSummary:
    return cqc_rating_summaries(location_ids=[location_id])[location_id]


def cqc_location_get(*, location_id: str) -> CqcLocation | None:
    return CqcLocation.objects.filter(location_id=location_id).first()


def cqc_provider_locations(*, provider_id: str) -> list[CqcLocation]:
    """The registered locations the register lists under one CQC provider ID."""
    return list(
        CqcLocation.objects.filter(provider_id=provider_id.strip(), registered=True).order_by(
            "name"
        )
    )
