import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from caremarket.audit.models import AuditEvent
from caremarket.geography.models import Postcode, PostcodeImport
from caremarket.geography.selectors import postcode_locate
from caremarket.geography.services import PostcodeFileError, postcode_import

NOW = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,lat,long\n"


def onspd(*rows, header=HEADER):
    return io.BytesIO((header + "".join(rows)).encode())


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
    run = postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv", now=NOW)
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
    postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv", keep_all=True, now=NOW)
    assert Postcode.objects.filter(postcode="M1 1AA").exists()


def test_running_twice_duplicates_nothing_and_updates_in_place(db):
    postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv", now=NOW)
    moved = ROWS[0].replace("51.735648", "51.740000")
    postcode_import(stream=onspd(moved, *ROWS[1:]), filename="ONSPD.csv", now=NOW)
    assert Postcode.objects.count() == 4
    assert Postcode.objects.get(postcode="CM1 1QH").lat == pytest.approx(51.74)


def test_a_postcode_terminated_since_the_last_import_is_removed(db):
    postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv", now=NOW)
    terminated = ROWS[1].replace(",198001,,", ",198001,202401,")
    run = postcode_import(stream=onspd(ROWS[0], terminated), filename="ONSPD.csv", now=NOW)
    assert run.removed_terminated == 1
    assert not Postcode.objects.filter(postcode="CO1 1AA").exists()


def test_a_bad_row_is_skipped_with_its_row_column_and_reason_and_the_rest_imported(db):
    bad = "CO1 1AA,CO1  1AA,CO1 1AA,198001,,E07000071,north,0.901\n"
    not_a_postcode = "XX,XX,NOTAPC,1,,E07000070,51.7,0.4\n"
    run = postcode_import(
        stream=onspd(ROWS[2], bad, not_a_postcode), filename="second.csv", now=NOW
    )
    assert run.skipped_bad_rows == 2
    assert run.skipped == [
        {"row": 3, "column": "lat", "reason": "CO1 1AA: “north” is not a number"},
        {"row": 4, "column": "pcds", "reason": "“NOTAPC” is not a postcode"},
    ]
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["CM3 4AB"]


def test_a_file_without_the_directorys_columns_is_refused_naming_them(db):
    with pytest.raises(PostcodeFileError, match="not the ONS postcode directory"):
        postcode_import(
            stream=io.BytesIO(b"pcds,oslaua,doterm\nCM1 1QH,E07000070,\n"),
            filename="f.csv",
            now=NOW,
        )
    assert not PostcodeImport.objects.exists()


# The NSPL of August 2026 as published (35 columns); lad26cd is found by its pattern.
NSPL_2026 = (
    "pcd7,pcd8,pcds,dointr,doterm,usrtypind,east1m,north1m,gridind,oa21cd,cty26cd,ced25cd,"
    "lad26cd,wd26cd,nhser24cd,ctry26cd,rgn26cd,pcon24cd,ttwa15cd,itl25cd,npark16cd,lsoa21cd,"
    "msoa21cd,wz11cd,sicbl26cd,bua24cd,ruc21ind,oac21ind,lat,long,lep21cd1,lep21cd2,pfa23cd,"
    "imd25ind,icb26cd\n"
)


def _nspl_row(pcd7, pcds, lad, lat, lng, *, doterm="", grid="1"):
    cells = [""] * 35
    cells[0], cells[1], cells[2], cells[3], cells[4] = (
        pcd7,
        pcds.replace(" ", "  "),
        pcds,
        "198001",
        doterm,
    )
    cells[8], cells[12], cells[28], cells[29] = grid, lad, lat, lng
    return ",".join(f'"{c}"' for c in cells) + "\n"


def test_the_2025_on_headings_are_read_with_the_district_found_by_its_pattern(db):
    rows = [
        _nspl_row("CM1 1QH", "CM1 1QH", "E07000070", "51.735648", "0.468502"),
        _nspl_row("CM3 4AB", "CM3 4AB", "E07000074", "51.700", "0.600"),
        _nspl_row("M1  1AA", "M1 1AA", "E08000003", "53.48", "-2.24"),
        _nspl_row("CM2 0ZZ", "CM2 0ZZ", "E07000070", "51.72", "0.49", doterm="200512"),
        _nspl_row("CM2 9ZZ", "CM2 9ZZ", "E07000070", "", "", grid="9"),
    ]
    run = postcode_import(
        stream=onspd(*rows, header=NSPL_2026), filename="NSPL_AUG_2026_UK.csv", now=NOW
    )
    assert run.columns["district"] == "lad26cd"
    assert set(Postcode.objects.values_list("postcode", flat=True)) == {"CM1 1QH", "CM3 4AB"}
    assert (run.skipped_outside_area, run.skipped_terminated, run.skipped_no_location) == (1, 1, 1)


def test_the_nspl_before_2025_reads_its_laua_column(db):
    header = "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,laua,lat,long\n"
    row = "CM1 1QH,CM1  1QH,CM1 1QH,198001,,0,570000,207000,1,E07000070,51.735648,0.468502\n"
    run = postcode_import(
        stream=onspd(row, header=header), filename="NSPL_FEB_2024_UK.csv", now=NOW
    )
    assert run.columns["district"] == "laua" and run.stored == 1


def test_a_bom_and_lower_case_postcodes_are_read(db):
    data = ("\ufeff" + HEADER + "cm1 1qh,CM1  1QH,cm1  1qh,198001,,E07000070,51.73,0.46\n").encode()
    postcode_import(stream=io.BytesIO(data), filename="ONSPD.csv", now=NOW)
    assert Postcode.objects.filter(postcode="CM1 1QH").exists()


def test_command_streams_a_file(db, tmp_path):
    path = tmp_path / "ONSPD.csv"
    path.write_text(HEADER + "".join(ROWS), encoding="utf-8-sig")
    out = io.StringIO()
    call_command("import_postcodes", str(path), stdout=out)
    assert "4 postcodes stored" in out.getvalue()


def test_command_reports_bad_files_clearly(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(CommandError, match="not a text file"):
        call_command("import_postcodes", str(path))


def test_lookup_is_exact_for_a_known_postcode(db):
    postcode_import(stream=onspd(*ROWS), filename="ONSPD.csv", now=NOW)
    where = postcode_locate(postcode="cm34ab")
    assert where.exact and where.district.name == "Maldon"  # not Chelmsford, as CM3 would guess


def test_lookup_falls_back_to_the_outward_code_and_says_so(db):
    where = postcode_locate(postcode="CM3 9XX")
    assert not where.exact
    assert where.district.name == "Chelmsford"
    assert "Approximate" in where.precision_note
