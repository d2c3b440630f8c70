"""Search answers are cached, and every change is visible to the very next search (decision 17).

Each test fills the cache with a search first, then changes something through the services,
then searches again with the same question: the second answer must show the change. Every
test runs twice: on the answers the pages read, and on the rendered bodies the API serves
(`vacancy_search_rendered`, rendered here with pickle so the same assertions read them).
"""

import datetime as dt
import pickle
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caremarket.accounts.models import User
from caremarket.accounts.services import organisation_set_partners, organisation_update
from caremarket.carehomes import services
from caremarket.carehomes.models import CareHome, RejectionReason, RejectionStage, SuspensionReason
from caremarket.carehomes.selectors import search as search_module
from caremarket.carehomes.selectors.search import (
    VacancyQuery,
    vacancy_search,
    vacancy_search_rendered,
)
from caremarket.carehomes.services.residents import Resident
from caremarket.carehomes.tests.helpers import submit
from caremarket.cqc.models import CqcLocation, CqcRating

DAY = dt.timedelta(days=1)
PUBLIC = AnonymousUser()


def _answer(viewer, query, now):
    return vacancy_search(viewer=viewer, query=query, now=now)


def _rendered(viewer, query, now):
    body = vacancy_search_rendered(
        viewer=viewer, query=query, now=now, render=pickle.dumps, render_format="test"
    )
    return pickle.loads(body)  # noqa: S301 (bytes this test rendered itself)


ask = _answer


@pytest.fixture(autouse=True, params=[_answer, _rendered], ids=["answers", "bodies"])
def cached_as(request, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ask", request.param)


def search(estate, viewer=PUBLIC, **query):
    query.setdefault("postcode", "CM1 1AA")
    query.setdefault("radius_km", 100)
    return ask(viewer, VacancyQuery(**query), estate.now)


def room_ids(found):
    return {room.pk for r in found.results for room in r.rooms}


def beds(found):
    return {r.home.name: r.available_beds for r in found.results}


def as_new_request(user):
    """The user as the next request loads it (what it may see is read afresh)."""
    return User.objects.get(pk=user.pk)


def test_the_same_question_is_answered_from_the_cache_with_two_queries(world, estate):
    first = search(estate, as_new_request(world.broker))
    with CaptureQueriesContext(connection) as ctx:
        again = search(estate, as_new_request(world.broker))
    assert again == first
    # The broker's Block owners and the stamps of the homes in the area: the key.
    assert len(ctx.captured_queries) == 3  # the first loads the user
    assert "search_stamp" in ctx.captured_queries[2]["sql"]


def test_the_public_is_answered_from_the_cache_with_one_query(estate):
    first = search(estate)
    with CaptureQueriesContext(connection) as ctx:
        assert search(estate) == first
    assert len(ctx.captured_queries) == 1


def test_with_the_cache_turned_off_every_search_is_computed(world, estate, settings):
    settings.VACANCY_SEARCH_CACHE_SECONDS = 0
    search(estate)
    with CaptureQueriesContext(connection) as ctx:
        search(estate)
    assert len(ctx.captured_queries) >= 2
    assert not any("search_stamp" in q["sql"] for q in ctx.captured_queries)


def test_a_booking_request_is_visible_to_the_next_search(world, estate):
    assert estate.spot.pk in room_ids(search(estate, world.broker))
    submit(world.broker, estate.spot, estate.now)
    assert estate.spot.pk not in room_ids(search(estate, world.broker))


def test_a_rejection_frees_the_room_for_the_next_search(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    assert estate.spot.pk not in room_ids(search(estate, world.broker))
    services.booking_request_reject(
        actor=world.care_home_user,
        booking=booking,
        stage=RejectionStage.BEFORE_ASSESSMENT,
        reason=RejectionReason.NEEDS_NOT_MET,
        now=estate.now,
    )
    assert estate.spot.pk in room_ids(search(estate, world.broker))


def test_a_cancelled_request_frees_the_room_for_the_next_search(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    assert estate.spot.pk not in room_ids(search(estate, world.broker))
    services.booking_request_cancel(actor=world.broker, booking=booking, now=estate.now)
    assert estate.spot.pk in room_ids(search(estate, world.broker))


def test_an_ended_booking_frees_the_room_for_the_next_search(world, estate):
    booking = submit(world.broker, estate.spot, estate.now)
    services.booking_request_accept(actor=world.care_home_user, booking=booking, now=estate.now)
    assert estate.spot.pk not in room_ids(search(estate, world.broker))
    services.booking_end(actor=world.care_home_user, booking=booking, now=estate.now)
    assert estate.spot.pk in room_ids(search(estate, world.broker))


def test_a_suspension_and_its_lifting_are_visible_to_the_next_search(world, estate):
    assert estate.irn.pk in room_ids(search(estate, world.broker))
    suspension = services.room_suspend(
        actor=None,
        room=estate.irn,
        starts_on=estate.today,
        reason=SuspensionReason.INFECTION_CONTROL,
        now=estate.now,
    )
    assert estate.irn.pk not in room_ids(search(estate, world.broker))
    services.suspension_lift(actor=None, suspension=suspension, now=estate.now)
    assert estate.irn.pk in room_ids(search(estate, world.broker))


def test_closing_a_home_and_reopening_it_are_visible_to_the_next_search(estate):
    assert "Willow House" in beds(search(estate))
    closure = services.care_home_suspend(
        actor=None,
        home=estate.home,
        starts_on=estate.today,
        reason=SuspensionReason.HOME_CLOSED,
        now=estate.now,
    ).home_suspension
    assert "Willow House" not in beds(search(estate))
    services.home_suspension_lift(actor=None, home_suspension=closure, now=estate.now)
    assert beds(search(estate))["Willow House"] == 2


def test_a_home_that_stops_taking_admissions_leaves_the_next_search(estate):
    assert "Willow House" in beds(search(estate))
    services.care_home_set_active(actor=None, home=estate.home, is_active=False, now=estate.now)
    assert "Willow House" not in beds(search(estate))


def test_a_changed_room_is_visible_to_the_next_search(world, estate):
    assert room_ids(search(estate, world.broker, features=("en_suite",))) == {estate.irn.pk}
    services.room_update(actor=None, room=estate.spot, features=["en_suite"], now=estate.now)
    found = search(estate, world.broker, features=("en_suite",))
    assert room_ids(found) == {estate.irn.pk, estate.spot.pk}


def test_a_new_room_is_visible_to_the_next_search(estate):
    assert beds(search(estate))["Birch Lodge"] == 1
    services.room_create(
        actor=None, home=estate.other_home, name="Room B", contract_type="spot", now=estate.now
    )
    assert beds(search(estate))["Birch Lodge"] == 2


def test_a_renamed_home_is_visible_to_the_next_search(estate):
    assert "Willow House" in beds(search(estate))
    services.care_home_update(actor=None, home=estate.home, name="Willow Court", now=estate.now)
    assert set(beds(search(estate))) == {"Willow Court", "Birch Lodge"}


def test_a_home_that_moves_leaves_the_old_area_and_joins_the_new_one(estate):
    near_colchester = {"postcode": "CO1 1AA", "radius_km": 5}
    assert set(beds(search(estate, **near_colchester))) == {"Birch Lodge"}
    assert "Willow House" in beds(search(estate, radius_km=5))
    services.care_home_update(actor=None, home=estate.home, postcode="CO1 1AA", now=estate.now)
    assert set(beds(search(estate, **near_colchester))) == {"Birch Lodge", "Willow House"}
    assert "Willow House" not in beds(search(estate, radius_km=5))


def test_confirmed_vacancies_make_the_next_answer_fresh(estate):
    CareHome.objects.filter(pk=estate.home.pk).update(vacancies_updated_at=estate.now - 9 * DAY)
    stale = search(estate, radius_km=5).results[0].freshness
    assert stale.stale
    services.care_home_confirm_vacancies(actor=None, home=estate.home, now=estate.now)
    assert search(estate, radius_km=5).results[0].freshness.days == 0


def test_residents_recorded_in_bulk_are_visible_to_the_next_search(world, estate):
    assert estate.spot.pk in room_ids(search(estate, world.broker))
    services.booking_record_residents(
        actor=world.care_home_admin,
        home=estate.home,
        residents=[
            Resident(
                room="Room 3",
                person_reference="RES-1",
                starts_on=estate.today - 30 * DAY,
                funding="self_funder",
                where="row 2",
            )
        ],
        now=estate.now,
    )
    assert estate.spot.pk not in room_ids(search(estate, world.broker))


def test_a_cqc_rating_imported_is_visible_to_the_next_search(estate):
    assert search(estate, radius_km=5).results[0].home.cqc_overall_rating == ""
    CqcLocation.objects.create(
        location_id=estate.home.cqc_location_id,
        name=estate.home.name,
        address=estate.home.address,
        postcode="CM1 1AA",
        registered=True,
        updated_at=estate.now,
    )
    CqcRating.objects.create(
        location_id=estate.home.cqc_location_id,
        domain="Overall",
        rating="Good",
        published_on=estate.today - 10 * DAY,
    )
    services.care_home_sync_from_cqc(location_ids=[estate.home.cqc_location_id], now=estate.now)
    assert search(estate, radius_km=5).results[0].home.cqc_overall_rating == "Good"


def test_block_rooms_cached_for_one_organisation_never_reach_another(world, estate):
    council = search(estate, world.broker, radius_km=5)
    assert estate.block.pk in room_ids(council)
    assert estate.nhs_block.pk not in room_ids(council)
    # The same question from the unpartnered trust: its own Block room, not the council's.
    trust = search(estate, world.other_health_searcher, radius_km=5)
    assert estate.nhs_block.pk in room_ids(trust)
    assert estate.block.pk not in room_ids(trust)
    # And the public's counts include no Block room at all.
    assert beds(search(estate, radius_km=5)) == {"Willow House": 2}


def test_a_new_partnership_shows_the_partners_block_rooms_at_once(world, estate):
    assert estate.nhs_block.pk not in room_ids(search(estate, world.broker, radius_km=5))
    organisation_set_partners(
        now=timezone.now(),
        actor=None,
        organisation=world.council,
        partners=[world.icb, world.other_nhs],
    )
    broker = as_new_request(world.broker)
    assert estate.nhs_block.pk in room_ids(search(estate, broker, radius_km=5))


def test_a_renamed_block_owner_is_named_in_the_next_search(world, estate):
    def owner_of_block(found):
        return next(
            room.block_owner_name
            for r in found.results
            for room in r.rooms
            if room.pk == estate.block.pk
        )

    assert owner_of_block(search(estate, world.broker)) == "Test County Council"
    organisation_update(
        now=timezone.now(), actor=None, organisation=world.council, name="Test Shire Council"
    )
    assert owner_of_block(search(estate, as_new_request(world.broker))) == "Test Shire Council"


def test_an_answer_computed_before_a_booking_but_stored_after_it_is_never_served(
    world, estate, monkeypatch
):
    """The race an invalidate-on-commit cache loses: the key is read before the answer."""
    compute = search_module._page

    def computed_then_overtaken(s):
        answer = compute(s)  # the room is free as this search reads it ...
        submit(world.broker, estate.spot, estate.now)  # ... then a booking commits ...
        return answer  # ... and only then is the stale answer stored

    monkeypatch.setattr(search_module, "_page", computed_then_overtaken)
    assert estate.spot.pk in room_ids(search(estate, world.broker))
    monkeypatch.undo()
    assert estate.spot.pk not in room_ids(search(estate, world.broker))


def test_search_still_answers_when_the_cache_is_down(world, estate, monkeypatch):
    cache = caches["default"]

    def unavailable(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    monkeypatch.setattr(cache, "get", unavailable)
    monkeypatch.setattr(cache, "set", unavailable)
    assert room_ids(search(estate, world.broker, radius_km=5)) == {
        estate.block.pk,
        estate.irn.pk,
        estate.spot.pk,
    }


@pytest.mark.parametrize(
    "query",
    [
        {"postcode": "", "district": "E07000070"},
        {"postcode": "CM2", "radius_km": 20},
        {"postcode": "", "district": ""},
    ],
)
def test_district_outward_code_and_nationwide_searches_see_changes_too(world, estate, query):
    assert estate.spot.pk in room_ids(search(estate, world.broker, **query))
    submit(world.broker, estate.spot, estate.now)
    assert estate.spot.pk not in room_ids(search(estate, world.broker, **query))
