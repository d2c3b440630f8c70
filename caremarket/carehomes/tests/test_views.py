import datetime as dt
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from caremarket.carehomes import services
from caremarket.carehomes.models import Booking, BookingStatus, CareHome
from caremarket.carehomes.services.residents import COLUMNS as RESIDENT_COLUMNS
from caremarket.carehomes.tests.helpers import submit
from caremarket.common.errors import ValidationFailed
from caremarket.common.tests import hostile
from caremarket.conftest import stored_keys
from caremarket.settings import s3_storage


def date_fields(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_care_homes_address_leads_to_the_search(db):
    response = Client().get("/care-homes/")
    assert response.status_code == 302 and response["Location"] == "/care-homes/search/"


def test_the_public_search_shows_bed_counts_without_request_links(estate):
    page = Client().get("/care-homes/search/", {"postcode": "CM1 1AA"}).content.decode()
    assert "Willow House" in page
    assert "2 available beds" in page
    assert "Request" not in page


def test_a_broker_sees_rooms_with_request_links(world, estate):
    page = world.client_for(world.broker).get("/care-homes/search/", {"postcode": "CM1 1AA"})
    assert f"/care-homes/rooms/{estate.block.pk}/request/" in page.content.decode()


def test_the_contract_manager_sees_rooms_but_no_request_links(world, estate):
    page = world.client_for(world.contract_manager).get(
        "/care-homes/search/", {"postcode": "CM1 1AA"}
    )
    html = page.content.decode()
    assert "Room 1" in html and "/request/" not in html


def test_a_bad_postcode_is_reported_in_the_error_summary(estate):
    page = Client().get("/care-homes/search/", {"postcode": "CM1 1ZZZ"}).content.decode()
    assert "govuk-error-summary" in page
    assert "is not a valid UK postcode" in page


def test_the_map_view_plots_each_home_beside_the_list(estate):
    html = Client().get(
        "/care-homes/search/", {"postcode": "CM1 1AA", "radius_km": 50, "view": "map"}
    )
    html = html.content.decode()
    assert "<svg" in html and 'data-number="1"' in html
    assert 'data-testid="results"' in html and 'data-testid="map-table"' in html
    assert "of the list below, around CM1 1AA, marked with a red cross" in html
    assert 'data-testid="map-place"' in html


def test_a_homes_public_page_shows_its_profile_and_ratings(estate):
    html = Client().get(f"/care-homes/{estate.home.pk}/").content.decode()
    assert "Willow House" in html and "Well-led" in html
    assert "2</strong> beds available now" in html


def test_an_inactive_home_is_not_found_by_the_public(estate):
    services.care_home_set_active(actor=None, home=estate.home, is_active=False, now=estate.now)
    assert Client().get(f"/care-homes/{estate.home.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/care-homes/{home}/rooms/", "/care-homes/{home}/edit/", "/care-homes/{home}/requests/"],
)
def test_another_providers_staff_get_404_on_management_pages(world, estate, url):
    client = world.client_for(world.other_care_home_admin)
    assert client.get(url.format(home=estate.home.pk)).status_code == 404


def test_provider_users_see_the_rooms_but_cannot_edit_the_profile(world, estate):
    client = world.client_for(world.care_home_user)
    assert client.get(f"/care-homes/{estate.home.pk}/rooms/").status_code == 200
    assert client.get(f"/care-homes/{estate.home.pk}/edit/").status_code == 404


def test_a_broker_sends_a_request_from_the_form(world, estate):
    client = world.client_for(world.broker)
    response = client.post(
        f"/care-homes/rooms/{estate.spot.pk}/request/",
        {
            **date_fields("starts_on", estate.today),
            "person_reference": "CASE-9",
            "funding": "local_authority",
        },
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/care-homes/bookings/{booking.pk}/"
    assert booking.status == BookingStatus.REQUESTED


def test_a_request_for_a_past_date_shows_the_error_on_the_form(world, estate):
    client = world.client_for(world.broker)
    response = client.post(
        f"/care-homes/rooms/{estate.spot.pk}/request/",
        {
            **date_fields("starts_on", estate.today - dt.timedelta(days=2)),
            "person_reference": "CASE-9",
            "funding": "local_authority",
        },
    )
    assert response.status_code == 200
    assert "The start date must be today or later." in response.content.decode()
    assert not Booking.objects.exists()


def test_the_request_page_is_not_found_for_a_room_the_user_may_not_book(world, estate):
    client = world.client_for(world.other_health_searcher)
    assert client.get(f"/care-homes/rooms/{estate.block.pk}/request/").status_code == 404


def test_the_home_answers_from_the_booking_page(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    client = world.client_for(world.care_home_user)
    page = client.get(f"/care-homes/bookings/{booking.pk}/").content.decode()
    assert "Accept: book the room" in page
    client.post(f"/care-homes/bookings/{booking.pk}/accept/")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.ACCEPTED


def test_a_rejection_without_a_reason_shows_the_error(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    client = world.client_for(world.care_home_user)
    response = client.post(
        f"/care-homes/bookings/{booking.pk}/reject/", {"reject-stage": "before_assessment"}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_the_requester_sees_a_cancel_button_and_not_accept(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    page = world.client_for(world.broker).get(f"/care-homes/bookings/{booking.pk}/")
    html = page.content.decode()
    assert "Cancel this request" in html and "Accept: book the room" not in html


def test_the_requests_list_shows_each_side_its_own(world, estate):
    submit(world.broker, estate.spot, estate.now)
    assert (
        "Room 3, Willow House"
        in world.client_for(world.broker).get("/care-homes/requests/").content.decode()
    )
    assert (
        "Room 3, Willow House"
        in world.client_for(world.care_home_user).get("/care-homes/requests/").content.decode()
    )
    assert (
        "Room 3, Willow House"
        not in world.client_for(world.health_searcher).get("/care-homes/requests/").content.decode()
    )


def test_rooms_are_added_with_a_range(world, estate):
    client = world.client_for(world.care_home_admin)
    response = client.post(
        f"/care-homes/{estate.home.pk}/rooms/add/",
        {"add-names": "Annexe 1-3", "add-contract_type": "spot"},
    )
    assert response.status_code == 302
    assert set(estate.home.rooms.values_list("name", flat=True)) >= {"Annexe 1", "Annexe 3"}


def test_a_residents_file_with_problems_lists_each_one(world, estate):
    client = world.client_for(world.care_home_admin)
    upload = SimpleUploadedFile(
        "residents.csv", b"Room,Person reference,Start date,Funding\nRoom 99,AS-1,01/01/2025,NHS\n"
    )
    response = client.post(f"/care-homes/{estate.home.pk}/residents/", {"residents-file": upload})
    assert response.status_code == 400
    assert "row 2, column Room: there is no room called" in response.content.decode()


def test_a_photograph_is_uploaded_and_served(world, estate, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (0, 90, 0)).save(buffer, "PNG")
    client = world.client_for(world.care_home_admin)
    response = client.post(
        f"/care-homes/{estate.home.pk}/photos/",
        {"image": SimpleUploadedFile("garden.png", buffer.getvalue()), "alt_text": "The garden"},
    )
    assert response.status_code == 302
    photo = estate.home.photos.get()
    served = Client().get(f"/care-homes/photos/{photo.pk}/thumbnail.jpg")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_photographs_can_live_in_s3_compatible_object_storage(
    world, estate, settings, object_storage, django_capture_on_commit_callbacks
):
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage("caremarket-test", "media")}
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (0, 90, 0)).save(buffer, "PNG")
    client = world.client_for(world.care_home_admin)
    client.post(
        f"/care-homes/{estate.home.pk}/photos/",
        {"image": SimpleUploadedFile("garden.png", buffer.getvalue()), "alt_text": "The garden"},
    )
    photo = estate.home.photos.get()
    assert stored_keys(object_storage) == sorted(
        f"media/{name}" for name in (photo.image.name, photo.thumbnail.name)
    )
    served = Client().get(f"/care-homes/photos/{photo.pk}/image.jpg")
    assert served.status_code == 200
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (800, 600)
    with django_capture_on_commit_callbacks(execute=True):
        services.care_home_photo_remove(actor=None, photo=photo, now=estate.now)
    assert stored_keys(object_storage) == []


def test_navigation_offers_each_role_its_care_home_pages(world, estate):
    def nav(user):
        return (world.client_for(user) if user else Client()).get("/").content.decode()

    assert "Find a care home" in nav(None)
    assert "Manage care homes" in nav(world.care_home_user)
    assert "Manage care homes" not in nav(world.home_care_admin)
    assert "Booking requests" in nav(world.health_searcher)
    assert "Booking requests" not in nav(world.contract_manager)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (hostile.far_cell_xlsx(list(RESIDENT_COLUMNS)), "declares 1,048,576 rows"),
        (hostile.many_rows_xlsx(list(RESIDENT_COLUMNS), 6_000_000), "expands to"),
        (hostile.xlsx('<row r="1"><c r="A1"><v>1</v></c></ro'), "XML is damaged"),
    ],
    ids=["cell at XFD1048576", "six million rows", "damaged XML"],
)
def test_a_hostile_residents_workbook_is_refused_at_once_and_nothing_is_stored(
    world, estate, data, message
):
    client = world.client_for(world.care_home_user)
    bookings = Booking.objects.count()
    started = time.monotonic()
    response = client.post(
        f"/care-homes/{estate.home.pk}/residents/",
        {"residents-file": SimpleUploadedFile("residents.xlsx", data)},
    )
    # A stall detector, not a speed target: the old reader took minutes or aborted the worker.
    assert time.monotonic() - started < 10
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Booking.objects.count() == bookings


def test_map_markers_carry_the_numbers_the_list_gives_on_later_pages(world, estate):
    from caremarket.carehomes.views.search_map import map_points

    client = world.client_for(None)
    page = client.get("/care-homes/search/?postcode=CM1+1AA&radius_km=50&view=map")
    found = page.context["found"]
    numbers = [p.number for p in map_points(found.results, found.location, offset=10) if p.result]
    assert numbers == list(range(11, 11 + len(found.results)))
    assert "<a " not in page.content.decode().split('<svg class="cm-map"')[1].split("</svg>")[0]


@pytest.mark.parametrize("who", ["care_home_user", "care_home_admin"])
def test_every_link_in_the_home_s_own_navigation_opens_for_who_sees_it(world, estate, who):
    import re

    client = world.client_for(getattr(world, who))
    page = client.get(f"/care-homes/{estate.home.pk}/rooms/").content.decode()
    nav = page.split('aria-label="This home"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)"', nav)
    assert links and all(client.get(url).status_code == 200 for url in links), links
    assert ("Profile and photographs" in nav) == (who == "care_home_admin")


def test_a_provider_adds_a_home_of_its_own_and_the_council_names_the_provider(world):
    home = {"name": "Larch Lodge", "address": "1 High St", "postcode": "CM1 1AA"}
    mine = world.client_for(world.care_home_admin).post(
        "/care-homes/manage/new/", {**home, "cqc_location_id": "1-900000001"}
    )
    assert mine.status_code == 302
    council = world.client_for(world.council_admin).post(
        "/care-homes/manage/new/",
        {
            **home,
            "cqc_location_id": "1-900000002",
            "provider": world.care_home_admin.organisation_id,
        },
    )
    assert council.status_code == 302
    added = CareHome.objects.filter(name="Larch Lodge").values_list("provider_id", flat=True)
    assert list(added) == [world.care_home_admin.organisation_id] * 2


def test_the_councils_fields_refused_by_the_service_are_shown_on_the_homes_page(
    world, estate, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationFailed("The home has people in it: end their bookings first.")

    monkeypatch.setattr(services, "care_home_set_council_fields", refuse)
    home = estate.home
    response = world.client_for(world.council_admin).post(
        reverse("carehomes:home-council", args=[home.pk]), {"is_active": ""}
    )
    assert response.status_code == 400
    assert "The home has people in it: end their bookings first." in response.content.decode()
