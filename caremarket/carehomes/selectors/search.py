"""Vacancy search: homes with rooms free from a date, nearest first, as each viewer may see them.

A room is available from day D when nothing holds it on or after D (Room.free_from <= D),
so the search reads one indexed column instead of scanning two years of bookings.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.lookups import Exact
from django.utils import timezone

from caremarket.carehomes.models import CareHome, CareType, ContractType, Room, RoomFeature
from caremarket.carehomes.rules import block_owner_ids_visible_to
from caremarket.carehomes.selectors.homes import Freshness, care_home_freshness
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.geography.models import District
from caremarket.geography.postcodes import bounding_box, distance_km
from caremarket.geography.selectors import Location, district_get, postcode_locate

DEFAULT_RADIUS_KM = 10.0
MAX_RADIUS_KM = 100.0
MAX_DAYS_AHEAD = 366
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What a result shows; the rest of a home's profile stays in the database.
HOME_FIELDS = (
    "name",
    "address",
    "postcode",
    "district__name",
    "district__code",
    "lat",
    "lng",
    "location_exact",
    "care_types",
    "provides_nursing",
    "provides_residential",
    "cqc_overall_rating",
    "cqc_rating_published_on",
    "phone",
    "website",
    "vacancies_updated_at",
    "is_active",
    "provider_id",
)
ROOM_FIELDS = (
    "home_id",
    "name",
    "contract_type",
    "block_owner__name",
    "accepts_la_rate",
    "accepts_top_up",
    "features",
    "free_from",
)


@dataclass(frozen=True)
class VacancyQuery:
    postcode: str = ""
    radius_km: float = DEFAULT_RADIUS_KM
    district: str = ""  # ONS code
    care_type: str = ""
    nursing: bool | None = None  # True: nursing beds; False: residential beds only
    contract_type: str = ""
    available_from: dt.date | None = None
    accepts_la_rate: bool = False
    accepts_top_up: bool = False
    features: tuple[str, ...] = ()


@dataclass
class HomeResult:
    home: CareHome
    available_beds: int
    distance_km: float | None
    freshness: Freshness
    rooms: list[Room] = field(default_factory=list)  # only for viewers who see rooms


@dataclass
class VacancyResults:
    available_from: dt.date
    location: Location | None
    district: District | None
    total: int
    total_beds: int
    results: list[HomeResult]
    shows_rooms: bool
    offset: int
    limit: int


def _validate(query: VacancyQuery, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not 0 < query.radius_km <= MAX_RADIUS_KM:
        errors["radius_km"] = [f"Enter a distance above 0 and up to {MAX_RADIUS_KM:g} km."]
    if query.care_type and query.care_type not in CareType.values:
        errors["care_type"] = [
            f"“{query.care_type}” is not a type of care. Use one of {', '.join(CareType.values)}."
        ]
    if query.contract_type and query.contract_type not in ContractType.values:
        errors["contract_type"] = [
            f"“{query.contract_type}” is not a contract type. Use block, irn or spot."
        ]
    unknown = [f for f in query.features if f not in RoomFeature.values]
    if unknown:
        errors["features"] = [
            f"Unknown room feature {', '.join(unknown)}. Use {', '.join(RoomFeature.values)}."
        ]
    if query.available_from and query.available_from < today:
        errors["available_from"] = ["The date the bed is needed from must be today or later."]
    elif query.available_from and query.available_from > today + dt.timedelta(MAX_DAYS_AHEAD):
        errors["available_from"] = ["The date the bed is needed from must be within a year."]
    return errors


def _has_all(field_name: str, mask: int) -> Exact:
    return Exact(F(field_name).bitand(mask), mask)


def _room_filter(query: VacancyQuery, viewer: Any, day: dt.date) -> list[Any]:
    """Conditions on Room (and its home) shared by the search and its room lists."""
    owners = block_owner_ids_visible_to(viewer)
    visible = ~Q(contract_type=ContractType.BLOCK)
    if owners:
        visible |= Q(block_owner_id__in=owners)
    conditions: list[Any] = [Q(free_from__lte=day), Q(home__is_active=True), visible]
    if query.contract_type:
        conditions.append(Q(contract_type=query.contract_type))
    if query.accepts_la_rate:
        # Block rooms are already purchased and IRN rooms take framework rates.
        conditions.append(
            Q(contract_type__in=(ContractType.BLOCK, ContractType.IRN)) | Q(accepts_la_rate=True)
        )
    if query.accepts_top_up:
        conditions.append(Q(accepts_top_up=True))
    nursing = RoomFeature.bit(RoomFeature.NURSING)
    if query.nursing is True:
        conditions.append(_has_all("features", nursing))
    elif query.nursing is False:
        conditions.append(Exact(F("features").bitand(nursing), 0))
    if query.features:
        conditions.append(_has_all("features", RoomFeature.mask(query.features)))
    if query.care_type:
        conditions.append(_has_all("home__care_types", CareType.bit(query.care_type)))
    return conditions


# Postcode positions change only when the ONS directory is imported again; a search may use a
# position up to this old, and saves two queries.
PLACE_CACHE_SECONDS = 600


@functools.lru_cache(maxsize=4096)
def _locate(postcode: str, period: int) -> Location:
    return postcode_locate(postcode=postcode)


def _place(query: VacancyQuery) -> tuple[Location | None, District | None]:
    location = district = None
    try:
        if query.postcode.strip():
            period = int(time.monotonic() // PLACE_CACHE_SECONDS)
            location = _locate(query.postcode.strip().upper(), period)
        if query.district:
            district = district_get(code=query.district)
    except NotFound as exc:
        # A place we do not know is a problem with the input, not a missing resource.
        raise ValidationFailed({exc.field or "postcode": [exc.message]}) from exc
    return location, district


def vacancy_rooms(*, viewer: Any, query: VacancyQuery, day: dt.date) -> QuerySet[Room]:
    return Room.objects.filter(*_room_filter(query, viewer, day))


def vacancy_search(
    *,
    viewer: Any,
    query: VacancyQuery,
    now: dt.datetime,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> VacancyResults:
    today = timezone.localdate(now)
    errors = _validate(query, today)
    if errors:
        raise ValidationFailed(errors)
    day = query.available_from or today
    location, district = _place(query)
    rooms = vacancy_rooms(viewer=viewer, query=query, day=day)
    if district is not None:
        rooms = rooms.filter(home__district=district)
    elif location is not None:
        min_lat, max_lat, min_lng, max_lng = bounding_box(
            location.lat, location.lng, query.radius_km
        )
        rooms = rooms.filter(
            home__lat__range=(min_lat, max_lat), home__lng__range=(min_lng, max_lng)
        )
    # order_by() drops Room's default ordering, which would otherwise join the GROUP BY.
    grouped = rooms.values_list("home_id", "home__lat", "home__lng", "home__name").annotate(
        beds=Count("id")
    )
    candidates: list[tuple[float | None, str, int, int]] = []
    for home_id, lat, lng, name, beds in grouped.order_by():
        distance = None
        if location is not None and lat is not None and lng is not None:
            distance = distance_km(location.lat, location.lng, lat, lng)
            if district is None and distance > query.radius_km:
                continue
        candidates.append((distance, name, home_id, beds))
    candidates.sort(key=lambda c: (c[0] if c[0] is not None else float("inf"), c[1], c[2]))
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, offset)
    page = candidates[offset : offset + limit]
    homes = (
        CareHome.objects.select_related("district").only(*HOME_FIELDS).in_bulk([c[2] for c in page])
    )
    shows_rooms = bool(viewer.has_perm("carehomes.see_rooms_in_search"))
    rooms_by_home: dict[int, list[Room]] = {c[2]: [] for c in page}
    if shows_rooms and page:
        for room in (
            vacancy_rooms(viewer=viewer, query=query, day=day)
            .filter(home_id__in=rooms_by_home)
            .select_related("block_owner")
            .only(*ROOM_FIELDS)
            .order_by("home_id", "name")
        ):
            room.home = homes[room.home_id]  # so permission checks need no query per room
            rooms_by_home[room.home_id].append(room)
    return VacancyResults(
        available_from=day,
        location=location,
        district=district,
        total=len(candidates),
        total_beds=sum(c[3] for c in candidates),
        results=[
            HomeResult(
                home=homes[home_id],
                available_beds=beds,
                distance_km=round(distance, 1) if distance is not None else None,
                freshness=care_home_freshness(home=homes[home_id], now=now),
                rooms=rooms_by_home[home_id],
            )
            for distance, _, home_id, beds in page
        ],
        shows_rooms=shows_rooms,
        offset=offset,
        limit=limit,
    )
