import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from caremarket.common.tabular import TableError
from caremarket.cqc.models import CqcImport, CqcLocation, CqcRating
from caremarket.cqc.selectors import cqc_rating_summary
from caremarket.cqc.services import cqc_directory_import, cqc_import

FIXTURES = Path(__file__).parent / "fixtures"


def read(name):
    return (FIXTURES / name).read_bytes()


def test_directory_import_creates_locations_and_reports_each_skipped_row(db):
    run = cqc_directory_import(
        data=read("directory.csv"), filename="directory.csv", now=timezone.now()
    )
    assert set(CqcLocation.objects.values_list("location_id", flat=True)) == {
        "1-100000001",
        "1-100000002",
    }
    reasons = {s["row"]: s["reason"] for s in run.skipped}
    assert reasons[8] == "no CQC Location ID"
    assert "“31/13/2025” is not a date" in reasons[9]
    assert "appears twice" in reasons[10]
    oak = CqcLocation.objects.get(location_id="1-100000001")
    assert oak.service_types == ["Nursing homes", "Residential homes"]
    assert "Dementia" in oak.specialisms
    assert oak.last_checked.isoformat() == "2026-03-05"


def test_directory_import_runs_twice_without_duplicates(db):
    cqc_directory_import(data=read("directory.csv"), filename="d.csv", now=timezone.now())
    run = cqc_directory_import(data=read("directory.csv"), filename="d.csv", now=timezone.now())
    assert CqcLocation.objects.count() == 2
    assert (run.created, run.updated, run.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("name", ["ratings.csv", "ratings.ods"])
def test_ratings_import_reads_csv_and_ods_and_keeps_location_level_ratings(db, name):
    run = cqc_import(data=read(name), filename=name, now=timezone.now())
    assert run.kind == CqcImport.Kind.RATINGS
    oak = cqc_rating_summary(location_id="1-100000001")
    assert oak.ratings["Safe"] == "Good"  # the population-group row rated Inadequate is detail
    assert oak.tier1_eligible
    elm = cqc_rating_summary(location_id="1-100000002")
    assert elm.overall == "Requires improvement"
    assert not elm.tier1_eligible
    assert elm.problems() == [
        "Overall is Requires improvement",
        "Safe is Requires improvement",
        "Well-led is not rated",
    ]
    assert any("Bravery" in s["reason"] for s in run.skipped)
    assert any(s["reason"] == "no Location ID" for s in run.skipped)


def test_ratings_import_runs_twice_without_duplicates(db):
    cqc_import(data=read("ratings.csv"), filename="r.csv", now=timezone.now())
    run = cqc_import(data=read("ratings.csv"), filename="r.csv", now=timezone.now())
    assert CqcRating.objects.count() == 6
    assert (run.created, run.updated) == (0, 0)


def test_a_file_of_neither_kind_is_refused_clearly(db):
    with pytest.raises(TableError, match="not a file of any kind this import takes"):
        cqc_import(data=b"a,b,c\n1,2,3\n", filename="other.csv", now=timezone.now())


def test_binary_and_old_excel_files_are_refused_clearly(db):
    with pytest.raises(TableError, match="old Excel"):
        cqc_import(
            data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50,
            filename="x.xls",
            now=timezone.now(),
        )
    with pytest.raises(TableError, match="binary"):
        cqc_import(data=b"\x00\x01\x02binary", filename="x.csv", now=timezone.now())


def test_command_imports_both_files_and_lists_skips(db):
    out = io.StringIO()
    call_command(
        "import_cqc", str(FIXTURES / "directory.csv"), str(FIXTURES / "ratings.ods"), stdout=out
    )
    text = out.getvalue()
    assert "directory.csv (Care directory, partial): 5 rows, 2 created" in text
    assert "row 8, CQC Location ID (for office use only): skipped, no CQC Location ID" in text
    assert "ratings.ods (Latest ratings)" in text
