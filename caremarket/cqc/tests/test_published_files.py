"""The CQC files as CQC publishes them: each shape, each rule of the import (decision 0018)."""

from __future__ import annotations

import datetime as dt

import pytest

from caremarket.audit.models import AuditEvent
from caremarket.common.tabular import TableError
from caremarket.cqc.models import CqcImport, CqcLocation
from caremarket.cqc.selectors import cqc_rating_summary
from caremarket.cqc.services import cqc_import
from caremarket.cqc.tests import published as p

NOW = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)
GOOD = dict.fromkeys(("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led"), "Good")


def imported(data: bytes, filename: str, **kwargs) -> CqcImport:
    return cqc_import(data=data, filename=filename, now=kwargs.pop("now", NOW), **kwargs)


def reasons(run: CqcImport) -> dict[int, tuple[str, str]]:
    return {s["row"]: (s["column"], s["reason"]) for s in run.skipped}


def test_the_directory_csv_with_preamble_bom_and_quoted_commas_reads_every_good_row(db):
    data = p.directory_csv(
        [
            p.directory_row("1-101", "Meadow View", "cm1  1aa"),
            p.directory_row("1-102", "Hill, House", " co1 1ab "),
            p.directory_row("1-103", "No Postcode", ""),
            p.directory_row("1-104", "Spaced Site", "CM2 9AA", website="www.spaced .example"),
            p.directory_row("1-105", "Bad Date", "CM2 9AB", checked="31/13/2026"),
            p.directory_row("1-101", "Meadow View again", "CM1 1AA"),
        ]
    )
    run = imported(data, "07_October_2026_CQC_directory.csv")
    assert run.kind == CqcImport.Kind.DIRECTORY
    assert (run.rows_read, run.created, run.updated, run.unchanged) == (6, 2, 0, 0)
    assert run.file_date == dt.date(2026, 10, 1)  # "Data as at 01 October 2026"
    meadow = CqcLocation.objects.get(location_id="1-101")
    assert (meadow.postcode, meadow.last_checked) == ("CM1 1AA", dt.date(2026, 3, 5))
    assert CqcLocation.objects.get(location_id="1-102").name == "Hill, House"
    assert CqcLocation.objects.get(location_id="1-102").postcode == "CO1 1AB"
    # The header is row 5 (after four preamble lines, one blank); rows are the file's lines.
    assert reasons(run) == {
        8: ("Postcode", "location 1-103: no postcode"),
        9: (
            "Service's website (if available)",
            "location 1-104: the website “www.spaced .example” has a space in it",
        ),
        10: (
            "Date of latest check",
            "location 1-105: “31/13/2026” is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
        ),
        11: (
            "CQC Location ID (for office use only)",
            "location 1-101 appears twice; the first row was kept",
        ),
    }


def test_the_2017_to_2020_headings_are_read_under_their_current_names(db):
    data = p.directory_csv(
        [p.directory_row("1-201", "Old Rectory", "CM1 1AA", authority="Essex")], headings=p.OLD
    )
    run = imported(data, "23_August_2017_CQC_directory.csv")
    location = CqcLocation.objects.get(location_id="1-201")
    assert (location.local_authority, location.name) == ("Essex", "Old Rectory")
    assert run.file_date == dt.date(2026, 10, 1)


def test_running_an_unchanged_file_again_reports_unchanged_not_updated(db):
    data = p.directory_csv([p.directory_row("1-301", "Ash", "CM1 1AA")])
    imported(data, "d.csv")
    again = imported(data, "d.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = p.directory_csv([p.directory_row("1-301", "Ash Court", "CM1 1AA")])
    assert imported(changed, "d.csv").updated == 1


def test_the_filters_workbook_gives_beds_bands_and_the_provider_after_its_readme(db):
    data = p.filters_xlsx(
        [
            p.filters_row("1-401", "Cedar Nursing", "CM1 1AA", beds=42, nursing=True),
            p.filters_row(
                "1-402",
                "Home Care Office",
                "CM1 1AB",
                beds=None,
                home_care=True,
                residential=False,
                dementia=False,
            ),
            p.filters_row("1-403", "Beds Wrong", "CM1 1AC", beds="many"),
        ]
    )
    run = imported(data, "01_October_2026_HSCA_Active_Locations.xlsx")
    assert run.kind == CqcImport.Kind.FILTERS
    assert run.file_date == dt.date(2026, 10, 1)  # from the README sheet
    assert run.notes[0] == (
        "Read from 01_October_2026_HSCA_Active_Locations.xlsx, sheet HSCA_Active_Locations,"
        " headings on row 1."
    )
    cedar = CqcLocation.objects.get(location_id="1-401")
    assert cedar.care_home_beds == 42
    assert cedar.service_types == [
        "Care home service with nursing",
        "Care home service without nursing",
    ]
    assert cedar.service_user_bands == ["Dementia", "Older People"]
    assert (cedar.provider_id, cedar.provider_name) == ("1-900000001", "Meadow Care Ltd")
    assert cedar.address == "1 Cedar Nursing Road, Chelmsford, Essex"
    office = CqcLocation.objects.get(location_id="1-402")
    assert office.service_types == ["Domiciliary care service"]
    assert reasons(run)[4] == ("Care homes beds", "location 1-403: “many” is not a number of beds")


def test_the_filters_workbook_reads_the_same_as_ods(db, tmp_path):
    data = p.as_ods(
        p.filters_xlsx([p.filters_row("1-451", "Cedar Nursing", "CM1 1AA", beds=42)]),
        "01_October_2026_HSCA_Active_Locations",
        tmp_path,
    )
    run = imported(data, "01_October_2026_HSCA_Active_Locations.ods")
    assert (run.kind, run.created) == (CqcImport.Kind.FILTERS, 1)
    assert CqcLocation.objects.get(location_id="1-451").care_home_beds == 42


@pytest.mark.parametrize("domain", ["Domain", "Key Question"])
@pytest.mark.parametrize("shape", ["xlsx", "csv"])
def test_ratings_keep_the_locations_own_rating_and_count_the_rest(db, domain, shape):
    imported(p.directory_csv([p.directory_row("1-501", "Rated", "CM1 1AA")]), "d.csv")
    rows = [
        *p.ratings_rows("1-501", GOOD),
        *p.ratings_rows("1-501", {"Safe": "Inadequate"}, group="Dementia care"),
        *p.ratings_rows("1-999", {"Overall": "Outstanding"}),
    ]
    build = p.ratings_xlsx if shape == "xlsx" else p.ratings_csv
    run = imported(build(rows, domain=domain), f"01_October_2026_Latest_ratings.{shape}")
    assert run.kind == CqcImport.Kind.RATINGS
    assert (run.created, run.group_rows_ignored, run.unknown_locations) == (7, 1, 1)
    summary = cqc_rating_summary(location_id="1-501")
    assert summary.ratings["Safe"] == "Good" and summary.tier1_eligible
    again = imported(build(rows, domain=domain), "r." + shape)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_ratings_as_ods_are_read_from_the_locations_sheet(db, tmp_path):
    data = p.as_ods(p.ratings_xlsx(p.ratings_rows("1-551", GOOD)), "ratings", tmp_path)
    run = imported(data, "01_October_2026_Latest_ratings.ods")
    assert (run.kind, run.created) == (CqcImport.Kind.RATINGS, 6)


def test_a_file_of_no_known_shape_is_refused_naming_the_headings_of_each_kind(db):
    with pytest.raises(TableError) as caught:
        imported(b"Code,Title\n1,Something\n", "other.csv")
    message = caught.value.message
    assert "other.csv: not a file of any kind" in message
    for expected in (
        "Latest ratings: Location ID, Domain, Latest Rating",
        "Care directory with filters: Location ID, Location Name, Care home?",
        "Care directory: Name, CQC Location ID (for office use only)",
    ):
        assert expected in message
    assert not CqcImport.objects.exists()


def test_a_small_file_is_partial_and_deregisters_nothing(db):
    imported(
        p.directory_csv(
            [p.directory_row("1-601", "A", "CM1 1AA"), p.directory_row("1-602", "B", "CM1 1AB")]
        ),
        "d.csv",
    )
    run = imported(p.directory_csv([p.directory_row("1-601", "A", "CM1 1AA")]), "d.csv")
    assert run.complete is False and run.deregistered == 0
    assert "Taken as a partial file" in run.notes[1]
    assert CqcLocation.objects.get(location_id="1-602").registered


def test_a_complete_file_deregisters_what_it_no_longer_lists_from_its_date(db, settings):
    settings.CQC_COMPLETE_FILE_MIN_LOCATIONS = 2
    rows = [
        p.directory_row("1-701", "A", "CM1 1AA", region="East"),
        p.directory_row("1-702", "B", "SS1 1AA", region="East"),
        p.directory_row("1-703", "C", "M1 1AA", region="North West"),
    ]
    imported(p.directory_csv(rows), "d.csv")
    run = imported(p.directory_csv([rows[0], rows[2]]), "07_October_2026_CQC_directory.csv")
    assert run.complete is True and run.deregistered == 1
    assert "Taken as the complete register" in run.notes[1]
    gone = CqcLocation.objects.get(location_id="1-702")
    assert (gone.registered, gone.deregistered_on) == (False, dt.date(2026, 10, 1))
    # Listed again later: registered again.
    back = imported(p.directory_csv(rows), "d.csv", now=NOW + dt.timedelta(days=30))
    assert back.updated >= 1
    assert CqcLocation.objects.get(location_id="1-702").registered


def test_asking_for_a_partial_import_keeps_a_large_file_from_deregistering(db, settings):
    settings.CQC_COMPLETE_FILE_MIN_LOCATIONS = 1
    rows = [
        p.directory_row("1-801", "A", "CM1 1AA"),
        p.directory_row("1-802", "B", "M1 1AA", region="North West"),
    ]
    imported(p.directory_csv(rows), "d.csv")
    run = imported(p.directory_csv(rows[:1]), "d.csv", partial=True)
    assert (run.complete, run.deregistered) == (False, 0)
    assert CqcLocation.objects.get(location_id="1-802").registered


def test_an_import_that_fails_half_way_leaves_the_database_as_it_was(db, settings):
    imported(p.directory_csv([p.directory_row("1-901", "Kept", "CM1 1AA")]), "d.csv")
    settings.CQC_IMPORT_HOOKS = ["caremarket.cqc.tests.test_published_files.failing_hook"]
    with pytest.raises(RuntimeError):
        imported(p.directory_csv([p.directory_row("1-901", "Renamed", "CM1 1AA")]), "d.csv")
    assert CqcLocation.objects.get(location_id="1-901").name == "Kept"
    assert CqcImport.objects.count() == 1


def failing_hook(**_: object) -> None:
    raise RuntimeError("the worker stopped")


def test_each_run_is_audited_with_its_counts(db):
    run = imported(p.directory_csv([p.directory_row("1-951", "A", "CM1 1AA")]), "d.csv")
    event = AuditEvent.objects.get(action="cqc.directory_imported")
    assert event.data["created"] == 1 and event.object_id == str(run.pk)
