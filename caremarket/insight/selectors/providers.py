"""The whole home care market: providers registered with the CQC in the council's area, and
every home care provider the council works with, each with its CQC ratings."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.cqc.models import GOOD_OR_BETTER, CqcLocation, CqcRating, Domain, Rating
from caremarket.framework.models import Provider
from caremarket.geography.models import District, OutwardCode, Postcode

# CQC's service type for domiciliary care is "Homecare agencies".
HOME_CARE_SERVICE = "homecare"
RATED = frozenset(GOOD_OR_BETTER | {Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE})


@dataclass(frozen=True)
class MarketProvider:
    key: str  # the CQC provider ID, or "organisation <id>" for a provider the CQC file lacks
    name: str
    organisation_id: int | None
    # Overall ratings of its registered home care locations in the council's area.
    overall_ratings: tuple[str, ...]

    @property
    def rated(self) -> bool:
        return any(r in RATED for r in self.overall_ratings)

    @property
    def good_or_outstanding(self) -> bool:
        """Every rated location Good or Outstanding: one weaker branch is enough to fall short."""
        rated = [r for r in self.overall_ratings if r in RATED]
        return bool(rated) and all(r in GOOD_OR_BETTER for r in rated)


def _in_area(locations: list[CqcLocation]) -> list[CqcLocation]:
    council = set(District.objects.filter(in_council_area=True).values_list("code", flat=True))
    council_ids = set(District.objects.filter(in_council_area=True).values_list("pk", flat=True))
    postcodes = {loc.postcode.upper() for loc in locations if loc.postcode}
    exact = dict(Postcode.objects.filter(postcode__in=postcodes).values_list("postcode", "oslaua"))
    approximate = dict(OutwardCode.objects.values_list("code", "district_id"))
    kept = []
    for loc in locations:
        code = loc.postcode.upper()
        if code in exact:
            if exact[code] in council:
                kept.append(loc)
        elif approximate.get(code.split(" ")[0]) in council_ids:
            kept.append(loc)
    return kept


def organisation_cqc_ids() -> dict[int, str]:
    """Home care organisations' CQC provider IDs (the framework's record first)."""
    ids = {
        org_id: ref
        for org_id, ref in Organisation.objects.filter(
            kind=OrganisationKind.HOME_CARE_PROVIDER
        ).values_list("pk", "reference")
        if ref
    }
    ids.update(Provider.objects.values_list("organisation_id", "cqc_provider_id"))
    return ids


def market_key_of(organisation_id: int, cqc_ids: dict[int, str]) -> str:
    return cqc_ids.get(organisation_id) or f"organisation {organisation_id}"


def market_providers() -> dict[str, MarketProvider]:
    """Keyed by market_key_of: the CQC register's home care providers in the area, and every
    active home care organisation on the platform (framework and spot providers)."""
    locations = _in_area(
        [
            loc
            for loc in CqcLocation.objects.filter(registered=True)
            if any(HOME_CARE_SERVICE in s.lower().replace(" ", "") for s in loc.service_types)
        ]
    )
    overall = dict(
        CqcRating.objects.filter(
            domain=Domain.OVERALL, location_id__in=[loc.location_id for loc in locations]
        ).values_list("location_id", "rating")
    )
    ratings: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for loc in locations:
        key = loc.provider_id or loc.location_id
        ratings.setdefault(key, []).append(overall.get(loc.location_id, Rating.NOT_RATED))
        names.setdefault(key, loc.provider_name or loc.name)
    cqc_ids = organisation_cqc_ids()
    organisations = {}
    for org in Organisation.objects.filter(
        kind=OrganisationKind.HOME_CARE_PROVIDER, is_active=True
    ):
        key = market_key_of(org.pk, cqc_ids)
        organisations[key] = org.pk
        names[key] = org.name
        ratings.setdefault(key, [])
    return {
        key: MarketProvider(
            key=key,
            name=names[key],
            organisation_id=organisations.get(key),
            overall_ratings=tuple(sorted(values)),
        )
        for key, values in ratings.items()
    }
