"""Every role × contract type (Block, IRN, Spot) × action (search, request, accept, end).

The Block room belongs to the council, whose partner is the ICB (the health searcher's
organisation); the other NHS trust is not a partner. Actions go through the real selectors and
services, so the table states what the service does, not just what a rule says.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from caremarket.carehomes import services
from caremarket.carehomes.models import BookingStatus, Funding
from caremarket.carehomes.selectors.search import VacancyQuery, vacancy_rooms
from caremarket.carehomes.tests.helpers import submit
from caremarket.common.errors import NotPermitted

ROLES = [
    "anonymous",
    "council_admin",
    "broker",
    "contract_manager",
    "health_searcher",
    "other_health_searcher",
    "care_home_admin",
    "care_home_user",
    "other_care_home_admin",
    "home_care_admin",
]
ALL = {"block", "irn", "spot"}
NOT_BLOCK = {"irn", "spot"}
NONE: set[str] = set()

# role -> the contract types for which the action succeeds
SEARCH = {
    "anonymous": NOT_BLOCK,
    "council_admin": ALL,
    "broker": ALL,
    "contract_manager": ALL,
    "health_searcher": ALL,
    "other_health_searcher": NOT_BLOCK,
    "care_home_admin": NOT_BLOCK,
    "care_home_user": NOT_BLOCK,
    "other_care_home_admin": NOT_BLOCK,
    "home_care_admin": NOT_BLOCK,
}
REQUEST = {
    "anonymous": NONE,
    "council_admin": ALL,
    "broker": ALL,
    "contract_manager": NONE,
    "health_searcher": ALL,
    "other_health_searcher": NOT_BLOCK,
    "care_home_admin": NOT_BLOCK,
    "care_home_user": NOT_BLOCK,
    "other_care_home_admin": NONE,
    "home_care_admin": NONE,
}
HOME_STAFF_ONLY = {
    role: ALL if role in ("care_home_admin", "care_home_user") else NONE for role in ROLES
}
ACCEPT = HOME_STAFF_ONLY
END = HOME_STAFF_ONLY

CASES = [(role, contract) for role in ROLES for contract in ("block", "irn", "spot")]


def actor_for(world, role):
    return AnonymousUser() if role == "anonymous" else getattr(world, role)


def funding_for(actor):
    if actor.is_provider:
        return Funding.SELF_FUNDER
    return Funding.NHS if actor.organisation.kind == "nhs" else Funding.LOCAL_AUTHORITY


@pytest.mark.parametrize(("role", "contract"), CASES)
def test_search_finds_a_vacant_room_only_for_those_allowed(world, estate, role, contract):
    room = getattr(estate, contract)
    found = (
        vacancy_rooms(viewer=actor_for(world, role), query=VacancyQuery(), day=estate.today)
        .filter(pk=room.pk)
        .exists()
    )
    assert found == (contract in SEARCH[role])


@pytest.mark.parametrize(("role", "contract"), CASES)
def test_only_those_allowed_can_request_a_room(world, estate, role, contract):
    room = getattr(estate, contract)
    actor = actor_for(world, role)
    allowed = contract in REQUEST[role]
    if role == "anonymous":
        assert not actor.has_perm("carehomes.request_room", room)
        assert not allowed
        return
    if allowed:
        booking = submit(actor, room, estate.now, funding=funding_for(actor))
        assert booking.room_id == room.pk
    else:
        with pytest.raises(NotPermitted):
            submit(actor, room, estate.now, funding=funding_for(actor))


def _request(world, estate, contract):
    return submit(world.broker, getattr(estate, contract), estate.now)


@pytest.mark.parametrize(("role", "contract"), CASES)
def test_only_the_homes_staff_can_accept_a_request(world, estate, role, contract):
    booking = _request(world, estate, contract)
    actor = actor_for(world, role)
    if role == "anonymous":
        assert not actor.has_perm("carehomes.answer_request", booking)
        return
    if contract in ACCEPT[role]:
        services.booking_request_accept(actor=actor, booking=booking, now=estate.now)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.ACCEPTED
    else:
        with pytest.raises(NotPermitted):
            services.booking_request_accept(actor=actor, booking=booking, now=estate.now)


@pytest.mark.parametrize(("role", "contract"), CASES)
def test_only_the_homes_staff_can_end_a_booking(world, estate, role, contract):
    booking = _request(world, estate, contract)
    services.booking_request_accept(actor=world.care_home_admin, booking=booking, now=estate.now)
    actor = actor_for(world, role)
    if role == "anonymous":
        assert not actor.has_perm("carehomes.end_booking", booking)
        return
    if contract in END[role]:
        services.booking_end(actor=actor, booking=booking, now=estate.now)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.ENDED
    else:
        with pytest.raises(NotPermitted):
            services.booking_end(actor=actor, booking=booking, now=estate.now)


def test_a_block_room_owned_by_an_nhs_body_is_found_by_it_but_not_by_the_council(world, estate):
    def finds(user):
        return vacancy_rooms(viewer=user, query=VacancyQuery(), day=estate.today).filter(
            pk=estate.nhs_block.pk
        )

    assert finds(world.other_health_searcher).exists()
    assert not finds(world.broker).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_homes_own_staff_record_bookings_where_others_request(world, estate, role):
    works_there = role in ("care_home_admin", "care_home_user")
    assert actor_for(world, role).has_perm("carehomes.record_booking", estate.home) is works_there
