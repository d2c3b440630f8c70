import datetime as dt
import io

import openpyxl
import pytest

from caremarket.carehomes import services
from caremarket.carehomes.models import Booking, BookingStatus, Room
from caremarket.carehomes.tests.helpers import submit
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.common.tabular import TableError

HEADER = "Room,Person reference,Start date,Funding\n"


def upload(world, estate, text, actor=None, filename="residents.csv"):
    return services.booking_residents_import(
        actor=actor or world.care_home_admin,
        home=estate.home,
        data=text.encode(),
        filename=filename,
        now=estate.now,
    )


def test_residents_become_open_ended_bookings_and_their_rooms_are_taken(world, estate):
    bookings = upload(
        world,
        estate,
        HEADER + "Room 2,AS-1,01/03/2025,local authority\nRoom 3,AS-2,2024-12-01,self_funder\n",
    )
    assert [b.status for b in bookings] == [BookingStatus.ACCEPTED] * 2
    assert Booking.objects.get(person_reference="AS-1").starts_on == dt.date(2025, 3, 1)
    assert Room.objects.get(pk=estate.spot.pk).free_from is None


def test_every_problem_is_reported_with_its_row_and_column_and_nothing_is_stored(world, estate):
    text = HEADER + (
        "Room 99,AS-1,01/03/2025,self-funder\n"
        "Room 1,AS-2,01/03/2025,self-funder\n"
        "Room 3,Mrs Smith,01/03/2025,self-funder\n"
        "Room 2,AS-4,01/03/2025,lottery\n"
    )
    with pytest.raises(ValidationFailed) as exc:
        upload(world, estate, text)
    problems = exc.value.errors["file"]
    assert problems[0] == "residents.csv, row 2, column Room: there is no room called “Room 99”."
    assert problems[1].startswith("residents.csv, row 3, column Room: Room 1 is a Block room")
    assert problems[2].startswith("residents.csv, row 4, column Person reference:")
    assert problems[3].startswith("residents.csv, row 5, column Funding: “lottery”")
    assert not Booking.objects.exists()


def test_a_bad_date_names_its_row(world, estate):
    with pytest.raises(ValidationFailed) as exc:
        upload(world, estate, HEADER + "Room 3,AS-1,31/02/2025,self-funder\n")
    assert exc.value.errors["file"][0].startswith("residents.csv, row 2, column Start date:")


def test_a_room_already_held_is_refused(world, estate):
    submit(world.broker, estate.spot, estate.now)
    with pytest.raises(ValidationFailed, match="Room 3 already has a booking"):
        upload(world, estate, HEADER + "Room 3,AS-1,01/03/2025,self-funder\n")


def test_a_file_without_the_columns_is_refused_clearly(world, estate):
    with pytest.raises(TableError, match="no header row with the columns Room"):
        upload(world, estate, "Name,Date\nx,y\n")


def test_a_spreadsheet_works_as_well_as_a_csv(world, estate):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Room", "Person reference", "Start date", "Funding"])
    sheet.append(["Room 2", "AS-9", dt.date(2025, 1, 6), "NHS"])
    buffer = io.BytesIO()
    book.save(buffer)
    bookings = services.booking_residents_import(
        actor=world.care_home_user,
        home=estate.home,
        data=buffer.getvalue(),
        filename="residents.xlsx",
        now=estate.now,
    )
    assert bookings[0].funding == "nhs"


def test_another_provider_cannot_record_residents_here(world, estate):
    with pytest.raises(NotPermitted):
        upload(
            world,
            estate,
            HEADER + "Room 3,AS-1,01/03/2025,self-funder\n",
            world.other_care_home_admin,
        )
