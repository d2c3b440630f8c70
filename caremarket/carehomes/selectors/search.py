"""Vacancy search: homes with rooms free from a date, nearest first, as each viewer may see them.

A room is available from day D when nothing holds it on or after D (Room.free_from <= D),
so the search reads one indexed column instead of scanning two years of bookings. Answers are
plain rows (no model instances) and are cached under the stamps of the homes they cover
(`search_cache`, decision 17), so a change is visible to the very next search.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.lookups import Exact
from django.utils import timezone

from caremarket.carehomes.models import CareHome, CareType, ContractType, Room, RoomFeature
from caremarket.carehomes.rules import block_owners_visible_to
from caremarket.carehomes.selectors.homes import Freshness, vacancy_freshness
from caremarket.carehomes.selectors.search_cache import Scope, answer_cached
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.common.process_caches import process_cached
from caremarket.geography.models import District
from caremarket.geography.postcodes import bounding_box, distance_km
from caremarket.geography.selectors import Location, district_get, postcode_locate

DEFAULT_RADIUS_KM = 10.0
MAX_RADIUS_KM = 100.0
MAX_DAYS_AHEAD = 366
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# What a result shows; the rest of a home's profile stays in the database.
HOME_COLUMNS = (
    "pk",
    "name",
    "address",
    "postcode",
    "district__code",
    "district__name",
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
    "provider_id",
)
ROOM_COLUMNS = (
    "pk",
    "home_id",
    "name",
    "contract_type",
    "block_owner_id",
    "accepts_la_rate",
    "accepts_top_up",
    "features",
    "free_from",
)
_CONTRACT_LABELS = dict(ContractType.choices)


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


# Plain dataclasses without __slots__: the cache unpickles them four times faster.
@dataclass(frozen=True)
class SearchHome:
    """What a result shows of a home (fields in the order of HOME_COLUMNS)."""

    pk: int
    name: str
    address: str
    postcode: str
    district_code: str | None
    district_name: str | None
    lat: float | None
    lng: float | None
    location_exact: bool
    care_types: int
    provides_nursing: bool
    provides_residential: bool
    cqc_overall_rating: str
    cqc_rating_published_on: dt.date | None
    phone: str
    website: str
    vacancies_updated_at: dt.datetime
    provider_id: int

    @property
    def care_type_codes(self) -> list[str]:
        return CareType.codes(self.care_types)

    @property
    def care_type_labels(self) -> list[str]:
        return CareType.labels_of(self.care_types)


@dataclass(frozen=True)
class SearchRoom:
    """What a result shows of an available room (to viewers who see rooms)."""

    pk: int
    home_id: int
    name: str
    contract_type: str
    block_owner_id: int | None
    block_owner_name: str | None
    accepts_la_rate: bool
    accepts_top_up: bool
    features: int
    free_from: dt.date | None

    @property
    def contract_type_label(self) -> str:
        return _CONTRACT_LABELS[self.contract_type]

    @property
    def feature_codes(self) -> list[str]:
        return RoomFeature.codes(self.features)

    @property
    def feature_labels(self) -> list[str]:
        return RoomFeature.labels_of(self.features)


@dataclass(frozen=True)
class HomeResult:
    home: SearchHome
    available_beds: int
    distance_km: float | None
    freshness: Freshness
    rooms: list[SearchRoom] = field(default_factory=list)  # only for viewers who see rooms


@dataclass(frozen=True)
class ResultPage:
    """The part of an answer that is cached: it depends on the data, not on the request."""

    total: int
    total_beds: int
    results: list[HomeResult]


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


def _room_filter(query: VacancyQuery, owners: frozenset[int], day: dt.date) -> list[Any]:
    """Conditions on Room (and its home) shared by the search and its room lists."""
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


# Postcode positions and district names change only when reference data is imported again; a
# search may use a place up to this old, and saves a query or two.
PLACE_CACHE_SECONDS = 600


@process_cached(maxsize=4096)
def _locate(postcode: str, period: int) -> Location:
    return postcode_locate(postcode=postcode)


@process_cached(maxsize=512)
def _district(code: str, period: int) -> District:
    return district_get(code=code)


def _place(query: VacancyQuery) -> tuple[Location | None, District | None]:
    location = district = None
    period = int(time.monotonic() // PLACE_CACHE_SECONDS)
    try:
        if query.postcode.strip():
            location = _locate(query.postcode.strip().upper(), period)
        if query.district:
            district = _district(query.district, period)
    except NotFound as exc:
        # A place we do not know is a problem with the input, not a missing resource.
        raise ValidationFailed({exc.field or "postcode": [exc.message]}) from exc
    return location, district


def vacancy_rooms(*, viewer: Any, query: VacancyQuery, day: dt.date) -> QuerySet[Room]:
    return Room.objects.filter(
        *_room_filter(query, frozenset(block_owners_visible_to(viewer)), day)
    )


def _scope(
    location: Location | None, district: District | None, radius_km: float
) -> tuple[Scope, Q]:
    """The homes a search covers, as a condition on CareHome and the same one on Room."""
    if district is not None:
        return Scope(district_id=district.pk), Q(home__district=district)
    if location is not None:
        box = bounding_box(location.lat, location.lng, radius_km)
        return Scope(box=box), Q(home__lat__range=box[:2], home__lng__range=box[2:])
    return Scope(), Q()


@dataclass(frozen=True)
class _Search:
    query: VacancyQuery
    day: dt.date
    location: Location | None
    district: District | None
    rooms_in_scope: Q
    owners: dict[int, str]
    shows_rooms: bool
    offset: int
    limit: int
    now: dt.datetime


def _candidates(s: _Search) -> list[tuple[float | None, str, int, int]]:
    """(distance, name, home id, beds) of every home with a matching bed, nearest first."""
    rooms = Room.objects.filter(
        *_room_filter(s.query, frozenset(s.owners), s.day), s.rooms_in_scope
    )
    # order_by() drops Room's default ordering, which would otherwise join the GROUP BY.
    grouped = rooms.values_list("home_id", "home__lat", "home__lng", "home__name").annotate(
        beds=Count("id")
    )
    location, radius = s.location, s.query.radius_km
    candidates: list[tuple[float | None, str, int, int]] = []
    for home_id, lat, lng, name, beds in grouped.order_by():
        distance = None
        if location is not None and lat is not None and lng is not None:
            distance = distance_km(location.lat, location.lng, lat, lng)
            if s.district is None and distance > radius:
                continue
        candidates.append((distance, name, home_id, beds))
    candidates.sort(key=lambda c: (c[0] if c[0] is not None else float("inf"), c[1], c[2]))
    return candidates


def _rooms_of(s: _Search, home_ids: list[int]) -> dict[int, list[SearchRoom]]:
    by_home: dict[int, list[SearchRoom]] = {pk: [] for pk in home_ids}
    if not (s.shows_rooms and home_ids):
        return by_home
    rows = (
        Room.objects.filter(*_room_filter(s.query, frozenset(s.owners), s.day))
        .filter(home_id__in=home_ids)
        .order_by("home_id", "name")
        .values_list(*ROOM_COLUMNS)
    )
    for pk, home_id, name, contract, owner, la_rate, top_up, features, free_from in rows:
        by_home[home_id].append(
            SearchRoom(
                pk=pk,
                home_id=home_id,
                name=name,
                contract_type=contract,
                block_owner_id=owner,
                # Block rooms in the answer are only those of the viewer's owners.
                block_owner_name=s.owners.get(owner) if owner is not None else None,
                accepts_la_rate=la_rate,
                accepts_top_up=top_up,
                features=features,
                free_from=free_from,
            )
        )
    return by_home


def _page(s: _Search) -> ResultPage:
    candidates = _candidates(s)
    page = candidates[s.offset : s.offset + s.limit]
    ids = [c[2] for c in page]
    homes = {
        row[0]: SearchHome(*row)
        for row in CareHome.objects.filter(pk__in=ids).values_list(*HOME_COLUMNS)
    }
    rooms = _rooms_of(s, ids)
    return ResultPage(
        total=len(candidates),
        total_beds=sum(c[3] for c in candidates),
        results=[
            HomeResult(
                home=homes[home_id],
                available_beds=beds,
                distance_km=round(distance, 1) if distance is not None else None,
                freshness=vacancy_freshness(
                    updated_at=homes[home_id].vacancies_updated_at, now=s.now
                ),
                rooms=rooms[home_id],
            )
            for distance, _, home_id, beds in page
        ],
    )


def _prepare(
    *, viewer: Any, query: VacancyQuery, now: dt.datetime, offset: int, limit: int
) -> tuple[_Search, Scope, tuple[Any, ...]]:
    """The search to run, the homes it covers, and everything its answer depends on besides
    those homes' data (which their stamps stand for)."""
    today = timezone.localdate(now)
    errors = _validate(query, today)
    if errors:
        raise ValidationFailed(errors)
    location, district = _place(query)
    scope, rooms_in_scope = _scope(location, district, query.radius_km)
    s = _Search(
        query=query,
        day=query.available_from or today,
        location=location,
        district=district,
        rooms_in_scope=rooms_in_scope,
        owners=block_owners_visible_to(viewer),
        shows_rooms=bool(viewer.has_perm("carehomes.see_rooms_in_search")),
        offset=max(0, offset),
        limit=max(1, min(limit, MAX_PAGE_SIZE)),
        now=now,
    )
    # The day in London matters twice: availability and how old each home's data is.
    asked = (
        today,
        s.day,
        district.pk if district else None,
        (location.lat, location.lng) if location else None,
        query.radius_km,
        query.care_type,
        query.nursing,
        query.contract_type,
        query.accepts_la_rate,
        query.accepts_top_up,
        RoomFeature.mask(query.features),
        s.offset,
        s.limit,
        s.shows_rooms,
        sorted(s.owners.items()),
    )
    return s, scope, asked


def _results(s: _Search, found: ResultPage) -> VacancyResults:
    return VacancyResults(
        available_from=s.day,
        location=s.location,
        district=s.district,
        total=found.total,
        total_beds=found.total_beds,
        results=found.results,
        shows_rooms=s.shows_rooms,
        offset=s.offset,
        limit=s.limit,
    )


def vacancy_search(
    *,
    viewer: Any,
    query: VacancyQuery,
    now: dt.datetime,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> VacancyResults:
    s, scope, asked = _prepare(viewer=viewer, query=query, now=now, offset=offset, limit=limit)
    return _results(s, answer_cached(scope=scope, asked=asked, compute=lambda: _page(s)))


def vacancy_search_rendered(
    *,
    viewer: Any,
    query: VacancyQuery,
    now: dt.datetime,
    render: Callable[[VacancyResults], bytes],
    render_format: str,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> bytes:
    """The answer as `render` encodes it (the API's JSON body), cached as those bytes.

    The busiest endpoint's cache hit then neither unpickles the answer nor encodes it again
    (issue 13). The key adds to the answer's what a rendering shows of the request beyond
    it (the postcode as written back, how exact its position is) and `render_format`, which
    the caller changes whenever `render`'s output changes, so no deploy reads old bodies.
    """
    s, scope, asked = _prepare(viewer=viewer, query=query, now=now, offset=offset, limit=limit)
    location = s.location
    shown = (location.postcode, location.outward_code, location.exact) if location else None
    return answer_cached(
        scope=scope,
        asked=(*asked, render_format, shown),
        compute=lambda: render(_results(s, _page(s))),
    )
