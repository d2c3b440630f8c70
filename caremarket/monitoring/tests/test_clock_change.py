"""Visit times are UK wall-clock times; lengths are real elapsed time across the clock changes.

Period 5 runs 2 to 29 March 2026 (the clocks went forward at 01:00 GMT on Sunday 29 March);
period 13 runs 12 October to 8 November 2026 (they go back at 02:00 BST on Sunday 25 October);
period 8 runs 25 May to 21 June 2026 (BST throughout).
"""

import datetime as dt

import duckdb
import pytest
from django.utils import timezone

from caremarket.audit.models import AuditEvent
from caremarket.monitoring.ehm.validation import DATE_TIME_RULE, SKIPPED_RULE
from caremarket.monitoring.models import KpiResult
from caremarket.monitoring.tests.conftest import csv_bytes, visit

pytestmark = pytest.mark.django_db

LATER = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0))  # after each period's end
SPRING, AUTUMN, SUMMER = dt.date(2026, 3, 2), dt.date(2026, 10, 12), dt.date(2026, 5, 25)


def night(period_start: dt.date, **times: str) -> dict[str, str]:
    """A visit in the period, delivered exactly as planned unless told otherwise."""
    times.setdefault("actual_check_in", times["planned_start"])
    times.setdefault("actual_check_out", times["planned_end"])
    return visit(period_start=period_start.isoformat(), **times)


def provider_kpis(submission) -> KpiResult:
    return KpiResult.objects.get(submission=submission, scope="provider")


def stored(ehm, submission) -> list[tuple]:
    path = ehm.store / submission.store_path
    with duckdb.connect() as con:
        return con.execute(
            "SELECT strftime(planned_start, '%Y-%m-%d %H:%M'), planned_start_utc_offset,"
            " strftime(planned_end, '%Y-%m-%d %H:%M'), planned_end_utc_offset,"
            " strftime(check_in, '%Y-%m-%d %H:%M'), check_in_utc_offset,"
            " strftime(check_out, '%Y-%m-%d %H:%M'), check_out_utc_offset"
            " FROM read_parquet(?, file_row_number = true) ORDER BY file_row_number",
            [str(path)],
        ).fetchall()


def test_a_night_visit_when_the_clocks_go_back_lasts_ten_hours(ehm):
    row = night(
        AUTUMN,
        planned_start="2026-10-24 22:00",
        planned_end="2026-10-25 07:00",
        actual_check_in="2026-10-24 22:00",
        actual_check_out="2026-10-25 07:00",
    )
    submission = ehm.send(csv_bytes([row]), now=LATER)
    assert submission.status == "accepted", submission.errors
    kpis = provider_kpis(submission)
    assert (kpis.commissioned_minutes, kpis.delivered_minutes) == (600, 600)
    assert kpis.on_time == 1 and kpis.short_visits == 0
    assert submission.warning_count == 0


def test_a_night_visit_when_the_clocks_go_forward_lasts_eight_hours(ehm):
    row = night(
        SPRING,
        planned_start="2026-03-28 22:00",
        planned_end="2026-03-29 07:00",
        actual_check_in="2026-03-28 22:00",
        actual_check_out="2026-03-29 07:00",
    )
    submission = ehm.send(csv_bytes([row]), now=LATER)
    assert submission.status == "accepted", submission.errors
    kpis = provider_kpis(submission)
    assert (kpis.commissioned_minutes, kpis.delivered_minutes) == (480, 480)


def test_short_visits_follow_real_elapsed_time(ehm):
    # Planned 00:30 GMT to 03:30 BST is 2 hours, not 3; the visit lasted 00:30 to 02:45 BST,
    # 75 minutes (62.5%: short), not 135 of 180 (75%: not short) as the wall clock suggests.
    row = night(
        SPRING,
        planned_start="2026-03-29 00:30",
        planned_end="2026-03-29 03:30",
        actual_check_in="2026-03-29 00:30",
        actual_check_out="2026-03-29 02:45",
    )
    submission = ehm.send(csv_bytes([row]), now=LATER)
    kpis = provider_kpis(submission)
    assert (kpis.commissioned_minutes, kpis.delivered_minutes) == (120, 75)
    assert kpis.short_visits == 1


@pytest.mark.parametrize(
    ("column", "value"),
    [("planned_start", "2026-03-29 01:30"), ("actual_check_out", "29/03/2026 01:15")],
)
def test_a_time_the_clocks_skipped_is_an_error_on_its_row_and_column(ehm, column, value):
    good = night(SPRING, planned_start="2026-03-28 20:00", planned_end="2026-03-28 21:00")
    times = {
        "planned_start": "2026-03-29 00:45",
        "planned_end": "2026-03-29 02:30",
        "actual_check_in": "2026-03-29 00:45",
        "actual_check_out": "2026-03-29 02:30",
        column: value,
    }
    submission = ehm.send(csv_bytes([good, night(SPRING, **times)]), now=LATER)
    assert submission.status == "rejected"
    assert [(e["row"], e["column"], e["rule"]) for e in submission.errors] == [
        (3, column, SKIPPED_RULE)
    ]
    assert not ehm.stored_files() or all("visits/" not in f for f in ehm.stored_files())


def test_a_visit_in_the_repeated_hour_is_accepted_with_warnings_and_kept_as_sent(ehm):
    # Checked in at 01:30 BST, out at 01:20 GMT: 50 minutes, though the wall clock went back.
    rows = [
        night(AUTUMN, planned_start="2026-10-24 20:00", planned_end="2026-10-24 21:00"),
        night(
            AUTUMN,
            planned_start="2026-10-25 00:30",
            planned_end="2026-10-25 02:30",
            actual_check_in="2026-10-25 01:30",
            actual_check_out="2026-10-25 01:20",
        ),
    ]
    submission = ehm.send(csv_bytes(rows), now=LATER)
    assert submission.status == "accepted_warnings", submission.errors
    assert submission.is_current and submission.error_count == 0
    assert submission.message.startswith("Accepted with 2 warnings: 2 visits for Period 13")
    warned = [(w["row"], w["column"], w["value"]) for w in submission.warnings]
    assert warned == [
        (3, "actual_check_in", "2026-10-25 01:30"),
        (3, "actual_check_out", "2026-10-25 01:20"),
    ]
    assert "first one (BST)" in submission.warnings[0]["rule"]
    assert "second one (GMT)" in submission.warnings[1]["rule"]
    kpis = provider_kpis(submission)
    # 60 + 180 planned (00:30 BST to 02:30 GMT is 3 hours); 60 + 50 delivered.
    assert (kpis.commissioned_minutes, kpis.delivered_minutes) == (240, 110)
    assert stored(ehm, submission)[1] == (
        "2026-10-25 00:30",
        60,
        "2026-10-25 02:30",
        0,
        "2026-10-25 01:30",
        60,
        "2026-10-25 01:20",
        0,
    )
    event = AuditEvent.objects.get(action="ehm_submission.accepted")
    assert event.data["warnings"] == 2


def test_both_ends_in_the_repeated_hour_and_in_order_are_read_the_same_way(ehm):
    row = night(
        AUTUMN,
        planned_start="2026-10-25 01:10",
        planned_end="2026-10-25 01:40",
        actual_check_in="2026-10-25 01:10",
        actual_check_out="2026-10-25 01:40",
    )
    submission = ehm.send(csv_bytes([row]), now=LATER)
    assert submission.status == "accepted_warnings"
    kpis = provider_kpis(submission)
    assert (kpis.commissioned_minutes, kpis.delivered_minutes, kpis.on_time) == (30, 30, 1)
    assert {w["column"] for w in submission.warnings} == {
        "planned_start",
        "planned_end",
        "actual_check_in",
        "actual_check_out",
    }


def test_explicit_offsets_are_honoured_and_stored_as_uk_time(ehm):
    # 07:00Z is 08:00 BST; 09:00+01:00 is 09:00 BST; 0800Z+... the check-in at 08:00 is on time.
    row = visit(
        period_start=SUMMER.isoformat(),
        planned_start="2026-06-10T07:00Z",
        planned_end="2026-06-10 09:00+01:00",
        actual_check_in="2026-06-10 08:00",
        actual_check_out="2026-06-10T08:00:00+0000",
    )
    submission = ehm.send(csv_bytes([row]), now=LATER)
    assert submission.status == "accepted", submission.errors
    kpis = provider_kpis(submission)
    assert (kpis.commissioned_minutes, kpis.delivered_minutes, kpis.on_time) == (60, 60, 1)
    assert stored(ehm, submission)[0] == (
        "2026-06-10 08:00",
        60,
        "2026-06-10 09:00",
        60,
        "2026-06-10 08:00",
        60,
        "2026-06-10 09:00",
        60,
    )


@pytest.mark.parametrize(
    "value", ["2026-06-10 08:00 UTC", "2026-06-10 08:00+1", "2026-06-10 08:00 Europe/London"]
)
def test_a_zone_that_is_not_an_offset_is_an_error_not_dropped(ehm, value):
    row = visit(
        period_start=SUMMER.isoformat(), planned_start=value, planned_end="2026-06-10 09:00"
    )
    submission = ehm.send(csv_bytes([row]), now=LATER)
    assert submission.status == "rejected"
    assert (submission.errors[0]["column"], submission.errors[0]["rule"]) == (
        "planned_start",
        DATE_TIME_RULE,
    )


def test_the_warnings_are_in_the_api_and_the_downloadable_report(ehm, client):
    row = night(
        AUTUMN,
        planned_start="2026-10-25 00:30",
        planned_end="2026-10-25 02:30",
        actual_check_in="2026-10-25 01:30",
        actual_check_out="2026-10-25 01:20",
    )
    submission = ehm.send(csv_bytes([row]), now=LATER)
    client.force_login(ehm.world.home_care_user)
    data = client.get(f"/api/v1/ehm/submissions/{submission.pk}").json()
    assert data["status"] == "accepted_warnings" and data["warning_count"] == 2
    assert [w["column"] for w in data["warnings"]] == ["actual_check_in", "actual_check_out"]
    report = client.get(data["warning_report_url"])
    lines = report.content.decode().splitlines()
    assert lines[0] == "row,column,value,rule"
    assert lines[1].startswith('2,actual_check_in,2026-10-25 01:30,"This time happened twice')
    page = client.get(f"/monitoring/submissions/{submission.pk}/").content.decode()
    assert "Accepted with warnings" in page and "2 warnings" in page


@pytest.mark.parametrize(
    ("start", "end"),
    [
        # Sixteen and nineteen characters, like the usual forms the cheap test lets through.
        ("2026-6-10 7:00+00", "2026-6-10 9:00:00+01:00"),
        ("2026-06-10 7:00Z", "2026-06-10 09:00+01"),
    ],
)
def test_short_forms_with_an_offset_are_not_taken_for_the_usual_forms(ehm, start, end):
    # 07:00 UTC is 08:00 BST, so the visit is 08:00 to 09:00 UK time: an hour, not two.
    row = visit(
        period_start=SUMMER.isoformat(),
        planned_start=start,
        planned_end=end,
        actual_check_in="2026-06-10 08:00",
        actual_check_out="2026-06-10 09:00",
    )
    submission = ehm.send(csv_bytes([row]), now=LATER)
    assert submission.status == "accepted", submission.errors
    assert provider_kpis(submission).commissioned_minutes == 60
