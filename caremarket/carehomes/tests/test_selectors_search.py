import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from caremarket.carehomes import services
from caremarket.carehomes.models import CareHome, ContractType, SuspensionReason
from caremarket.carehomes.selectors.search import VacancyQuery, vacancy_search
from caremarket.carehomes.tests.helpers import submit
from caremarket.common.errors import ValidationFailed

DAY = dt.timedelta(days=1)
PUBLIC = AnonymousUser()


def search(estate, viewer=PUBLIC, **query):
    query.setdefault("postcode", "CM1 1AA")
    return vacancy_search(viewer=viewer, query=VacancyQuery(**query), now=estate.now)


def beds(found):
    return {r.home.name: r.available_beds for r in found.results}


def room_ids(found):
    return {room.pk for r in found.results for room in r.rooms}


def test_the_public_sees_homes_and_bed_counts_but_no_rooms(estate):
    found = search(estate, radius_km=100)
    assert beds(found) == {"Willow House": 2, "Birch Lodge": 1}
    assert not found.shows_rooms
    assert all(r.rooms == [] for r in found.results)


def test_results_are_nearest_first_with_distances(world, estate):
    found = search(estate, world.broker, postcode="CO1 1AA", radius_km=100)
    assert [r.home.name for r in found.results] == ["Birch Lodge", "Willow House"]
    assert found.results[0].distance_km == 0.0
    assert 25 < found.results[1].distance_km < 40


def test_homes_beyond_the_radius_are_left_out(estate):
    assert beds(search(estate, radius_km=5)) == {"Willow House": 2}


def test_a_district_search_finds_the_homes_of_that_district_only(estate):
    found = search(estate, postcode="", district="E07000071")
    assert beds(found) == {"Birch Lodge": 1}


def test_council_staff_see_their_block_rooms(world, estate):
    found = search(estate, world.broker, radius_km=5)
    assert room_ids(found) == {estate.block.pk, estate.irn.pk, estate.spot.pk}


def test_a_booked_room_leaves_the_results_and_comes_back_when_the_booking_ends(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    assert estate.spot.pk not in room_ids(search(estate, world.broker))
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    services.booking_end(actor=world.care_home_user, booking=booking, now=estate.now)
    assert estate.spot.pk in room_ids(search(estate, world.broker))


def test_a_room_whose_booking_ends_later_is_available_from_that_day(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    services.booking_end(
        actor=world.care_home_user, booking=booking, ends_on=estate.today + 10 * DAY, now=estate.now
    )
    assert estate.spot.pk not in room_ids(search(estate, world.broker))
    later = search(estate, world.broker, available_from=estate.today + 10 * DAY)
    assert estate.spot.pk in room_ids(later)


def test_a_suspended_room_never_shows_as_vacant(world, estate):
    services.room_suspend(
        actor=None,
        room=estate.irn,
        starts_on=estate.today + 3 * DAY,
        ends_on=estate.today + 5 * DAY,
        reason=SuspensionReason.DECORATION,
        now=estate.now,
    )
    assert estate.irn.pk not in room_ids(search(estate, world.broker))


def test_the_filters_narrow_to_matching_rooms(world, estate):
    assert room_ids(search(estate, world.broker, nursing=True)) == {estate.irn.pk}
    assert estate.irn.pk not in room_ids(search(estate, world.broker, nursing=False))
    assert room_ids(search(estate, world.broker, features=("ground_floor",))) == {estate.spot.pk}
    assert room_ids(search(estate, world.broker, contract_type=ContractType.IRN)) == {estate.irn.pk}
    assert room_ids(search(estate, world.broker, accepts_top_up=True)) == {estate.spot.pk}
    assert room_ids(search(estate, world.broker, care_type="learning_disability")) == set()


def test_block_and_irn_rooms_count_as_accepting_local_authority_rates(world, estate):
    services.room_update(actor=None, room=estate.spot, accepts_la_rate=False, now=estate.now)
    found = search(estate, world.broker, accepts_la_rate=True)
    assert room_ids(found) == {estate.block.pk, estate.irn.pk}


def test_homes_that_stopped_taking_admissions_are_not_listed(estate):
    services.care_home_set_active(actor=None, home=estate.home, is_active=False, now=estate.now)
    assert "Willow House" not in beds(search(estate, radius_km=100))


def test_each_result_says_how_fresh_its_vacancies_are(estate):
    CareHome.objects.filter(pk=estate.home.pk).update(vacancies_updated_at=estate.now - 9 * DAY)
    result = search(estate, radius_km=5).results[0]
    assert result.freshness.stale
    assert result.freshness.text == "Vacancies updated 9 days ago"


def test_an_outward_code_search_is_marked_approximate(estate):
    found = search(estate, postcode="CM2")
    assert not found.location.exact
    assert "Approximate" in found.location.precision_note


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"radius_km": 0}, "radius_km"),
        ({"radius_km": 500}, "radius_km"),
        ({"care_type": "pirates"}, "care_type"),
        ({"contract_type": "lease"}, "contract_type"),
        ({"features": ("jacuzzi",)}, "features"),
        ({"postcode": "not a postcode"}, "postcode"),
        ({"postcode": "ZZ9 9ZZ"}, "postcode"),
        ({"district": "E99999999"}, "district"),
    ],
)
def test_bad_search_input_is_refused_naming_the_field(estate, query, field):
    with pytest.raises(ValidationFailed) as exc:
        search(estate, **query)
    assert field in exc.value.errors


def test_a_date_in_the_past_is_refused(estate):
    with pytest.raises(ValidationFailed) as exc:
        search(estate, available_from=estate.today - DAY)
    assert exc.value.errors["available_from"] == [
        "The date the bed is needed from must be today or later."
    ]


def test_pages_hold_the_limit_and_the_total_counts_every_home(estate):
    found = vacancy_search(
        viewer=PUBLIC,
        query=VacancyQuery(postcode="CM1 1AA", radius_km=100),
        now=estate.now,
        limit=1,
        offset=1,
    )
    assert found.total == 2
    assert [r.home.name for r in found.results] == ["Birch Lodge"]
