"""Every KPI checked against figures worked out by hand on a small file."""

import pytest

from caremarket.monitoring.models import KpiResult
from caremarket.monitoring.tests.conftest import (
    BRANCH_A,
    BRANCH_B,
    PROVIDER_REF,
    csv_bytes,
    make_branch,
    visit,
)

BRANCH_C = "1-200000003"  # a second Chelmsford branch


def day(hhmm: str) -> str:
    return f"2026-01-06 {hhmm}"


# Window ±30 min, missed after 23:00, short < 75% of plan or < 30 min when 30+ planned.
ROWS = [
    # 1 P1/C1 60 min planned, 10 min late start, 50 min long: on time, not short, APP.
    visit(
        service_user_reference="P1",
        carer_reference="C1",
        planned_start=day("08:00"),
        planned_end=day("09:00"),
        actual_check_in=day("08:10"),
        actual_check_out=day("09:00"),
    ),
    # 2 P1/C2 30 min planned, 45 min late, 20 min long: late, short, MANUAL (not at home).
    visit(
        service_user_reference="P1",
        carer_reference="C2",
        planned_start=day("12:00"),
        planned_end=day("12:30"),
        actual_check_in=day("12:45"),
        actual_check_out=day("13:05"),
        check_in_method="MANUAL",
    ),
    # 3 P2/C1 time-critical 45 min planned, 40 min early, 45 min long: early, NFC.
    visit(
        service_user_reference="P2",
        carer_reference="C1",
        time_critical="Y",
        planned_start=day("18:00"),
        planned_end=day("18:45"),
        actual_check_in=day("17:20"),
        actual_check_out=day("18:05"),
        check_in_method="NFC",
    ),
    # 4 P2 missed, 30 min planned.
    visit(
        service_user_reference="P2",
        visit_status="MISSED",
        planned_start=day("20:00"),
        planned_end=day("20:30"),
        actual_check_in="",
        actual_check_out="",
        check_in_method="",
    ),
    # 5 P2 cancelled: not due, not commissioned.
    visit(
        service_user_reference="P2",
        visit_status="CANCELLED",
        carer_reference="",
        planned_start=day("09:00"),
        planned_end=day("10:00"),
        actual_check_in="",
        actual_check_out="",
        check_in_method="",
    ),
    # 6 P3/C3 branch B, planned 22:30, done after 23:00: counts as missed.
    visit(
        branch_reference=BRANCH_B,
        service_user_reference="P3",
        carer_reference="C3",
        planned_start=day("22:30"),
        planned_end=day("23:00"),
        actual_check_in=day("23:10"),
        actual_check_out=day("23:40"),
        check_in_method="PHONE",
    ),
    # 7 P3/C3 branch B, merged into another visit: counts as missed.
    visit(
        branch_reference=BRANCH_B,
        service_user_reference="P3",
        carer_reference="C3",
        planned_start=day("07:00"),
        planned_end=day("07:30"),
        actual_check_in=day("07:00"),
        actual_check_out=day("07:30"),
        exception_code="MERGED",
    ),
    # 8 P3/C4 branch B, frustrated (attended, no care possible), 30 min planned.
    visit(
        branch_reference=BRANCH_B,
        service_user_reference="P3",
        carer_reference="C4",
        visit_status="FRUSTRATED",
        planned_start=day("12:00"),
        planned_end=day("12:30"),
        actual_check_in=day("12:05"),
        actual_check_out="",
        exception_code="NO_ACCESS",
    ),
    # 9 P3/C4 branch B, time-critical 60 min planned, 20 min late, 25 min long: on time, short, QR.
    visit(
        branch_reference=BRANCH_B,
        service_user_reference="P3",
        carer_reference="C4",
        time_critical="Y",
        planned_start=day("16:00"),
        planned_end=day("17:00"),
        actual_check_in=day("16:20"),
        actual_check_out=day("16:45"),
        check_in_method="QR",
    ),
]

PROVIDER = {
    "visits_total": 9,
    "visits_cancelled": 1,
    "visits_due": 8,
    "visits_missed": 3,
    "visits_frustrated": 1,
    "visits_delivered": 4,
    "on_time": 2,
    "late": 1,
    "early": 1,
    "time_critical_delivered": 2,
    "time_critical_on_time": 1,
    "short_visits": 2,
    "logged_at_home": 3,
    "service_users": 3,
    "carer_assignments": 4,
    "commissioned_minutes": 315,
    "delivered_minutes": 140,
}


@pytest.fixture
def accepted(ehm):
    submission = ehm.send(csv_bytes(ROWS))
    assert submission.status == "accepted", submission.errors
    return submission


def result(submission, scope, key=""):
    return KpiResult.objects.get(submission=submission, scope=scope, key=key)


def counts(r):
    return {name: getattr(r, name) for name in PROVIDER}


def test_provider_counts_match_the_hand_count(accepted):
    assert counts(result(accepted, "provider")) == PROVIDER


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("attendance_rate", 5 / 8),
        ("missed_rate", 3 / 8),
        ("on_time_rate", 2 / 4),
        ("lateness_rate", 1 / 4),
        ("time_critical_on_time_rate", 1 / 2),
        ("short_visit_rate", 2 / 4),
        ("logged_at_home_rate", 3 / 4),
        ("carers_per_person", 4 / 3),
        ("delivered_hours_share", 140 / 315),
    ],
)
def test_each_published_rate_matches_the_hand_count(accepted, rate, expected):
    assert result(accepted, "provider").rates[rate] == pytest.approx(expected)


def test_branch_counts_match_the_hand_count(accepted):
    a, b = result(accepted, "branch", BRANCH_A), result(accepted, "branch", BRANCH_B)
    assert (a.visits_due, a.visits_missed, a.visits_delivered, a.on_time, a.late, a.early) == (
        4,
        1,
        3,
        1,
        1,
        1,
    )
    assert (a.short_visits, a.logged_at_home, a.service_users, a.carer_assignments) == (1, 2, 2, 3)
    assert (a.commissioned_minutes, a.delivered_minutes) == (165, 115)
    assert (b.visits_due, b.visits_missed, b.visits_frustrated, b.visits_delivered) == (4, 2, 1, 1)
    assert (b.on_time, b.time_critical_on_time, b.short_visits, b.logged_at_home) == (1, 1, 1, 1)
    assert (b.service_users, b.carer_assignments) == (1, 1)
    assert (b.commissioned_minutes, b.delivered_minutes) == (150, 25)


def test_district_results_follow_the_branch_postcodes(accepted):
    chelmsford = result(accepted, "district", "E07000070")
    colchester = result(accepted, "district", "E07000071")
    assert (chelmsford.label, chelmsford.visits_due) == ("Chelmsford", 4)
    assert (colchester.label, colchester.visits_due) == ("Colchester", 4)


def test_branches_add_up_to_the_provider(accepted):
    branches = KpiResult.objects.filter(submission=accepted, scope="branch")
    for name in PROVIDER:
        if name in ("service_users", "carer_assignments"):
            continue  # one person can be visited from two branches
        assert sum(getattr(b, name) for b in branches) == PROVIDER[name], name


def test_a_stricter_punctuality_window_is_configurable(ehm, settings):
    settings.EHM_KPI_THRESHOLDS = {"punctuality_window_minutes": 15}
    submission = ehm.send(csv_bytes(ROWS))
    r = result(submission, "provider")
    # Row 9 (time-critical, window still 30) stays on time; row 1 (+10) too.
    assert (r.on_time, r.late, r.early) == (2, 1, 1)
    assert submission.thresholds["punctuality_window_minutes"] == 15


def test_a_stricter_time_critical_window_makes_row_nine_late(ehm, settings):
    settings.EHM_KPI_THRESHOLDS = {"time_critical_window_minutes": 15}
    r = result(ehm.send(csv_bytes(ROWS)), "provider")
    assert (r.on_time, r.late, r.time_critical_on_time) == (1, 2, 0)


def test_a_visit_planned_after_the_cutoff_is_not_missed_for_starting_late_at_night(ehm):
    row = visit(
        service_type="NA",
        planned_start="2026-01-06 23:15",
        planned_end="2026-01-07 07:00",
        actual_check_in="2026-01-06 23:30",
        actual_check_out="2026-01-07 07:00",
    )
    r = result(ehm.send(csv_bytes([row])), "provider")
    assert (r.visits_missed, r.visits_delivered) == (0, 1)


def test_an_empty_denominator_gives_no_rate_rather_than_zero(ehm):
    row = visit(
        visit_status="CANCELLED", actual_check_in="", actual_check_out="", check_in_method=""
    )
    rates = result(ehm.send(csv_bytes([row])), "provider").rates
    assert rates["missed_rate"] is None and rates["on_time_rate"] is None


def test_two_branches_in_one_district_add_up_and_minutes_are_rounded_once(ehm):
    # Two Chelmsford branches, each with one visit lasting 30 min 15 s: each branch delivered
    # 30 minutes, while the district and the provider delivered 60.5, shown as 61.
    make_branch(BRANCH_C, PROVIDER_REF, "CM1 1AA", "Meadow Chelmsford North")
    seconds = {"actual_check_in": day("08:00:00"), "actual_check_out": day("08:30:15")}
    rows = [visit(**seconds), visit(branch_reference=BRANCH_C, **seconds)]
    submission = ehm.send(csv_bytes(rows))
    assert submission.status == "accepted", submission.errors
    a, c = result(submission, "branch", BRANCH_A), result(submission, "branch", BRANCH_C)
    chelmsford = result(submission, "district", "E07000070")
    assert (a.delivered_minutes, c.delivered_minutes) == (30, 30)
    assert (chelmsford.visits_delivered, chelmsford.delivered_minutes) == (2, 61)
    assert counts(chelmsford) == counts(result(submission, "provider"))
