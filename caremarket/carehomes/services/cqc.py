"""Care homes kept in step with the CQC directory and ratings (called after each CQC import)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.accounts.services import organisation_create
from caremarket.audit.services import audit_record
from caremarket.carehomes.models import CareHome, CareType, search_stamp_new
from caremarket.carehomes.services.homes import care_home_create, home_position
from caremarket.cqc.models import CqcLocation
from caremarket.cqc.selectors import RatingSummary, cqc_rating_summaries
from caremarket.geography.models import District

log = logging.getLogger(__name__)

NURSING = ("nursing home", "care home service with nursing")
RESIDENTIAL = ("residential home", "care home service without nursing")
# CQC specialism wording -> care type.
SPECIALISMS = (
    ("over 65", CareType.OLDER_PEOPLE),
    ("under 65", CareType.YOUNGER_ADULTS),
    ("dementia", CareType.DEMENTIA),
    ("learning disabilit", CareType.LEARNING_DISABILITY),
    ("mental health", CareType.MENTAL_HEALTH),
    ("physical disabilit", CareType.PHYSICAL_DISABILITY),
    ("sensory impairment", CareType.SENSORY_IMPAIRMENT),
    ("substance misuse", CareType.SUBSTANCE_MISUSE),
    ("eating disorder", CareType.EATING_DISORDERS),
    ("autism", CareType.AUTISM),
)


def _has(values: list[str], needles: tuple[str, ...]) -> bool:
    return any(n in v.lower() for v in values for n in needles)


def is_care_home(location: CqcLocation) -> bool:
    return _has(location.service_types, NURSING + RESIDENTIAL)


def care_types_of(location: CqcLocation) -> list[str]:
    return [
        code
        for needle, code in SPECIALISMS
        if any(needle in s.lower() for s in location.specialisms)
    ]


def _provider_for(location: CqcLocation) -> Organisation:
    """The provider organisation, matched by CQC provider ID, then by name, else created."""
    orgs = Organisation.objects.filter(kind=OrganisationKind.CARE_HOME_PROVIDER)
    org = orgs.filter(reference=location.provider_id).first() if location.provider_id else None
    org = org or orgs.filter(name__iexact=location.provider_name.strip()).first()
    if org is None:
        org = organisation_create(
            actor=None,
            name=location.provider_name.strip() or location.name,
            kind=OrganisationKind.CARE_HOME_PROVIDER,
            reference=location.provider_id,
        )
    return org


def _apply_ratings(home: CareHome, summary: RatingSummary | None) -> dict[str, list[object]]:
    changes: dict[str, list[object]] = {}
    if summary is None or summary.overall is None:
        return changes
    for field, value in (
        ("cqc_overall_rating", summary.overall),
        ("cqc_rating_published_on", summary.published_on),
    ):
        if getattr(home, field) != value:
            changes[field] = [getattr(home, field), value]
            setattr(home, field, value)
    return changes


def _apply_directory(home: CareHome, location: CqcLocation) -> dict[str, list[object]]:
    """CQC owns the registered name and address; the provider owns the rest of the profile."""
    changes: dict[str, list[object]] = {}
    wanted: dict[str, object] = {"name": location.name, "address": location.address}
    if location.postcode and location.postcode != home.postcode:
        wanted.update(
            {"postcode": location.postcode, **home_position(location.postcode, strict=False)}
        )
    for field, value in wanted.items():
        if getattr(home, field) != value:
            changes[field] = [getattr(home, field), value]
            setattr(home, field, value)
    return changes


def _district_by_name(location: CqcLocation) -> District | None:
    return District.objects.filter(name__iexact=location.local_authority.strip()).first()


@transaction.atomic
def care_home_sync_from_cqc(*, location_ids: list[str], now: dt.datetime) -> None:
    """Create homes new to the directory and refresh the CQC-owned facts of the others."""
    locations = {
        loc.location_id: loc for loc in CqcLocation.objects.filter(location_id__in=location_ids)
    }
    homes = {
        h.cqc_location_id: h for h in CareHome.objects.filter(cqc_location_id__in=location_ids)
    }
    ratings = cqc_rating_summaries(location_ids=location_ids)
    for location_id in location_ids:
        location, home = locations.get(location_id), homes.get(location_id)
        if home is None:
            if location is None or not location.registered or not is_care_home(location):
                continue
            home = care_home_create(
                actor=None,
                provider=_provider_for(location),
                cqc_location_id=location_id,
                name=location.name,
                address=location.address or location.name,
                postcode=location.postcode,
                phone=location.phone,
                website=location.website if location.website.startswith("http") else "",
                care_types=care_types_of(location),
                provides_nursing=_has(location.service_types, NURSING),
                provides_residential=_has(location.service_types, RESIDENTIAL),
                strict_postcode=False,
                now=now,
            )
            if home.district_id is None and (district := _district_by_name(location)):
                home.district = district
            if home.lat is None:
                log.warning("CQC location %s: postcode %s not found", location_id, home.postcode)
        changes = _apply_directory(home, location) if location else {}
        changes.update(_apply_ratings(home, ratings.get(location_id)))
        home.cqc_updated_at = now
        if changes:
            home.search_stamp = search_stamp_new()
        home.save()
        if changes:
            audit_record(
                actor=None, action="care_home.cqc_updated", obj=home, at=now, changes=changes
            )
