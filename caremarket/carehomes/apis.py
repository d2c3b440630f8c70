"""Vacancy search (public), booking requests and bookings, room timelines."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from caremarket.accounts.auth import optional_auth
from caremarket.accounts.selectors import current_user
from caremarket.carehomes import services
from caremarket.carehomes.models import Booking, Room
from caremarket.carehomes.selectors.bookings import booking_get
from caremarket.carehomes.selectors.search import (
    DEFAULT_RADIUS_KM,
    PAGE_SIZE,
    HomeResult,
    SearchRoom,
    VacancyQuery,
    VacancyResults,
    vacancy_search_rendered,
)
from caremarket.carehomes.selectors.timeline import room_timeline
from caremarket.common.pagination import page_bounds

router = Router(tags=["Care homes"])
# A repeatable query parameter: ?features=en_suite&features=ground_floor
FEATURES = Query(None, description="Room features, all required")


class RoomOut(Schema):
    id: int
    name: str
    contract_type: str
    block_owner: str | None = Field(None, description="Block rooms: who purchased the room")
    accepts_la_rate: bool
    accepts_top_up: bool
    features: list[str]
    available_from: dt.date | None


class HomeVacancyOut(Schema):
    id: int
    name: str
    address: str
    postcode: str
    district: str | None
    distance_km: float | None = Field(None, description="Straight line from the postcode")
    available_beds: int
    care_types: list[str]
    provides_nursing: bool
    provides_residential: bool
    cqc_overall_rating: str
    cqc_rating_published_on: dt.date | None
    phone: str
    website: str
    vacancies_updated_at: dt.datetime
    data_age_days: int = Field(..., description="Days since the home last updated its vacancies")
    data_stale: bool
    rooms: list[RoomOut] | None = Field(
        None, description="Council and NHS users only; the public sees counts"
    )


class SearchLocationOut(Schema):
    postcode: str | None
    outward_code: str
    exact: bool
    precision_note: str


class VacanciesOut(Schema):
    count: int = Field(..., description="Homes with at least one matching available bed")
    total_beds: int
    available_from: dt.date
    location: SearchLocationOut | None
    offset: int
    limit: int
    results: list[HomeVacancyOut]


class BookingIn(Schema):
    room_id: int
    starts_on: dt.date
    ends_on: dt.date | None = Field(None, description="Short stays only; exclusive")
    person_reference: str = Field(..., description="Case or NHS reference, never a name")
    funding: str = Field(..., description="local_authority, nhs, self_funder or top_up")
    notes: str = ""


class BookingOut(Schema):
    id: int
    room_id: int
    home_id: int = Field(alias="room.home_id")
    home_name: str = Field(alias="room.home.name")
    room_name: str = Field(alias="room.name")
    status: str
    starts_on: dt.date
    ends_on: dt.date | None
    person_reference: str
    funding: str
    notes: str
    requester_organisation: str = Field(alias="requester_organisation.name")
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    rejection_stage: str
    rejection_reason: str
    rejection_note: str
    cancelled_at: dt.datetime | None
    ended_at: dt.datetime | None


class RejectIn(Schema):
    stage: str = Field(..., description="before_assessment or after_assessment")
    reason: str
    note: str = ""


class BookingEndIn(Schema):
    ends_on: dt.date | None = Field(None, description="The day the room is free; default today")
    note: str = ""


class EventOut(Schema):
    at: dt.datetime
    what: str
    who: str


class TimelineEntryOut(Schema):
    kind: str
    id: int
    status: str
    label: str
    starts_on: dt.date
    ends_on: dt.date | None
    holds_room: bool
    detail: str
    events: list[EventOut]


class TimelineOut(Schema):
    room_id: int
    room_name: str
    home_id: int
    available_from: dt.date | None
    entries: list[TimelineEntryOut]


def _available_from(free_from: dt.date | None, today: dt.date) -> dt.date | None:
    return max(free_from, today) if free_from else None


def _room_out(room: SearchRoom, today: dt.date) -> dict[str, Any]:
    return {
        "id": room.pk,
        "name": room.name,
        "contract_type": room.contract_type,
        "block_owner": room.block_owner_name,
        "accepts_la_rate": room.accepts_la_rate,
        "accepts_top_up": room.accepts_top_up,
        "features": room.feature_codes,
        "available_from": _available_from(room.free_from, today),
    }


def _home_out(result: HomeResult, *, rooms: bool, today: dt.date) -> dict[str, Any]:
    home = result.home
    return {
        "id": home.pk,
        "name": home.name,
        "address": home.address,
        "postcode": home.postcode,
        "district": home.district_name,
        "distance_km": result.distance_km,
        "available_beds": result.available_beds,
        "care_types": home.care_type_codes,
        "provides_nursing": home.provides_nursing,
        "provides_residential": home.provides_residential,
        "cqc_overall_rating": home.cqc_overall_rating,
        "cqc_rating_published_on": home.cqc_rating_published_on,
        "phone": home.phone,
        "website": home.website,
        "vacancies_updated_at": home.vacancies_updated_at,
        "data_age_days": result.freshness.days,
        "data_stale": result.freshness.stale,
        "rooms": [_room_out(r, today) for r in result.rooms] if rooms else None,
    }


# Cached answers are stored as this body (decision 17): change the number whenever
# `_vacancies_body` or what it calls changes its output, so no deploy serves the old shape.
VACANCIES_BODY_FORMAT = "vacancies-v1"


def _vacancies_body(found: VacancyResults) -> bytes:
    # The busiest endpoint is serialised directly rather than validated against VacanciesOut a
    # second time (a third of its time); the tests check its body against VacanciesOut.
    location = found.location
    body = {
        "count": found.total,
        "total_beds": found.total_beds,
        "available_from": found.available_from,
        "location": {
            "postcode": location.postcode,
            "outward_code": location.outward_code,
            "exact": location.exact,
            "precision_note": location.precision_note,
        }
        if location
        else None,
        "offset": found.offset,
        "limit": found.limit,
        "results": [
            _home_out(r, rooms=found.shows_rooms, today=found.available_from) for r in found.results
        ],
    }
    return json.dumps(body, cls=DjangoJSONEncoder).encode()


@router.get(
    "/vacancies",
    response=VacanciesOut,
    auth=optional_auth,
    summary="Care homes with available beds, nearest first",
    description=(
        "Open to everyone. Without credentials, the public view: homes and counts of"
        " available beds. Council and NHS users also see the rooms, including the Block"
        " rooms of their organisation and its partners."
    ),
)
def vacancies(
    request: HttpRequest,
    postcode: str = "",
    radius_km: float = DEFAULT_RADIUS_KM,
    district: str = Query("", description="ONS district code, e.g. E07000070"),
    care_type: str = "",
    nursing: bool | None = Query(None, description="true: nursing beds; false: residential"),
    contract_type: str = Query("", description="block, irn or spot"),
    available_from: dt.date | None = None,
    accepts_la_rate: bool = False,
    accepts_top_up: bool = False,
    features: list[str] | None = FEATURES,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> HttpResponse:
    body = vacancy_search_rendered(
        viewer=request.user,
        query=VacancyQuery(
            postcode=postcode,
            radius_km=radius_km,
            district=district,
            care_type=care_type,
            nursing=nursing,
            contract_type=contract_type,
            available_from=available_from,
            accepts_la_rate=accepts_la_rate,
            accepts_top_up=accepts_top_up,
            features=tuple(features or ()),
        ),
        now=timezone.now(),
        offset=page_bounds(limit=limit, offset=offset)[1],
        limit=limit,
        render=_vacancies_body,
        render_format=VACANCIES_BODY_FORMAT,
    )
    return HttpResponse(body, content_type="application/json")


def _visible_booking(request: HttpRequest, booking_id: int) -> Booking:
    booking = booking_get(pk=booking_id)
    if booking is None or not request.user.has_perm("carehomes.view_booking", booking):
        raise Http404
    return booking


@router.get("/booking-requests/{booking_id}", response=BookingOut, summary="One booking request")
def booking_detail(request: HttpRequest, booking_id: int) -> Booking:
    return _visible_booking(request, booking_id)


@router.post(
    "/booking-requests",
    response={201: BookingOut},
    summary="Request a room (a provider's own entry is booked at once)",
    description="A room that is not available answers 409 with the reason.",
)
def booking_request_submit(request: HttpRequest, payload: BookingIn) -> Status:
    user = current_user(request)
    room = Room.objects.select_related("home", "block_owner").filter(pk=payload.room_id).first()
    if room is None or not (
        user.has_perm("carehomes.find_room", room)
        or user.has_perm("carehomes.view_home_admin", room)
    ):
        raise Http404
    booking = services.booking_request_submit(
        actor=user, room=room, now=timezone.now(), **payload.dict(exclude={"room_id"})
    )
    return Status(201, booking)


@router.post("/booking-requests/{booking_id}/accept", response=BookingOut, summary="Accept")
def booking_request_accept(request: HttpRequest, booking_id: int) -> Booking:
    booking = _visible_booking(request, booking_id)
    return services.booking_request_accept(
        actor=current_user(request), booking=booking, now=timezone.now()
    )


@router.post("/booking-requests/{booking_id}/reject", response=BookingOut, summary="Reject")
def booking_request_reject(request: HttpRequest, booking_id: int, payload: RejectIn) -> Booking:
    booking = _visible_booking(request, booking_id)
    return services.booking_request_reject(
        actor=current_user(request), booking=booking, now=timezone.now(), **payload.dict()
    )


@router.post(
    "/booking-requests/{booking_id}/cancel", response=BookingOut, summary="Cancel (requester)"
)
def booking_request_cancel(request: HttpRequest, booking_id: int) -> Booking:
    booking = _visible_booking(request, booking_id)
    return services.booking_request_cancel(
        actor=current_user(request), booking=booking, now=timezone.now()
    )


@router.post("/bookings/{booking_id}/end", response=BookingOut, summary="End a booking")
def booking_end(request: HttpRequest, booking_id: int, payload: BookingEndIn) -> Booking:
    booking = _visible_booking(request, booking_id)
    return services.booking_end(
        actor=current_user(request), booking=booking, now=timezone.now(), **payload.dict()
    )


@router.get(
    "/rooms/{room_id}/timeline",
    response=TimelineOut,
    summary="Every booking, request and suspension of a room, who did what and when",
)
def room_timeline_get(request: HttpRequest, room_id: int) -> dict[str, Any]:
    room = Room.objects.select_related("home").filter(pk=room_id).first()
    if room is None or not request.user.has_perm("carehomes.view_timeline", room):
        raise Http404
    return {
        "room_id": room.pk,
        "room_name": room.name,
        "home_id": room.home_id,
        "available_from": _available_from(room.free_from, timezone.localdate()),
        "entries": room_timeline(room=room),
    }
