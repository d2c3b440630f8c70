"""Room states over November 2026, from real bookings, requests and suspensions.

Willow House, Chelmsford (older people, dementia; nursing), rooms from Monday 2 November
  Room 1  booked from 2 Nov (requested and accepted that day), no end
  Room 2  requested on 2 Nov for 9 Nov, accepted on 3 Nov; ended, free again from 20 Nov
  Room 3  suspended 5 to 11 Nov (back in use on the 12th); a request on 15 Nov for the
          16th, rejected on the 16th
  Room 4  never held
Birch Lodge, Colchester (older people; residential)
  Room A  requested on 20 Nov for the 23rd, still waiting for an answer
"""

import datetime as dt
import random
from collections import Counter

import pytest
from django.utils import timezone

from caremarket.accounts.demo import load as load_accounts
from caremarket.carehomes import demo, services
from caremarket.carehomes.models import ContractType, Room
from caremarket.carehomes.selectors.rooms import room_state, rooms_with_state
from caremarket.carehomes.services import bookings
from caremarket.geography.demo import load as load_postcodes
from caremarket.insight.selectors.care_homes import (
    beds_on,
    care_home_market,
    room_histories,
    stale_homes,
    suspended_rooms_on,
)
from caremarket.insight.selectors.market import market
from caremarket.insight.selectors.periods import DateRange
from caremarket.sourcing.tests.conftest import at


@pytest.fixture
def estate(world):
    t0 = at(2026, 11, 2, 9)

    def home(name, provider, postcode, care_types, nursing, location):
        return services.care_home_create(
            actor=None,
            provider=provider,
            cqc_location_id=location,
            name=name,
            address="1 High Street",
            postcode=postcode,
            care_types=care_types,
            provides_nursing=nursing,
            now=t0,
        )

    willow = home(
        "Willow House",
        world.care_home_provider,
        "CM1 1AA",
        ["older_people", "dementia"],
        True,
        "1-101",
    )
    birch = home(
        "Birch Lodge", world.other_care_home_provider, "CO1 1AA", ["older_people"], False, "1-202"
    )
    rooms = {
        name: services.room_create(
            actor=None,
            home=h,
            name=name,
            contract_type=ContractType.SPOT,
            accepts_la_rate=True,
            now=t0,
        )
        for h, name in (
            (willow, "Room 1"),
            (willow, "Room 2"),
            (willow, "Room 3"),
            (willow, "Room 4"),
            (birch, "Room A"),
        )
    }

    def request(room, starts_on, when):
        return bookings.booking_request_submit(
            actor=world.broker,
            room=rooms[room],
            starts_on=starts_on,
            person_reference="AS-100",
            funding="local_authority",
            now=when,
        )

    r1 = request("Room 1", dt.date(2026, 11, 2), at(2026, 11, 2, 10))
    bookings.booking_request_accept(
        actor=world.care_home_admin, booking=r1, now=at(2026, 11, 2, 11)
    )
    r2 = request("Room 2", dt.date(2026, 11, 9), at(2026, 11, 2, 10))
    bookings.booking_request_accept(actor=world.care_home_admin, booking=r2, now=at(2026, 11, 3, 9))
    bookings.booking_end(
        actor=world.care_home_admin,
        booking=r2,
        ends_on=dt.date(2026, 11, 20),
        now=at(2026, 11, 20, 9),
    )
    services.room_suspend(
        actor=world.care_home_admin,
        room=rooms["Room 3"],
        starts_on=dt.date(2026, 11, 5),
        ends_on=dt.date(2026, 11, 12),
        reason="decoration",
        now=at(2026, 11, 4, 9),
    )
    r3 = request("Room 3", dt.date(2026, 11, 16), at(2026, 11, 15, 10))
    bookings.booking_request_reject(
        actor=world.care_home_admin,
        booking=r3,
        stage="before_assessment",
        reason="needs_not_met",
        now=at(2026, 11, 16, 9),
    )
    request("Room A", dt.date(2026, 11, 23), at(2026, 11, 20, 10))
    services.care_home_confirm_vacancies(actor=None, home=willow, now=at(2026, 12, 1, 9))
    services.care_home_confirm_vacancies(actor=None, home=birch, now=at(2026, 11, 21, 10))
    return willow, birch


def counts(b):
    return (b.rooms, b.occupied, b.suspended, b.reserved, b.vacant)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 11, 1), (0, 0, 0, 0, 0)),  # before the rooms existed
        (dt.date(2026, 11, 2), (5, 1, 0, 1, 3)),  # Room 2 promised from its request
        (dt.date(2026, 11, 8), (5, 1, 1, 1, 2)),  # Room 3 suspended; Room 2 not yet arrived
        (dt.date(2026, 11, 11), (5, 2, 1, 0, 2)),  # the suspension's last day
        (dt.date(2026, 11, 12), (5, 2, 0, 0, 3)),
        (dt.date(2026, 11, 16), (5, 2, 0, 1, 2)),  # Room 3 reserved until the home said no
        (dt.date(2026, 11, 17), (5, 2, 0, 0, 3)),
        (dt.date(2026, 11, 19), (5, 2, 0, 0, 3)),  # Room 2's last night
        (dt.date(2026, 11, 20), (5, 1, 0, 1, 3)),  # Room 2 free; Room A requested
        (dt.date(2026, 11, 29), (5, 1, 0, 1, 3)),
    ],
)
def test_every_room_has_one_state_a_day(estate, day, expected):
    (beds,) = beds_on(histories=room_histories(until=day), days=[day])
    assert counts(beds.total) == expected


def test_rooms_are_counted_by_district_care_type_and_kind_of_home(estate):
    (beds,) = beds_on(
        histories=room_histories(until=dt.date(2026, 11, 8)), days=[dt.date(2026, 11, 8)]
    )
    willow, birch = estate
    assert counts(beds.by_district[willow.district_id]) == (4, 1, 1, 1, 1)
    assert counts(beds.by_district[birch.district_id]) == (1, 0, 0, 0, 1)
    # Every room is in a home for older people; only Willow House's also count for dementia.
    assert counts(beds.by_care_type["older_people"]) == (5, 1, 1, 1, 2)
    assert counts(beds.by_care_type["dementia"]) == (4, 1, 1, 1, 1)
    assert (beds.nursing.rooms, beds.residential.rooms) == (4, 1)
    assert beds.total.occupancy == pytest.approx(1 / 5)
    assert beds.total.vacancies == 3  # vacant, reserved or not


def test_many_days_at_once_agree_with_each_day_alone(estate):
    days = [dt.date(2026, 11, d) for d in (8, 2, 16, 29)]
    together = beds_on(histories=room_histories(until=max(days)), days=days)
    alone = [beds_on(histories=room_histories(until=d), days=[d])[0] for d in days]
    assert [counts(b.total) for b in together] == [counts(b.total) for b in alone]
    assert [b.day for b in together] == days


def test_the_market_table_counts_the_rooms_on_its_last_day(estate):
    table = market(span=DateRange(dt.date(2026, 11, 2), dt.date(2026, 11, 8))).table
    assert table.figure("care_home_rooms").value == 5
    assert table.figure("care_home_occupancy").value == pytest.approx(0.2)
    assert table.figure("care_home_vacancies").value == 3
    assert table.figure("care_home_suspended").value == 1


def test_suspended_rooms_are_listed_by_home_with_their_reasons(estate):
    willow, _ = estate
    (listed,) = suspended_rooms_on(day=dt.date(2026, 11, 8))
    assert (listed.home, listed.rooms, listed.reasons) == (willow, 1, ["Decoration or repair"])
    assert (listed.since, listed.until) == (dt.date(2026, 11, 5), dt.date(2026, 11, 12))
    assert suspended_rooms_on(day=dt.date(2026, 11, 12)) == []


def test_homes_not_updated_for_more_than_a_week_are_stale(estate):
    _, birch = estate
    stale = stale_homes(now=at(2026, 12, 1, 12))
    assert [(h.home, h.days) for h in stale] == [(birch, 10)]
    assert stale_homes(now=at(2026, 11, 28, 12)) == []  # seven days is not yet stale


def test_inactive_homes_are_left_out(estate):
    willow, _ = estate
    services.care_home_set_active(actor=None, home=willow, is_active=False, now=at(2026, 11, 30))
    (beds,) = beds_on(
        histories=room_histories(until=dt.date(2026, 11, 8)), days=[dt.date(2026, 11, 8)]
    )
    assert beds.total.rooms == 1


def test_reading_only_the_holds_that_reach_the_days_counted_changes_nothing(estate):
    days = [dt.date(2026, 11, d) for d in (12, 16, 20, 29)]
    everything = beds_on(histories=room_histories(until=max(days)), days=days)
    bounded = beds_on(histories=room_histories(since=min(days), until=max(days)), days=days)
    assert [counts(b.total) for b in bounded] == [counts(b.total) for b in everything]


def test_a_request_answered_late_reserves_its_room_no_longer_than_it_asked(world, estate):
    willow, _ = estate
    room = services.room_create(
        actor=None,
        home=willow,
        name="Room 5",
        contract_type=ContractType.SPOT,
        accepts_la_rate=True,
        now=at(2026, 11, 2, 9),
    )
    late = bookings.booking_request_submit(
        actor=world.broker,
        room=room,
        starts_on=dt.date(2026, 11, 3),
        ends_on=dt.date(2026, 11, 6),
        person_reference="AS-200",
        funding="local_authority",
        now=at(2026, 11, 2, 12),
    )
    bookings.booking_request_reject(
        actor=world.care_home_admin,
        booking=late,
        stage="before_assessment",
        reason="no_staff",
        now=at(2026, 11, 10, 9),
    )
    history = next(h for h in room_histories(until=dt.date(2026, 11, 30)) if h.room_id == room.pk)
    assert history.states_on([dt.date(2026, 11, 5), dt.date(2026, 11, 6)]) == ["reserved", "vacant"]


def test_todays_counts_agree_with_the_bed_states_the_homes_see(db, monkeypatch):
    monkeypatch.setattr(demo, "HOMES_PER_DISTRICT", 2)
    rng = random.Random(11)
    load_accounts(rng=rng, now=timezone.now())
    load_postcodes(rng=rng)
    demo.load(rng=rng, now=timezone.now())
    today = timezone.localdate()
    seen = Counter(
        room_state(r).key
        for r in rooms_with_state(rooms=Room.objects.filter(home__is_active=True), day=today)
    )
    (beds,) = beds_on(histories=room_histories(since=today, until=today), days=[today])
    assert (beds.total.occupied, beds.total.suspended, beds.total.reserved, beds.total.vacant) == (
        seen["occupied"],
        seen["closed"],
        seen["reserved"],
        seen["vacant"],
    )
    assert seen["reserved"] and seen["closed"]  # the demo has requests and suspensions to compare


def test_the_care_home_market_splits_nursing_and_residential_homes_in_page_api_and_download(
    world, estate, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 8, 20))
    market = care_home_market(
        span=DateRange(dt.date(2026, 11, 2), dt.date(2026, 11, 8)), now=at(2026, 11, 8, 20)
    )
    assert [(name, counts(b)) for name, b in market.kinds(market.latest)] == [
        ("Nursing homes", (4, 1, 1, 1, 1)),
        ("Residential homes", (1, 0, 0, 0, 1)),
    ]
    client = world.client_for(world.health_searcher)
    body = client.get("/api/v1/market/care-homes?starts_on=2026-11-02&ends_on=2026-11-08").json()
    assert [(k["name"], k["beds"]["rooms"]) for k in body["periods"][-1]["by_kind_of_home"]] == [
        ("Nursing homes", 4),
        ("Residential homes", 1),
    ]
    assert 'data-testid="beds-by-kind"' in client.get("/insight/market/care-homes/?preset=4w").text
    text = client.get(
        "/insight/market/care-homes/download.csv?starts_on=2026-11-02&ends_on=2026-11-08&table=by-care-type"
    ).content.decode()
    assert "Residential homes,1,0,1,0,0,0.0" in text
