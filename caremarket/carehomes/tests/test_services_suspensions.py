import datetime as dt

import pytest

from caremarket.carehomes import services
from caremarket.carehomes.models import Room, Suspension, SuspensionReason
from caremarket.carehomes.tests.helpers import submit
from caremarket.common.errors import Conflict, NotPermitted, ValidationFailed

DAY = dt.timedelta(days=1)


def suspend(estate, room, actor=None, **extra):
    data = {"starts_on": estate.today, "reason": SuspensionReason.DECORATION, "now": estate.now}
    data.update(extra)
    return services.room_suspend(actor=actor, room=room, **data)


def test_a_suspension_over_a_booking_is_refused_with_the_reason(world, estate):
    submit(world.broker, estate.spot, estate.now, starts_on=estate.today + 3 * DAY)
    with pytest.raises(Conflict) as exc:
        suspend(estate, estate.spot, ends_on=estate.today + 5 * DAY)
    assert exc.value.code == "room_requested"


def test_a_suspension_before_a_later_booking_is_allowed(world, estate):
    submit(world.broker, estate.spot, estate.now, starts_on=estate.today + 10 * DAY)
    suspension = suspend(estate, estate.spot, ends_on=estate.today + 10 * DAY)
    assert suspension.pk


def test_a_suspension_needs_a_note_when_the_reason_is_other(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        suspend(estate, estate.spot, reason=SuspensionReason.OTHER)
    assert "note" in exc.value.errors


def test_a_suspension_cannot_start_in_the_past(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        suspend(estate, estate.spot, starts_on=estate.today - DAY)
    assert "starts_on" in exc.value.errors


def test_provider_users_cannot_suspend_rooms(world, estate):
    with pytest.raises(NotPermitted):
        suspend(estate, estate.spot, actor=world.care_home_user)


def test_lifting_a_suspension_makes_the_room_available_from_today(world, estate):
    suspension = suspend(estate, estate.spot, actor=world.care_home_admin)
    assert Room.objects.get(pk=estate.spot.pk).free_from is None
    services.suspension_lift(actor=world.care_home_admin, suspension=suspension, now=estate.now)
    suspension.refresh_from_db()
    assert suspension.ends_on == estate.today and suspension.lifted_by == world.care_home_admin
    assert Room.objects.get(pk=estate.spot.pk).free_from == estate.today


def test_lifting_twice_is_refused(world, estate):
    suspension = suspend(estate, estate.spot, ends_on=estate.today + 5 * DAY)
    services.suspension_lift(actor=None, suspension=suspension, now=estate.now)
    with pytest.raises(Conflict, match="already ended"):
        services.suspension_lift(actor=None, suspension=suspension, now=estate.now)


def test_suspending_a_home_suspends_its_unoccupied_rooms_only(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    result = services.care_home_suspend(
        actor=world.care_home_admin,
        home=estate.home,
        starts_on=estate.today,
        reason=SuspensionReason.INFECTION_CONTROL,
        now=estate.now,
    )
    assert {r.pk for r in result.suspended} == {estate.block.pk, estate.irn.pk, estate.nhs_block.pk}
    assert [r.pk for r in result.skipped] == [estate.spot.pk]
    assert not Suspension.objects.filter(room=estate.other_spot).exists()


def test_reopening_a_home_lifts_the_suspensions_it_made(world, estate):
    suspend(estate, estate.irn, ends_on=estate.today + 30 * DAY)  # the room's own, stays
    result = services.care_home_suspend(
        actor=None,
        home=estate.home,
        starts_on=estate.today + 40 * DAY,
        reason=SuspensionReason.HOME_CLOSED,
        now=estate.now,
    )
    services.home_suspension_lift(
        actor=None, home_suspension=result.home_suspension, now=estate.now
    )
    lifted = Suspension.objects.filter(home_suspension=result.home_suspension)
    assert lifted.count() == 4
    assert all(s.ends_on == s.starts_on for s in lifted)  # never started, so never held
    assert Suspension.objects.get(room=estate.irn, home_suspension=None).ends_on == (
        estate.today + 30 * DAY
    )
