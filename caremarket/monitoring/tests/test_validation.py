"""The one pass over a visit file numbers rows by their place in the stored file (issue 13).

The files here are large enough for DuckDB to read them on two threads in several pieces,
so a row that came back out of the CSV's order would be reported under another row number.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caremarket.monitoring.ehm import validation
from caremarket.monitoring.ehm.spec import COLUMN_NAMES
from caremarket.monitoring.ehm.validation import FileContext, file_validate
from caremarket.monitoring.tests.conftest import ANCHOR, BRANCH_A, PERIOD_3, PROVIDER_REF

ROWS = 250_000  # about 37 MB: several of the pieces DuckDB's CSV reader splits a file into
BAD_STATUS, CHECK_OUT_FIRST, REPEATED = 123_456, 201_007, 249_990  # file positions, from 0


def _write(path: Path) -> None:
    values = {
        "provider_reference": f"'{PROVIDER_REF}'",
        "branch_reference": f"'{BRANCH_A}'",
        "period_start": f"'{PERIOD_3.isoformat()}'",
        # The repeated row takes the reference of the row at position 10.
        "visit_reference": f"'V' || CASE WHEN i = {REPEATED} THEN 10 ELSE i END",
        "service_user_reference": "'P' || (i % 500)",
        "carer_reference": "'C' || (i % 40)",
        "service_type": "'PC'",
        "time_critical": "'N'",
        "planned_start": "'2026-01-06 08:00'",
        "planned_end": "'2026-01-06 09:00'",
        "actual_check_in": "'2026-01-06 08:00'",
        "actual_check_out": f"CASE WHEN i = {CHECK_OUT_FIRST} THEN '2026-01-06 07:00'"
        " ELSE '2026-01-06 09:00' END",
        "check_in_method": "'APP'",
        "carers": "'1'",
        "visit_status": f"CASE WHEN i = {BAD_STATUS} THEN 'DONE' ELSE 'DELIVERED' END",
        "exception_code": "''",
    }
    select = ", ".join(f"{values[c]} AS {c}" for c in COLUMN_NAMES)
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT {select} FROM range({ROWS}) t(i))"  # noqa: S608 (the test's own SQL)
            f" TO '{path}' (HEADER, DELIMITER ',')"
        )


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ehm") / "visits.csv"
    _write(path)
    return path


def _validate(path: Path, parquet: Path):
    ctx = FileContext(
        provider_reference=PROVIDER_REF,
        branches={BRANCH_A: "E10000012"},
        anchor=ANCHOR,
        today=dt.date(2026, 2, 10),
    )
    with duckdb.connect(config={"threads": 2}) as con:
        return file_validate(con, path=path, ctx=ctx, parquet=parquet)


def _found(result) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.value) for e in result.errors]


# Spreadsheet rows: the header is row 1, so position i is row i + 2.
EXPECTED = [
    (BAD_STATUS + 2, "visit_status", "DONE"),
    (CHECK_OUT_FIRST + 2, "actual_check_out", "2026-01-06 07:00"),
    (REPEATED + 2, "visit_reference", "V10"),
]


def _stored_columns(parquet: Path) -> set[str]:
    with duckdb.connect() as con:
        schema = con.execute("SELECT name FROM parquet_schema(?)", [str(parquet)]).fetchall()
    return {r[0] for r in schema}


def test_each_broken_row_of_a_file_read_on_two_threads_is_named_by_its_own_row(big_file, tmp_path):
    parquet = tmp_path / "visits.parquet"
    result = _validate(big_file, parquet)
    assert _found(result) == EXPECTED
    with duckdb.connect() as con:
        out_of_order = con.execute(
            "SELECT count(*) FROM read_parquet(?, file_row_number = true)"  # noqa: S608
            f" WHERE visit_reference <> 'V' || file_row_number AND file_row_number <> {REPEATED}",
            [str(parquet)],
        ).fetchone()
    assert "row" not in _stored_columns(parquet)  # numbered by place, not in the pass
    assert out_of_order == (0,)


def test_a_plan_that_would_not_keep_the_order_makes_the_pass_number_the_rows(
    big_file, tmp_path, monkeypatch
):
    # With the IN-list rewrite left on, DuckDB joins the long lists of codes, and a join does
    # not keep the scan's order: the pass must see that and number the rows itself.
    monkeypatch.setattr(validation, "KEEP_ORDER_SETTING", "SET threads = 2")
    parquet = tmp_path / "visits.parquet"
    result = _validate(big_file, parquet)
    assert _found(result) == EXPECTED
    assert "row" in _stored_columns(parquet)


def test_only_plans_of_scans_projections_filters_and_the_batch_copy_keep_the_order(tmp_path):
    source = tmp_path / "t.csv"
    source.write_text("a,b\nx,1\n")
    target = tmp_path / "t.parquet"
    read = f"read_csv('{source}', all_varchar = true)"
    codes = "('A', 'B', 'C', 'D', 'E', 'F', 'G')"
    # The test's own fixed SQL throughout.
    with duckdb.connect(config={"threads": 2}) as con:
        plain = f"COPY (SELECT upper(a) AS a FROM {read} WHERE b <> '2') TO '{target}'"  # noqa: S608
        assert validation._keeps_order(con, plain)
        joined = f"COPY (SELECT a NOT IN {codes} AS x FROM {read}) TO '{target}'"  # noqa: S608
        assert not validation._keeps_order(con, joined)
        con.execute(validation.KEEP_ORDER_SETTING)
        assert validation._keeps_order(con, joined)
        grouped = f"COPY (SELECT a, count(*) FROM {read} GROUP BY a) TO '{target}'"  # noqa: S608
        assert not validation._keeps_order(con, grouped)
    with duckdb.connect(config={"threads": 1}) as con:
        assert validation._keeps_order(con, plain)


# Near misses of YYYY-MM-DD HH:MM, every one 16 characters long as the fast path requires.
_NEAR = [
    y + s0 + m + s1 + d + s2 + h + s3 + mi
    for y, s0, m, s1, d, s2, h, s3, mi in itertools.product(
        ["2026", "026", "26", "02026"],
        ["-", "/", "- "],
        ["1", "01", "001", " 1", "13"],
        ["-", " -"],
        ["5", "05", "31", " 5"],
        [" ", "  ", "T", "\t"],
        ["7", "07", " 7", "24"],
        [":", " :", "."],
        ["0", "00", "000", "60"],
    )
]


def test_the_fast_reading_of_a_date_time_agrees_with_the_full_one():
    near = [v for v in _NEAR if len(v) == 16]
    fast = "try_strptime(c, '%Y-%m-%d %H:%M')"
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t AS SELECT unnest(?::VARCHAR[]) AS c", [near])
        read, disagree = con.execute(
            f"SELECT count(*), count(*) FILTER ({validation._suffix('c')} IS NOT NULL"  # noqa: S608
            f" OR {validation._timestamp('c')} IS DISTINCT FROM {fast})"
            f" FROM t WHERE {fast} IS NOT NULL"
        ).fetchone()
    assert read > 20 and disagree == 0


@functools.cache
def _connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", "Z", "1", " ", "\t", "\u00a0", "\u3000", "é", "\u2009"]))
)
def test_the_quick_trim_keeps_exactly_what_trim_keeps(text):
    quick, full = (
        _connection()
        .execute(
            f"SELECT {validation._trimmed('c')}, NULLIF(trim(c), '') FROM (SELECT ? AS c)",  # noqa: S608
            [text],
        )
        .fetchone()
    )
    assert quick == full
