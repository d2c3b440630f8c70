"""The market figures count a room freed during a home's closure as closed (issue 16 item 5)."""

import datetime as dt

from caremarket.carehomes import services
from caremarket.carehomes.models import SuspensionReason
from caremarket.carehomes.tests.conftest import estate, now  # noqa: F401  (fixtures)
from caremarket.carehomes.tests.helpers import submit
from caremarket.insight.selectors.care_homes import beds_on, room_histories

DAY = dt.timedelta(days=1)


def test_a_room_freed_during_the_closure_counts_as_suspended_not_vacant(world, estate):  # noqa: F811
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    services.care_home_suspend(
        actor=None,
        home=estate.home,
        starts_on=estate.today,
        ends_on=estate.today + 14 * DAY,
        reason=SuspensionReason.INFECTION_CONTROL,
        now=estate.now,
    )
    services.booking_end(
        actor=world.care_home_user, booking=booking, ends_on=estate.today + 2 * DAY, now=estate.now
    )
    day, after = estate.today + 5 * DAY, estate.today + 14 * DAY
    during_beds, after_beds = beds_on(histories=room_histories(until=after), days=[day, after])
    willow = during_beds.by_district[estate.home.district_id]
    assert (willow.suspended, willow.occupied, willow.vacant + willow.reserved) == (4, 0, 0)
    # Birch Lodge is open: its room stays vacant.
    assert during_beds.total.vacant + during_beds.total.reserved == 1
    reopened = after_beds.by_district[estate.home.district_id]
    assert reopened.suspended == 0 and reopened.vacancies == 4
