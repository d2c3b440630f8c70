import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from caremarket.accounts.services import api_token_create
from caremarket.carehomes.apis import VacanciesOut
from caremarket.carehomes.models import Booking, BookingStatus
from caremarket.carehomes.tests.helpers import submit
from caremarket.geography.models import OutwardCode

JSON = "application/json"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def request_body(room, today, **extra):
    body = {
        "room_id": room.pk,
        "starts_on": today.isoformat(),
        "person_reference": "CASE-77",
        "funding": "local_authority",
    }
    body.update(extra)
    return body


def test_vacancies_are_open_to_the_public_with_counts_only(estate):
    response = Client().get("/api/v1/vacancies", {"postcode": "CM1 1AA", "radius_km": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["total_beds"] == 2
    home = body["results"][0]
    assert home["name"] == "Willow House" and home["available_beds"] == 2
    assert home["rooms"] is None
    assert body["location"]["exact"] is True


def test_council_users_see_rooms_including_their_block_rooms(world, estate):
    response = world.client_for(world.broker).get("/api/v1/vacancies", {"postcode": "CM1 1AA"})
    rooms = {r["name"]: r for r in response.json()["results"][0]["rooms"]}
    assert set(rooms) == {"Room 1", "Room 2", "Room 3"}
    assert rooms["Room 1"]["block_owner"] == "Test County Council"
    assert rooms["Room 2"]["features"] == ["en_suite", "nursing"]


def test_the_vacancies_body_matches_its_published_schema(world, estate):
    for client in (Client(), world.client_for(world.health_searcher)):
        body = client.get("/api/v1/vacancies", {"postcode": "CM1 1AA", "radius_km": 50}).json()
        assert VacanciesOut.model_validate(body).count == 2


def test_vacancy_filters_are_query_parameters(world, estate):
    client = world.client_for(world.broker)
    response = client.get(
        "/api/v1/vacancies",
        {"district": "E07000070", "features": ["en_suite", "nursing"], "contract_type": "irn"},
    )
    rooms = response.json()["results"][0]["rooms"]
    assert [r["name"] for r in rooms] == ["Room 2"]


def test_bad_vacancy_parameters_answer_422_naming_the_parameter(estate):
    response = Client().get("/api/v1/vacancies", {"postcode": "CM1 1AA", "care_type": "x"})
    assert response.status_code == 422
    assert "care_type" in response.json()["errors"]
    response = Client().get("/api/v1/vacancies", {"radius_km": "far"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "query.radius_km"


def test_a_booking_request_is_created_and_the_same_room_then_answers_409(world, estate):
    client = world.client_for(world.broker)
    created = post(client, "/api/v1/booking-requests", request_body(estate.spot, estate.today))
    assert created.status_code == 201
    assert created.json()["status"] == "requested"
    again = post(
        world.client_for(world.health_searcher),
        "/api/v1/booking-requests",
        request_body(estate.spot, estate.today, funding="nhs"),
    )
    assert again.status_code == 409
    assert again.json()["code"] == "room_requested"
    assert "Room 3 is reserved" in again.json()["detail"]


def test_invalid_booking_input_answers_422_by_field(world, estate):
    response = post(
        world.client_for(world.broker),
        "/api/v1/booking-requests",
        request_body(estate.spot, estate.today, person_reference="Mrs Jones"),
    )
    assert response.status_code == 422
    assert "person_reference" in response.json()["errors"]


def test_a_room_the_caller_cannot_find_answers_404(world, estate):
    response = post(
        world.client_for(world.other_health_searcher),
        "/api/v1/booking-requests",
        request_body(estate.block, estate.today, funding="nhs"),
    )
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_a_room_the_caller_finds_but_may_not_book_answers_403(world, estate):
    response = post(
        world.client_for(world.contract_manager),
        "/api/v1/booking-requests",
        request_body(estate.spot, estate.today),
    )
    assert response.status_code == 403


def test_anonymous_callers_cannot_send_requests(estate):
    response = post(Client(), "/api/v1/booking-requests", request_body(estate.spot, estate.today))
    assert response.status_code == 401


def test_the_home_accepts_then_ends_through_the_api(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    home = world.client_for(world.care_home_user)
    accepted = post(home, f"/api/v1/booking-requests/{booking.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    ended = post(home, f"/api/v1/bookings/{booking.pk}/end", {"note": "Returned home"})
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended"
    assert ended.json()["ends_on"] == estate.today.isoformat()


def test_the_home_rejects_with_a_reason_code(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    response = post(
        world.client_for(world.care_home_admin),
        f"/api/v1/booking-requests/{booking.pk}/reject",
        {"stage": "after_assessment", "reason": "needs_not_met"},
    )
    assert response.status_code == 200
    assert response.json()["rejection_reason"] == "needs_not_met"


def test_an_unknown_rejection_reason_answers_422(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    response = post(
        world.client_for(world.care_home_admin),
        f"/api/v1/booking-requests/{booking.pk}/reject",
        {"stage": "after_assessment", "reason": "dislike"},
    )
    assert response.status_code == 422
    assert "reason" in response.json()["errors"]


def test_another_provider_cannot_see_the_request(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    other = world.client_for(world.other_care_home_admin)
    assert other.get(f"/api/v1/booking-requests/{booking.pk}").status_code == 404
    assert post(other, f"/api/v1/booking-requests/{booking.pk}/accept").status_code == 404


def test_the_requester_cannot_accept_its_own_request(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    response = post(world.client_for(world.broker), f"/api/v1/booking-requests/{booking.pk}/accept")
    assert response.status_code == 403


def test_the_requester_cancels_and_the_room_is_free_again(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    response = post(
        world.client_for(world.council_admin), f"/api/v1/booking-requests/{booking.pk}/cancel"
    )
    assert response.status_code == 200
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def test_a_request_and_its_cancelling_are_visible_to_the_very_next_search(world, estate):
    client = world.client_for(world.broker)

    def rooms_found():
        body = client.get("/api/v1/vacancies", {"postcode": "CM1 1AA"}).json()
        return {room["id"] for home in body["results"] for room in home["rooms"]}

    assert estate.spot.pk in rooms_found()
    booking = post(client, "/api/v1/booking-requests", request_body(estate.spot, estate.today))
    assert booking.status_code == 201
    assert estate.spot.pk not in rooms_found()
    assert (
        post(client, f"/api/v1/booking-requests/{booking.json()['id']}/cancel").status_code == 200
    )
    assert estate.spot.pk in rooms_found()


def test_ending_a_request_that_was_never_accepted_answers_409(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    response = post(world.client_for(world.care_home_user), f"/api/v1/bookings/{booking.pk}/end")
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_status"


def test_the_timeline_lists_who_did_what_for_the_homes_staff(world, estate):
    booking = submit(world.broker, estate.spot, estate.now, ends_on=estate.today + dt.timedelta(3))
    response = world.client_for(world.care_home_admin).get(
        f"/api/v1/rooms/{estate.spot.pk}/timeline"
    )
    assert response.status_code == 200
    entry = response.json()["entries"][0]
    assert entry["id"] == booking.pk and entry["holds_room"] is True
    assert entry["events"][0]["who"] == "Broker (Test County Council)"


def test_the_timeline_is_not_found_for_people_outside_the_home(world, estate):
    for user in (world.broker, world.other_care_home_admin):
        response = world.client_for(user).get(f"/api/v1/rooms/{estate.spot.pk}/timeline")
        assert response.status_code == 404


def test_a_repeated_search_is_served_as_the_body_cached_with_three_statements(world, estate):
    _, raw = api_token_create(actor=world.broker, name="Case system", now=estate.now)
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    first = client.get("/api/v1/vacancies", {"postcode": "CM1 1AA"}, **auth)
    with CaptureQueriesContext(connection) as ctx:
        again = client.get("/api/v1/vacancies", {"postcode": "CM1 1AA"}, **auth)
    assert again.status_code == 200 and again["Content-Type"] == JSON
    assert again.content == first.content
    assert VacanciesOut.model_validate(again.json()).count == 1
    # The token with its user, the broker's Block owners, and the stamps that key the answer.
    assert len(ctx.captured_queries) == 3
    assert "search_stamp" in ctx.captured_queries[2]["sql"]


def test_each_body_names_the_postcode_asked_for_where_several_share_one_position(estate):
    """Postcodes the directory does not hold yet are placed at their outward code's centre,
    as the outward code itself is: the same answer, but each body says what was asked."""
    assert OutwardCode.objects.filter(code="CM1").exists()
    asked = ["CM1", "CM1 9ZY", "CM1 9ZX", "CM1"]
    bodies = [Client().get("/api/v1/vacancies", {"postcode": p}).json() for p in asked]
    assert [b["location"]["postcode"] for b in bodies] == [None, "CM1 9ZY", "CM1 9ZX", None]
    assert {b["location"]["exact"] for b in bodies} == {False}
    assert len({str(b["results"]) for b in bodies}) == 1
