"""Care homes kept in step with the CQC directory and ratings (called after each CQC import).

Only the council's area becomes its care homes (decision 0019): a CQC care-home location is a
home in search when its full postcode lies in one of the council's districts or a configured
neighbour (CQC_NEIGHBOUR_AREAS); the outward-code table decides when the postcode directory
does not know the postcode, and the import says so. Every other location stays a CQC location.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.accounts.services import organisation_create
from caremarket.audit.services import audit_record
from caremarket.carehomes.models import (
    Booking,
    BookingStatus,
    CareHome,
    CareType,
    search_stamp_new,
)
from caremarket.carehomes.services.homes import care_home_create, home_position
from caremarket.cqc.models import CqcLocation
from caremarket.cqc.selectors import RatingSummary, cqc_rating_summaries
from caremarket.geography.selectors import district_codes_served, postcodes_place
from caremarket.notifications.services import notification_send

log = logging.getLogger(__name__)

NURSING = ("nursing home", "care home service with nursing")
RESIDENTIAL = ("residential home", "care home service without nursing")
# CQC specialism and service user band wording -> care type.
SPECIALISMS = (
    ("over 65", CareType.OLDER_PEOPLE),
    ("older people", CareType.OLDER_PEOPLE),
    ("under 65", CareType.YOUNGER_ADULTS),
    ("younger adults", CareType.YOUNGER_ADULTS),
    ("dementia", CareType.DEMENTIA),
    ("learning disabilit", CareType.LEARNING_DISABILITY),
    ("mental health", CareType.MENTAL_HEALTH),
    ("physical disabilit", CareType.PHYSICAL_DISABILITY),
    ("sensory impairment", CareType.SENSORY_IMPAIRMENT),
    ("substance misuse", CareType.SUBSTANCE_MISUSE),
    ("misuse drugs", CareType.SUBSTANCE_MISUSE),
    ("eating disorder", CareType.EATING_DISORDERS),
    ("autism", CareType.AUTISM),
)
CREATED = "Care homes created in search"
OUTSIDE = "Care-home locations outside the council's area (kept as CQC locations only)"
APPROXIMATE = "Care homes placed by their outward code only (postcode not in the ONS directory)"
UNPLACED = "Care-home locations whose postcode is unknown (not added to search)"
LEFT = "Care homes that left search (deregistered)"
RETURNED = "Care homes back in search (registered again)"


def _has(values: list[str], needles: tuple[str, ...]) -> bool:
    return any(n in v.lower() for v in values for n in needles)


def is_care_home(location: CqcLocation) -> bool:
    return _has(location.service_types, NURSING + RESIDENTIAL)


def care_types_of(location: CqcLocation) -> list[str]:
    described = [*location.specialisms, *location.service_user_bands]
    return list(
        dict.fromkeys(
            code for needle, code in SPECIALISMS if any(needle in s.lower() for s in described)
        )
    )


def _provider_for(location: CqcLocation, now: dt.datetime) -> Organisation:
    """The provider organisation, matched by CQC provider ID, then by name, else created."""
    orgs = Organisation.objects.filter(kind=OrganisationKind.CARE_HOME_PROVIDER)
    org = orgs.filter(reference=location.provider_id).first() if location.provider_id else None
    org = org or orgs.filter(name__iexact=location.provider_name.strip()).first()
    if org is None:
        org = organisation_create(
            now=now,
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
    wanted: dict[str, object] = {"name": location.name, "address": location.address or home.address}
    if location.postcode and location.postcode != home.postcode:
        wanted.update(
            {"postcode": location.postcode, **home_position(location.postcode, strict=False)}
        )
    if location.registered and home.cqc_deregistered_on is not None:
        wanted.update(is_active=True, cqc_deregistered_on=None)
    elif not location.registered and home.cqc_deregistered_on is None:
        wanted.update(is_active=False, cqc_deregistered_on=location.deregistered_on)
    for field, value in wanted.items():
        if getattr(home, field) != value:
            changes[field] = [getattr(home, field), value]
            setattr(home, field, value)
    return changes


def _tell_requesters(home: CareHome, now: dt.datetime) -> None:
    """Requests awaiting the home's answer stay answerable, but their senders should know."""
    waiting = Booking.objects.filter(
        room__home=home, status=BookingStatus.REQUESTED
    ).select_related("requested_by")
    for booking in waiting:
        notification_send(
            recipients=[booking.requested_by],
            event="carehomes.home_deregistered",
            subject=f"{home.name} is no longer registered with the CQC",
            body=(
                f"{home.name} has left the CQC register"
                f" (from {home.cqc_deregistered_on:%d %B %Y}) and no longer appears in search."
                " Your request to it is still open: you may want to look for another home."
            ),
            url=reverse("carehomes:booking-detail", args=[booking.pk]),
            now=now,
        )


def _create(location: CqcLocation, now: dt.datetime) -> CareHome:
    home = care_home_create(
        actor=None,
        provider=_provider_for(location, now),
        cqc_location_id=location.location_id,
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
    if home.lat is None:
        log.warning("CQC location %s: postcode %s not found", location.location_id, home.postcode)
    return home


@transaction.atomic
def care_home_sync_from_cqc(*, location_ids: list[str], now: dt.datetime) -> dict[str, int]:
    """Create the council's homes new to the register, refresh the CQC-owned facts of the
    others, and take deregistered homes out of search; returns what it did, counted."""
    counts: Counter[str] = Counter()
    locations = {
        loc.location_id: loc for loc in CqcLocation.objects.filter(location_id__in=location_ids)
    }
    homes = {
        h.cqc_location_id: h for h in CareHome.objects.filter(cqc_location_id__in=location_ids)
    }
    new = [
        loc
        for loc in locations.values()
        if loc.location_id not in homes and loc.registered and is_care_home(loc)
    ]
    places = postcodes_place(postcodes=[loc.postcode for loc in new if loc.postcode])
    served = district_codes_served(neighbours=settings.CQC_NEIGHBOUR_AREAS)
    for location in new:
        district, exact = places.get(location.postcode, ("", False))
        if not district:
            counts[UNPLACED] += 1
            continue
        if district not in served:
            counts[OUTSIDE] += 1
            continue
        homes[location.location_id] = _create(location, now)
        counts[CREATED] += 1
        if not exact:
            counts[APPROXIMATE] += 1
    ratings = cqc_rating_summaries(location_ids=list(homes))
    for location_id, home in homes.items():
        listed = locations.get(location_id)
        was_active = home.is_active
        changes = _apply_directory(home, listed) if listed else {}
        changes.update(_apply_ratings(home, ratings.get(location_id)))
        home.cqc_updated_at = now
        if changes:
            # Search caches answers under each home's stamp (decision 17): a deregistered home,
            # or one that moved, is gone from the very next search.
            home.search_stamp = search_stamp_new()
        home.save()
        if "cqc_deregistered_on" in changes and not home.is_active and was_active:
            counts[LEFT] += 1
            _tell_requesters(home, now)
        elif "cqc_deregistered_on" in changes and home.is_active:
            counts[RETURNED] += 1
        if changes:
            audit_record(
                actor=None, action="care_home.cqc_updated", obj=home, at=now, changes=changes
            )
    return dict(counts)
