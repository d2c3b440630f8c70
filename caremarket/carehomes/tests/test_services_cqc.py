"""Care homes from the CQC register: only the council's area, deregistration (decision 0019)."""

from __future__ import annotations

import datetime as dt

from caremarket.carehomes.models import CareHome
from caremarket.carehomes.selectors.search import VacancyQuery, vacancy_search
from caremarket.carehomes.services.bookings import booking_request_submit
from caremarket.cqc.services import cqc_import
from caremarket.cqc.tests import published as p
from caremarket.geography.models import Postcode
from caremarket.notifications.models import Notification


def _postcodes() -> None:
    Postcode.objects.bulk_create(
        [
            Postcode(postcode="SS1 1AA", oslaua="E06000033", lat=51.540, lng=0.720),  # Southend
            Postcode(postcode="RM17 6AA", oslaua="E06000034", lat=51.478, lng=0.330),  # Thurrock
            Postcode(postcode="M1 1AA", oslaua="E08000003", lat=53.480, lng=-2.240),  # Manchester
        ]
    )


ROWS = [
    p.directory_row("1-11", "Essex Home", "CM1 1AA"),
    p.directory_row("1-12", "Southend Home", "SS1 1AA"),
    p.directory_row("1-13", "Thurrock Home", "RM17 6AA"),
    p.directory_row("1-14", "Manchester Home", "M1 1AA", region="North West"),
    p.directory_row("1-15", "Outward Only", "CM2 7QQ"),  # not in the postcode directory
    p.directory_row("1-16", "Essex Agency", "CM1 1AA", types="Homecare agencies"),
]


def test_only_homes_in_the_councils_area_become_care_homes(estate):
    _postcodes()
    run = cqc_import(data=p.directory_csv(ROWS), filename="d.csv", now=estate.now)
    homes = set(
        CareHome.objects.filter(cqc_location_id__startswith="1-1").values_list("name", flat=True)
    )
    assert homes == {"Essex Home", "Outward Only"}
    assert (
        "Care-home locations outside the council's area (kept as CQC locations only): 3."
        in run.notes
    )
    assert (
        "Care homes placed by their outward code only (postcode not in the ONS directory): 1."
        in run.notes
    )
    assert not CareHome.objects.get(cqc_location_id="1-15").location_exact


def test_named_neighbouring_areas_add_their_homes(estate, settings):
    _postcodes()
    settings.CQC_NEIGHBOUR_AREAS = ["Southend-on-Sea", "E06000034"]
    cqc_import(data=p.directory_csv(ROWS), filename="d.csv", now=estate.now)
    names = set(CareHome.objects.values_list("name", flat=True))
    assert {"Southend Home", "Thurrock Home"} <= names
    assert "Manchester Home" not in names


def test_a_deregistered_home_leaves_search_keeps_its_history_and_its_requesters_are_told(
    world, estate, settings
):
    settings.CQC_COMPLETE_FILE_MIN_LOCATIONS = 2
    _postcodes()
    listed = [
        p.directory_row(estate.home.cqc_location_id, "Willow House", "CM1 1AA"),
        p.directory_row("1-21", "Far Away", "M1 1AA", region="North West"),
        p.directory_row("1-22", "Near", "CO1 1AA"),
    ]
    cqc_import(data=p.directory_csv(listed), filename="d.csv", now=estate.now)
    booking = booking_request_submit(
        actor=world.broker,
        room=estate.spot,
        starts_on=estate.today + dt.timedelta(days=3),
        person_reference="P-1",
        funding="local_authority",
        now=estate.now,
    )
    query = VacancyQuery(district="E07000070")
    before = vacancy_search(viewer=world.broker, query=query, now=estate.now)
    assert estate.home.pk in {r.home.pk for r in before.results}
    run = cqc_import(
        data=p.directory_csv(listed[1:]),
        filename="07_October_2026_CQC_directory.csv",
        now=estate.now,
    )
    assert run.deregistered == 1
    assert "Care homes that left search (deregistered): 1." in run.notes
    home = CareHome.objects.get(pk=estate.home.pk)
    assert (home.is_active, home.cqc_deregistered_on) == (False, dt.date(2026, 10, 1))
    assert home.rooms.count() == 4  # history kept
    after = vacancy_search(viewer=world.broker, query=query, now=estate.now)
    assert estate.home.pk not in {r.home.pk for r in after.results}
    told = Notification.objects.get(event="carehomes.home_deregistered")
    assert told.recipient == world.broker and str(booking.pk) in told.url
    cqc_import(data=p.directory_csv(listed), filename="d.csv", now=estate.now)
    assert CareHome.objects.get(pk=estate.home.pk).is_active
