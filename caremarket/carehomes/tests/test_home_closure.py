"""A home closed to admissions takes no bookings, even into a room freed during the closure."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from caremarket.carehomes import services
from caremarket.carehomes.models import Booking, BookingStatus, SuspensionReason
from caremarket.carehomes.selectors.rooms import SUSPENDED, room_list_for_home, room_state
from caremarket.carehomes.tests.helpers import submit
from caremarket.carehomes.tests.test_selectors_search_cache import room_ids, search
from caremarket.common.errors import Conflict

DAY = dt.timedelta(days=1)


def close(estate, **extra):
    data = {
        "starts_on": estate.today,
        "ends_on": estate.today + 14 * DAY,
        "reason": SuspensionReason.INFECTION_CONTROL,
        "now": estate.now,
    }
    data.update(extra)
    return services.care_home_suspend(actor=None, home=estate.home, **data).home_suspension


@pytest.fixture
def occupied_then_closed(world, estate):
    """The spot room is occupied when the home closes; its booking then ends during the closure."""
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    closure = close(estate)
    services.booking_end(
        actor=world.care_home_user, booking=booking, ends_on=estate.today + 2 * DAY, now=estate.now
    )
    estate.spot.refresh_from_db()
    return closure


def test_a_room_freed_during_the_closure_is_not_found(world, estate, occupied_then_closed):
    assert estate.spot.pk not in room_ids(search(estate, world.broker))
    assert estate.spot.pk not in room_ids(
        search(estate, world.broker, available_from=estate.today + 5 * DAY)
    )
    assert estate.spot.free_from == estate.today + 14 * DAY
    # Once the closure is over the room is found for dates after it.
    assert estate.spot.pk in room_ids(
        search(estate, world.broker, available_from=estate.today + 14 * DAY)
    )


def test_a_room_freed_during_the_closure_takes_no_request(world, estate, occupied_then_closed):
    with pytest.raises(Conflict) as exc:
        submit(world.broker, estate.spot, estate.now, starts_on=estate.today + 3 * DAY)
    assert exc.value.code == "home_closed"
    assert "closed to admissions" in exc.value.message


def test_the_database_refuses_a_booking_that_gets_round_the_services(
    world, estate, occupied_then_closed
):
    booking = Booking.objects.filter(room=estate.spot).first()
    with pytest.raises(IntegrityError, match="home_closed"), transaction.atomic():
        Booking.objects.create(
            room=estate.spot,
            status=BookingStatus.ACCEPTED,
            starts_on=estate.today + 4 * DAY,
            person_reference="CASE-2002",
            funding=booking.funding,
            requested_by=booking.requested_by,
            requester_organisation=booking.requester_organisation,
            requested_at=estate.now,
        )


def test_a_request_made_before_the_closure_cannot_be_accepted_during_it(world, estate):
    pending = submit(world.broker, estate.spot, estate.now, starts_on=estate.today + 3 * DAY)
    close(estate)
    with pytest.raises(Conflict) as exc:
        services.booking_request_accept(actor=world.care_home_user, booking=pending, now=estate.now)
    assert exc.value.code == "home_closed"
    pending.refresh_from_db()
    assert pending.status == BookingStatus.REQUESTED


def test_reopening_the_home_frees_the_room_at_once(world, estate, occupied_then_closed):
    services.home_suspension_lift(actor=None, home_suspension=occupied_then_closed, now=estate.now)
    estate.spot.refresh_from_db()
    assert estate.spot.free_from == estate.today + 2 * DAY
    assert submit(world.broker, estate.spot, estate.now, starts_on=estate.today + 3 * DAY).pk


def test_a_room_freed_during_the_closure_counts_as_closed(world, estate, occupied_then_closed):
    states = {
        r.pk: room_state(r)
        for r in room_list_for_home(home=estate.home, day=estate.today + 5 * DAY)
    }
    assert states[estate.spot.pk] == SUSPENDED


def test_the_capacity_tracker_counts_a_room_freed_during_the_closure_as_closed(
    world, estate, occupied_then_closed
):
    from caremarket.carehomes.models import CareHome
    from caremarket.carehomes.selectors.capacity import capacity_rows

    homes = CareHome.objects.filter(pk=estate.home.pk)
    (during,) = capacity_rows(homes=homes, day=estate.today + 5 * DAY)
    # Room 3's booking ended on day 2; the three rooms free at the closure were suspended.
    assert (during.total, during.closed, during.occupied, during.vacant_accepting) == (4, 4, 0, 0)
    (after,) = capacity_rows(homes=homes, day=estate.today + 14 * DAY)
    assert after.closed == 0 and after.vacant_accepting + after.vacant_reserved == 4


@pytest.mark.parametrize("ends", [True, False])
def test_the_public_page_and_the_providers_pages_say_until_when(world, estate, ends):
    closure = close(estate, ends_on=estate.today + 14 * DAY if ends else None)
    until = (
        f"Closed to admissions until {closure.ends_on:%-d %B %Y}"
        if ends
        else "Closed to admissions until further notice"
    )
    public = world.client_for(None).get(f"/care-homes/{estate.home.pk}/").content.decode()
    assert until in public
    provider = world.client_for(world.care_home_admin)
    assert until in provider.get(f"/care-homes/{estate.home.pk}/rooms/").content.decode()
    assert until in provider.get("/care-homes/manage/").content.decode()


def test_an_open_home_says_nothing_of_closure(world, estate):
    public = world.client_for(None).get(f"/care-homes/{estate.home.pk}/").content.decode()
    assert "Closed to admissions" not in public
