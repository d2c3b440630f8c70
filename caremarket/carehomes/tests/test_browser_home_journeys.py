"""A care home's journeys in the pages: answering a request, ending a booking, suspending a
room, closing the home, and recording the residents already living there."""

import datetime as dt

import pytest

from caremarket.carehomes.models import Booking, BookingStatus, HomeSuspension, Suspension
from caremarket.conftest import fill_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search(journey, tab):
    tab.goto(journey.url("/care-homes/search/"))
    tab.get_by_label("Postcode", exact=True).fill("CM1 1AA")
    # Counting results does not wait, so wait here for the page of results itself.
    with tab.expect_navigation():
        tab.get_by_role("button", name="Search").click()
    return tab


def rooms_page(journey, tab, home):
    tab.goto(journey.url("/care-homes/manage/"))
    with tab.expect_navigation():
        tab.get_by_role("link", name=home.name).click()
    return tab


def room_row(tab, room):
    return tab.get_by_test_id("room-table").locator(f"tr[data-room='{room.pk}']")


def test_a_home_rejects_a_request_after_assessment_then_records_and_ends_a_booking(
    journey, world, estate
):
    searcher = journey.person(world.health_searcher.email)
    search(journey, searcher)
    searcher.locator(f"[data-testid=room][data-room='{estate.spot.pk}']").get_by_role(
        "link", name="Request"
    ).click()
    searcher.get_by_label("The person's case or NHS reference").fill("NHS-4857773456")
    searcher.get_by_label("NHS", exact=True).check()
    searcher.get_by_role("button", name="Send booking request").click()
    assert "Awaiting answer" in searcher.locator("h1").inner_text()

    # The home assesses the person and cannot meet their needs.
    home = journey.person(world.care_home_user.email)
    home.goto(journey.url("/care-homes/requests/"))
    with home.expect_navigation():
        home.get_by_role("link", name="Room 3, Willow House").click()
    journey.seen(home, "a request to answer")
    reject = home.get_by_test_id("reject-form")
    assert "govuk-button--warning" in reject.get_by_role("button").get_attribute("class")
    reject.get_by_role("button", name="Reject request").click()
    summary = home.locator(".govuk-error-summary")
    assert summary.is_visible()
    journey.seen(home, "rejecting with nothing chosen")
    # The summary's first link takes the person to the first option of the radio group.
    summary.get_by_role("link").first.click()
    focused_id = home.evaluate("document.activeElement.id")
    assert focused_id and home.locator(f"#{focused_id}").get_attribute("type") == "radio"
    reject = home.get_by_test_id("reject-form")
    reject.get_by_label("After assessing the person").check()
    reject.get_by_label("Reason").select_option(label="Risk to the person or to other residents")
    reject.get_by_label("Note").fill("Needs one-to-one care at night")
    reject.get_by_role("button", name="Reject request").click()
    assert "The request is rejected" in home.locator(".govuk-notification-banner").inner_text()
    assert "Rejected" in home.locator("h1").inner_text()
    assert "After assessing the person: Risk to the person" in home.locator("main").inner_text()
    journey.seen(home, "a rejected request")

    # The searcher sees the answer, and the room is offered again.
    searcher.reload()
    assert "Rejected" in searcher.locator("h1").inner_text()
    search(journey, searcher)
    assert searcher.locator(f"[data-testid=room][data-room='{estate.spot.pk}']").count() == 1

    # A self-funder moves into Room 3: the home records the booking itself.
    rooms_page(journey, home, estate.home)
    with home.expect_navigation():
        room_row(home, estate.spot).get_by_role("link", name="Record a booking Room 3").click()
    assert "Record a booking in Room 3" in home.title()
    home.get_by_label("The person's case or NHS reference").fill("AS-77120")
    home.get_by_label("Self-funder").check()
    home.get_by_role("button", name="Record the booking").click()
    assert "Room 3 is booked" in home.locator(".govuk-notification-banner").inner_text()
    journey.seen(home, "a booking the home recorded")
    booking = Booking.objects.get(person_reference="AS-77120")
    assert booking.status == BookingStatus.ACCEPTED

    # Later the placement finishes; a day before it began is refused, and says where.
    end = home.get_by_test_id("end-form")
    yesterday = estate.today - dt.timedelta(days=1)
    fill_date(end, "The day the room is free again", yesterday.isoformat())
    end.get_by_role("button", name="End booking").click()
    assert home.locator(".govuk-error-summary").is_visible()
    journey.seen(home, "ending a booking on a wrong day")
    end = home.get_by_test_id("end-form")
    fill_date(end, "The day the room is free again", estate.today.isoformat())
    end.get_by_label("Note").fill("Moved to live with family")
    end.get_by_role("button", name="End booking").click()
    assert "The booking has ended" in home.locator(".govuk-notification-banner").inner_text()
    assert "Ended" in home.locator("h1").inner_text()
    journey.seen(home, "an ended booking")
    search(journey, searcher)
    assert searcher.locator(f"[data-testid=room][data-room='{estate.spot.pk}']").count() == 1
    journey.assert_accessible()


def in_section(tab, heading):
    """The column of the page under ``heading``, where one form of several is."""
    return tab.locator(".govuk-grid-column-one-half, .govuk-grid-column-two-thirds").filter(
        has=tab.get_by_role("heading", name=heading, exact=True)
    )


def test_a_home_suspends_a_room_then_closes_the_whole_home_and_reopens_it(journey, world, estate):
    manager = journey.person(world.care_home_admin.email)
    rooms_page(journey, manager, estate.home)
    with manager.expect_navigation():
        room_row(manager, estate.spot).get_by_role("link", name="Edit or suspend Room 3").click()
    journey.seen(manager, "a room to edit or suspend")
    suspend = in_section(manager, "Suspend Room 3")
    suspend.get_by_role("button", name="Suspend", exact=True).click()
    summary = manager.locator(".govuk-error-summary")
    assert "Enter the date the suspension starts" in summary.inner_text()
    journey.seen(manager, "suspending a room with nothing entered")
    suspend = in_section(manager, "Suspend Room 3")
    fill_date(suspend, "From", estate.today.isoformat())
    suspend.get_by_label("Decoration or repair").check()
    suspend.get_by_label("Note").fill("New flooring")
    suspend.get_by_role("button", name="Suspend", exact=True).click()
    assert "Room 3 has been suspended" in manager.locator(".govuk-notification-banner").inner_text()
    assert "Suspended" in room_row(manager, estate.spot).inner_text()
    journey.seen(manager, "rooms with one suspended")
    assert Suspension.objects.filter(room=estate.spot, home_suspension=None).count() == 1

    searcher = journey.person(world.health_searcher.email)
    search(journey, searcher)
    assert searcher.locator(f"[data-testid=room][data-room='{estate.spot.pk}']").count() == 0
    assert searcher.locator(f"[data-testid=room][data-room='{estate.irn.pk}']").count() == 1

    # An outbreak: the whole home closes to admissions from today, until further notice.
    close = in_section(manager, "Close the home to admissions")
    close.get_by_role("button", name="Suspend", exact=True).click()
    assert manager.locator(".govuk-error-summary").is_visible()
    journey.seen(manager, "closing the home with nothing entered")
    close = in_section(manager, "Close the home to admissions")
    fill_date(close, "From", estate.today.isoformat())
    close.get_by_label("Infection control").check()
    close.get_by_role("button", name="Suspend", exact=True).click()
    banner = manager.locator(".govuk-notification-banner").inner_text()
    # Rooms 1, 2 and 4 are suspended; Room 3 has its own suspension and is left alone.
    assert "3 unoccupied rooms suspended." in banner, banner
    assert "1 room already held in the period was left as it is: Room 3." in banner, banner
    assert "Closed to admissions until further notice" in (
        manager.get_by_test_id("closure").inner_text()
    )
    journey.seen(manager, "a closed home")
    assert HomeSuspension.objects.filter(home=estate.home).count() == 1
    search(journey, searcher)
    assert searcher.locator("[data-testid=room]").filter(has_text="Willow House").count() == 0

    manager.get_by_role("button", name="Reopen the home to admissions").click()
    assert "open to admissions again" in manager.locator(".govuk-notification-banner").inner_text()
    search(journey, searcher)
    assert searcher.locator(f"[data-testid=room][data-room='{estate.irn.pk}']").count() == 1
    assert searcher.locator(f"[data-testid=room][data-room='{estate.spot.pk}']").count() == 0
    journey.assert_accessible()


def test_a_home_uploads_its_residents_with_an_error_then_a_good_file(
    journey, world, estate, tmp_path
):
    wrong = tmp_path / "residents.csv"
    wrong.write_text(
        "Room,Person reference,Start date,Funding\n"
        "Room 2,AS-1,01/03/2025,local authority\n"
        "Room 3,AS-2,31/02/2025,self-funder\n"
    )
    manager = journey.person(world.care_home_admin.email)
    rooms_page(journey, manager, estate.home)
    residents = in_section(manager, "Record residents already living here")
    residents.get_by_label("Residents file").set_input_files(str(wrong))
    residents.get_by_role("button", name="Record residents").click()
    summary = manager.locator(".govuk-error-summary").inner_text()
    assert "residents.csv, row 3, column Start date:" in summary, summary
    assert manager.title().startswith("Error: ")
    journey.seen(manager, "residents file with an error")
    # Nothing is stored while any row is wrong, not even the good one.
    assert not Booking.objects.exists()

    right = tmp_path / "residents-corrected.csv"
    right.write_text(
        "Room,Person reference,Start date,Funding\n"
        "Room 2,AS-1,01/03/2025,local authority\n"
        "Room 3,AS-2,28/02/2025,self-funder\n"
    )
    residents = in_section(manager, "Record residents already living here")
    residents.get_by_label("Residents file").set_input_files(str(right))
    residents.get_by_role("button", name="Record residents").click()
    assert "2 residents recorded." in manager.locator(".govuk-notification-banner").inner_text()
    for room in (estate.irn, estate.spot):
        assert "Occupied" in room_row(manager, room).inner_text()
    journey.seen(manager, "rooms with the residents recorded")
    assert Booking.objects.filter(status=BookingStatus.ACCEPTED).count() == 2
    journey.assert_accessible()
