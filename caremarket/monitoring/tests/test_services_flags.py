"""Risk flags raised and cleared as files arrive or fail to, with their notifications."""

import datetime as dt

from django.utils import timezone

from caremarket.monitoring.models import RiskFlag
from caremarket.monitoring.periods import period_get
from caremarket.monitoring.services.flags import risk_flags_check_missing
from caremarket.monitoring.tests.conftest import ANCHOR, NOW, csv_bytes, visit

MISSED = {
    "visit_status": "MISSED",
    "actual_check_in": "",
    "actual_check_out": "",
    "check_in_method": "",
}


def kinds(provider):
    return set(
        RiskFlag.objects.filter(organisation=provider, cleared_at__isnull=True).values_list(
            "kind", flat=True
        )
    )


def test_a_missed_visit_rate_over_the_threshold_raises_a_flag(ehm):
    ehm.send(csv_bytes([visit()] * 9 + [visit(**MISSED)]))
    flag = RiskFlag.objects.get(kind="missed_visits")
    assert (flag.period, flag.value, flag.threshold) == (3, 0.1, 0.01)
    assert "Missed visits 10.0%" in flag.detail


def test_contract_managers_and_council_admins_are_notified_but_not_brokers(ehm):
    ehm.send(csv_bytes([visit()] * 9 + [visit(**MISSED)]))
    w = ehm.world
    assert w.contract_manager.notifications.filter(event="ehm_risk_flag.raised").count() == 1
    assert w.council_admin.notifications.filter(event="ehm_risk_flag.raised").count() == 1
    assert not w.broker.notifications.exists()


def test_a_lateness_rate_over_the_threshold_raises_a_flag(ehm):
    late = visit(actual_check_in="2026-01-06 08:45", actual_check_out="2026-01-06 09:45")
    ehm.send(csv_bytes([visit()] * 8 + [late] * 2))
    assert kinds(ehm.provider) == {"lateness"}


def test_thresholds_are_configurable(ehm, settings):
    settings.EHM_KPI_THRESHOLDS = {"missed_rate_max": 0.2}
    ehm.send(csv_bytes([visit()] * 9 + [visit(**MISSED)]))
    assert "missed_visits" not in kinds(ehm.provider)


def test_a_corrected_file_within_thresholds_clears_the_flag(ehm):
    ehm.send(csv_bytes([visit()] * 9 + [visit(**MISSED)]))
    ehm.send(csv_bytes([visit()] * 10))
    flag = RiskFlag.objects.get(kind="missed_visits")
    assert flag.cleared_at is not None and kinds(ehm.provider) == set()


def test_the_same_flag_is_not_notified_twice(ehm):
    ehm.send(csv_bytes([visit()] * 9 + [visit(**MISSED)]))
    ehm.send(csv_bytes([visit()] * 8 + [visit(**MISSED)]))
    notes = ehm.world.contract_manager.notifications.filter(body__contains="Missed visits")
    assert notes.count() == 1


def period_file(number, late_visits, total=20):
    """A file for a period with `late_visits` of `total` starting 45 minutes late."""
    start = period_get(number, anchor=ANCHOR).start
    day = start + dt.timedelta(days=1)
    rows = []
    for i in range(total):
        check_in = "08:45" if i < late_visits else "08:00"
        rows.append(
            visit(
                period_start=start.isoformat(),
                planned_start=f"{day} 08:00",
                planned_end=f"{day} 09:00",
                actual_check_in=f"{day} {check_in}",
                actual_check_out=f"{day} 09:30",
            )
        )
    return csv_bytes(rows)


def test_on_time_falling_in_each_of_three_periods_raises_a_trend_flag(ehm, settings):
    settings.EHM_KPI_THRESHOLDS = {"lateness_rate_max": 0.5}
    for number, late in ((2, 0), (3, 1), (4, 2)):
        ehm.send(period_file(number, late), now=NOW + dt.timedelta(days=60))
    flag = RiskFlag.objects.get(kind="falling_trend")
    assert flag.period == 4 and "100.0% to 90.0%" in flag.detail


def test_a_rise_in_between_means_no_trend_flag(ehm, settings):
    settings.EHM_KPI_THRESHOLDS = {"lateness_rate_max": 0.5}
    for number, late in ((2, 2), (3, 0), (4, 1)):
        ehm.send(period_file(number, late), now=NOW + dt.timedelta(days=60))
    assert not RiskFlag.objects.filter(kind="falling_trend").exists()


def test_a_missing_submission_is_flagged_after_its_due_date_but_not_for_period_one(ehm):
    now = timezone.make_aware(dt.datetime(2026, 1, 20, 9, 0))  # period 2 due 11 Jan 2026
    raised = risk_flags_check_missing(now=now, anchor=ANCHOR, grace_days=7)
    assert [(f.period, f.kind) for f in raised] == [(2, "missing_submission")]
    assert ehm.world.contract_manager.notifications.filter(event="ehm_risk_flag.raised").exists()


def test_checking_for_missing_files_twice_raises_nothing_new(ehm):
    now = timezone.make_aware(dt.datetime(2026, 1, 20, 9, 0))
    risk_flags_check_missing(now=now, anchor=ANCHOR, grace_days=7)
    assert risk_flags_check_missing(now=now, anchor=ANCHOR, grace_days=7) == []


def test_a_late_file_clears_the_missing_submission_flag(ehm):
    risk_flags_check_missing(
        now=timezone.make_aware(dt.datetime(2026, 2, 20)), anchor=ANCHOR, grace_days=7
    )
    assert "missing_submission" in set(
        RiskFlag.objects.filter(period=3, cleared_at__isnull=True).values_list("kind", flat=True)
    )
    ehm.send(csv_bytes([visit()]))
    assert RiskFlag.objects.get(period=3, kind="missing_submission").cleared_at is not None
