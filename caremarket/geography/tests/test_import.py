import io

import pytest
from django.core.management import CommandError, call_command

from caremarket.audit.models import AuditEvent
from caremarket.geography.models import Postcode
from caremarket.geography.selectors import postcode_locate
from caremarket.geography.services import PostcodeFileError, postcode_import

HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,lat,long\n"


def onspd(*rows):
    return io.StringIO(HEADER + "".join(rows))


ROWS = (
    "CM1 1QH,CM1  1QH,CM1 1QH,198001,,E07000070,51.735648,0.468502\n",
    "CO1 1AA,CO1  1AA,CO1 1AA,198001,,E07000071,51.889,0.901\n",
    "CM3 4AB,CM3  4AB,CM3 4AB,198001,,E07000074,51.700,0.600\n",  # CM3 inside Maldon
    "SS1 1AA,SS1  1AA,SS1 1AA,198001,,E06000033,51.540,0.720\n",  # neighbour: Southend
    "M1 1AA,M1  1AA,M1 1AA,198001,,E08000003,53.480,-2.240\n",  # Manchester: outside
    "CM2 0ZZ,CM2  0ZZ,CM2 0ZZ,198001,200512,E07000070,51.72,0.49\n",  # terminated
    "CM2 9ZZ,CM2  9ZZ,CM2 9ZZ,198001,,E07000070,99.999999,0.000000\n",  # no grid reference
)


def test_import_keeps_essex_and_neighbours_and_skips_terminated(db):
    run = postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv")
    assert set(Postcode.objects.values_list("postcode", flat=True)) == {
        "CM1 1QH",
        "CO1 1AA",
        "CM3 4AB",
        "SS1 1AA",
    }
    assert (
        run.rows_read,
        run.skipped_outside_area,
        run.skipped_terminated,
        run.skipped_no_location,
    ) == (7, 1, 1, 1)
    assert AuditEvent.objects.filter(action="postcodes.imported").count() == 1


def test_import_all_keeps_everything_live(db):
    postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv", keep_all=True)
    assert Postcode.objects.filter(postcode="M1 1AA").exists()


def test_running_twice_duplicates_nothing_and_updates_in_place(db):
    postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv")
    moved = ROWS[0].replace("51.735648", "51.740000")
    postcode_import(stream=onspd(moved, *ROWS[1:]), filename="ONSPD.csv")
    assert Postcode.objects.count() == 4
    assert Postcode.objects.get(postcode="CM1 1QH").lat == pytest.approx(51.74)


def test_a_postcode_terminated_since_the_last_import_is_removed(db):
    postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv")
    terminated = ROWS[1].replace(",198001,,", ",198001,202401,")
    run = postcode_import(stream=onspd(ROWS[0], terminated), filename="ONSPD.csv")
    assert run.removed_terminated == 1
    assert not Postcode.objects.filter(postcode="CO1 1AA").exists()


def test_malformed_row_names_row_and_column_and_stores_nothing(db):
    postcode_import(stream=onspd(ROWS[0]), filename="first.csv")
    bad = "CO1 1AA,CO1  1AA,CO1 1AA,198001,,E07000071,north,0.901\n"
    with pytest.raises(PostcodeFileError) as exc:
        postcode_import(stream=onspd(ROWS[2], bad), filename="second.csv")
    assert "second.csv, row 3, column lat" in exc.value.message
    # Nothing from the failed file, and the earlier import is intact.
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["CM1 1QH"]


def test_malformed_postcode_in_the_file(db):
    with pytest.raises(PostcodeFileError, match="row 2, column pcds"):
        postcode_import(stream=onspd("XX,XX,NOTAPC,1,,E07000070,51.7,0.4\n"), filename="f.csv")


def test_missing_columns_are_named(db):
    with pytest.raises(PostcodeFileError, match="no column lat, long"):
        postcode_import(
            stream=io.StringIO("pcds,oslaua,doterm\nCM1 1QH,E07000070,\n"), filename="f.csv"
        )


def test_command_streams_a_file(db, tmp_path):
    path = tmp_path / "ONSPD.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_postcodes", str(path), stdout=out)
    assert "4 postcodes stored" in out.getvalue()


def test_command_reports_bad_files_clearly(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_postcodes", str(path))


def test_lookup_is_exact_for_a_known_postcode(db):
    postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv")
    where = postcode_locate(postcode="cm34ab")
    assert where.exact and where.district.name == "Maldon"  # not Chelmsford, as CM3 would guess


def test_lookup_falls_back_to_the_outward_code_and_says_so(db):
    where = postcode_locate(postcode="CM3 9XX")
    assert not where.exact
    assert where.district.name == "Chelmsford"
    assert "Approximate" in where.precision_note
