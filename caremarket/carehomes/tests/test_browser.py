"""From search to booking and back, in headless Chromium, as the health searcher and the home."""

import pytest

from caremarket.carehomes.models import Booking, BookingStatus
from caremarket.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search(page, live_server, room):
    page.goto(f"{live_server.url}/care-homes/search/")
    page.fill("#id_postcode", "CM1 1AA")
    with page.expect_navigation():
        page.click("[data-testid=search-form] [type=submit]")
    return page.locator(f"[data-testid=room][data-room='{room.pk}']")


def test_a_health_searcher_books_a_room_the_home_accepts_and_later_ends(
    browser, page, live_server, world, estate
):
    # The health searcher finds the Spot room and sends a request for it.
    sign_in(page, live_server, "searcher@icb.test")
    row = search(page, live_server, estate.spot)
    assert row.count() == 1
    with page.expect_navigation():
        row.get_by_role("link", name="Request").click()
    page.fill("#id_person_reference", "NHS-4857773456")
    page.check("input[name=funding][value=nhs]")
    with page.expect_navigation():
        page.click("main form [type=submit]")
    assert "Awaiting answer" in page.locator("h1").inner_text()
    booking = Booking.objects.get()

    # The home's member of staff accepts it from the booking requests page.
    home = browser.new_context().new_page()
    sign_in(home, live_server, "staff@willow.test")
    home.goto(f"{live_server.url}/care-homes/requests/")
    with home.expect_navigation():
        home.get_by_role("link", name="Room 3, Willow House").click()
    with home.expect_navigation():
        home.click("[data-testid=accept-form] [type=submit]")
    assert "Booked" in home.locator("h1").inner_text()
    assert Booking.objects.get().status == BookingStatus.ACCEPTED

    # The room is no longer offered to searchers.
    assert search(page, live_server, estate.spot).count() == 0
    assert search(page, live_server, estate.irn).count() == 1

    # The placement finishes: the home ends the booking and the room comes back.
    home.goto(f"{live_server.url}/care-homes/bookings/{booking.pk}/")
    home.fill("#id_end-note", "Returned home")
    with home.expect_navigation():
        home.click("[data-testid=end-form] [type=submit]")
    assert "Ended" in home.locator("h1").inner_text()
    assert search(page, live_server, estate.spot).count() == 1
    home.context.close()


def test_the_map_view_draws_the_homes_and_keeps_the_list(page, live_server, world, estate):
    page.goto(f"{live_server.url}/care-homes/search/?postcode=CM1+1AA&radius_km=50&view=map")
    assert page.locator("svg.cm-map circle").count() == 2
    assert page.locator("[data-testid=result]").count() == 2
