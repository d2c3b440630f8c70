"""Malformed files: each gets a clear error naming where, and nothing is stored."""

import io
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from caremarket.common.errors import ValidationFailed
from caremarket.monitoring.ehm.spec import COLUMN_NAMES, REQUIRED
from caremarket.monitoring.models import KpiResult, Submission
from caremarket.monitoring.tests.conftest import csv_bytes, visit

fuzz = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def rejected(ehm, data, **kwargs):
    submission = ehm.send(data, **kwargs)
    assert submission.status == Submission.Status.REJECTED, submission.message
    assert submission.error_count >= 1 and submission.errors
    assert not submission.is_current and submission.store_path == ""
    assert ehm.stored_files() == []  # no Parquet, no kept upload, no temporary file
    assert not KpiResult.objects.filter(submission=submission).exists()
    return submission


def rules(submission):
    return [e["rule"] for e in submission.errors]


def test_a_good_file_is_stored_whole_as_one_parquet_file(ehm):
    submission = ehm.send(csv_bytes([visit(), visit()]))
    assert submission.status == "accepted"
    assert ehm.stored_files() == [
        f"visits/period=3/provider=1-000000009/submission-{submission.pk}.parquet"
    ]


@fuzz
@given(st.text(alphabet=st.characters(min_codepoint=0xA0, max_codepoint=0xFF), min_size=1))
def test_text_in_another_encoding_is_rejected_naming_the_line(ehm, name):
    data = csv_bytes([visit(), visit(carer_reference=name)]).decode().encode("latin-1")
    try:
        data.decode("utf-8")
        assume(False)  # happened to be valid UTF-8 too
    except UnicodeDecodeError:
        pass
    submission = rejected(ehm, data)
    assert submission.errors[0]["row"] == 3
    assert "not UTF-8" in submission.errors[0]["rule"]


def test_utf16_is_rejected_as_a_whole(ehm):
    submission = rejected(ehm, csv_bytes([visit()]).decode().encode("utf-16"))
    assert "UTF-16" in rules(submission)[0]


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(ehm):
    data = b"\xef\xbb\xbf" + csv_bytes([visit(), visit()]).replace(b"\n", b"\r\n")
    assert ehm.send(data).status == "accepted"


@fuzz
@given(st.sampled_from(REQUIRED))
def test_a_missing_required_column_is_named(ehm, column):
    columns = tuple(c for c in COLUMN_NAMES if c != column)
    submission = rejected(ehm, csv_bytes([visit()], columns=columns))
    assert {"row": 1, "column": column, "value": "", "rule": rules(submission)[0]} in (
        submission.errors
    )
    assert "required column is missing" in rules(submission)[0]


@fuzz
@given(st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=20))
def test_an_extra_column_is_named(ehm, name):
    assume(name.strip() and name not in COLUMN_NAMES)
    submission = rejected(ehm, csv_bytes([visit()], columns=(*COLUMN_NAMES, name)))
    assert submission.errors[0]["value"] == name and "Unknown column" in rules(submission)[0]


def test_a_row_with_too_few_values_is_rejected_naming_its_line(ehm):
    data = csv_bytes([visit(), visit()]) + b"1-000000009,1-200000001\n"
    submission = rejected(ehm, data)
    assert submission.errors[0]["row"] == 4 and "fewer values" in rules(submission)[0]


@fuzz
@given(
    st.sampled_from(["planned_start", "planned_end", "actual_check_in", "actual_check_out"]),
    st.one_of(
        st.sampled_from(
            ["2026-02-30 08:00", "31/13/2026 10:00", "2026-01-06 25:00", "2026-01-06", "soon"]
        ),
        st.text(alphabet=string.ascii_letters + string.digits + "/-", min_size=1, max_size=12),
    ),
)
def test_bad_or_impossible_date_times_are_named(ehm, column, value):
    submission = rejected(ehm, csv_bytes([visit(), visit(**{column: value})]))
    assert any(e["row"] == 3 and e["column"] == column for e in submission.errors)


@fuzz
@given(st.integers(min_value=0, max_value=600))
def test_check_out_before_check_in_is_rejected(ehm, minutes_before):
    check_in = "2026-01-06 18:00"
    hour, minute = divmod(18 * 60 - minutes_before, 60)
    check_out = f"2026-01-06 {hour:02d}:{minute:02d}"
    row = visit(actual_check_in=check_in, actual_check_out=check_out)
    submission = rejected(ehm, csv_bytes([visit(), row]))
    assert {
        "row": 3,
        "column": "actual_check_out",
        "value": check_out,
        "rule": "Check-out is before (or the same as) check-in.",
    } in submission.errors


@fuzz
@given(st.integers(min_value=1, max_value=5))
def test_duplicated_rows_are_rejected(ehm, copies):
    row = visit(visit_reference="V-SAME")
    submission = rejected(ehm, csv_bytes([row] * (copies + 1)))
    assert [e["row"] for e in submission.errors if "Duplicated" in e["rule"]] == list(
        range(3, copies + 3)
    )


@fuzz
@given(st.sampled_from(COLUMN_NAMES), st.integers(min_value=101, max_value=20_000))
def test_enormous_fields_are_rejected(ehm, column, length):
    submission = rejected(ehm, csv_bytes([visit(**{column: "x" * length})]))
    assert any(
        e["column"] == column and e["rule"] == "Longer than 100 characters."
        for e in submission.errors
    )
    assert all(len(e["value"]) <= 101 for e in submission.errors)


def test_a_line_over_the_line_limit_is_rejected(ehm):
    submission = rejected(ehm, csv_bytes([visit(carer_reference="y" * 1_200_000)]))
    assert submission.errors[0]["row"] == 2


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n  \r\n"])
def test_an_empty_file_is_rejected(ehm, data):
    assert "empty" in rules(rejected(ehm, data))[0]


def test_a_header_without_visits_is_rejected(ehm):
    assert "no visits" in rules(rejected(ehm, csv_bytes([])))[0]


@fuzz
@given(st.binary(min_size=1, max_size=2000))
def test_binary_bytes_are_rejected(ehm, data):
    assume(b"\x00" in data or not data.isascii())
    rejected(ehm, data)


def test_a_spreadsheet_renamed_to_csv_is_rejected(ehm):
    book = Workbook()
    book.active.append(list(COLUMN_NAMES))
    book.active.append(list(visit().values()))
    out = io.BytesIO()
    book.save(out)
    submission = rejected(ehm, out.getvalue(), filename="visits.csv")
    assert "spreadsheet" in rules(submission)[0]


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(ehm, settings):
    settings.EHM_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationFailed, match="largest file accepted"):
        ehm.send(csv_bytes([visit()] * 20))
    assert not Submission.objects.exists() and ehm.stored_files() == []


@pytest.mark.parametrize(
    ("overrides", "column", "rule_part"),
    [
        ({"provider_reference": "1-999"}, "provider_reference", "your organisation's CQC"),
        ({"branch_reference": "1-999"}, "branch_reference", "Not a registered CQC location"),
        ({"visit_status": "DONE"}, "visit_status", "Not a valid code"),
        ({"service_type": "XX"}, "service_type", "Not a valid code"),
        ({"check_in_method": "PIGEON"}, "check_in_method", "Not a valid code"),
        ({"exception_code": "LATE"}, "exception_code", "Not a valid code"),
        ({"time_critical": "maybe"}, "time_critical", "Use Y or N"),
        ({"carers": "7"}, "carers", "from 1 to 4"),
        ({"period_start": "2026-01-06"}, "period_start", "first day of a four-week period"),
        ({"actual_check_in": ""}, "actual_check_in", "Required for a DELIVERED visit"),
        ({"service_user_reference": ""}, "service_user_reference", "Required"),
        ({"planned_end": "2026-01-06 07:00"}, "planned_end", "after the planned start"),
        (
            {"planned_start": "2026-03-01 08:00", "planned_end": "2026-03-01 09:00"},
            "planned_start",
            "outside the period",
        ),
    ],
)
def test_each_row_rule_names_row_column_and_value(ehm, overrides, column, rule_part):
    submission = rejected(ehm, csv_bytes([visit(), visit(**overrides)]))
    hits = [e for e in submission.errors if e["row"] == 3 and e["column"] == column]
    assert hits and rule_part in hits[0]["rule"]
    assert hits[0]["value"] == overrides.get(column, "") or overrides.get(column) == ""


def test_every_row_must_be_for_the_same_period(ehm):
    other = visit(
        period_start="2026-02-02",
        planned_start="2026-02-03 08:00",
        planned_end="2026-02-03 09:00",
        actual_check_in="2026-02-03 08:00",
        actual_check_out="2026-02-03 09:00",
    )
    submission = rejected(ehm, csv_bytes([visit(), other]))
    assert any(e["row"] == 3 and "same period as row 2" in e["rule"] for e in submission.errors)


def test_a_period_that_has_not_ended_is_refused(ehm):
    from caremarket.monitoring.tests.conftest import NOW

    early = NOW.replace(month=1, day=20)
    submission = ehm.send(csv_bytes([visit(), visit()]), now=early)
    assert submission.status == "rejected" and "has not ended yet" in rules(submission)[0]
    # The whole file breaks it, once, on row 2's period_start as sent.
    assert [(e["row"], e["column"], e["value"]) for e in submission.errors] == [
        (2, "period_start", "2026-01-05")
    ]


def only_p1_is_known(*, organisation, references):
    return {r for r in references if r != "P1"}


def test_unknown_service_users_are_rejected_when_a_check_is_configured(ehm, settings):
    settings.EHM_SERVICE_USER_CHECK = "caremarket.monitoring.tests.test_bad_files.only_p1_is_known"
    submission = rejected(ehm, csv_bytes([visit(), visit(service_user_reference="P9")]))
    assert [(e["row"], e["value"]) for e in submission.errors] == [(3, "P9")]
    assert "Unknown service-user reference" in rules(submission)[0]


def test_service_users_are_not_checked_without_a_configured_check(ehm):
    assert ehm.send(csv_bytes([visit(service_user_reference="ANYONE")])).status == "accepted"


def test_an_error_report_lists_every_error_with_formulas_neutralised(ehm, world):
    submission = rejected(ehm, csv_bytes([visit(carer_reference="=cmd()", actual_check_in="")]))
    client = world.client_for(world.home_care_user)
    response = client.get(f"/monitoring/submissions/{submission.pk}/errors.csv")
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith("row,column,value,rule")
    assert "2,actual_check_in,,Required for a DELIVERED visit." in body
