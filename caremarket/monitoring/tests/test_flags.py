"""Risk flags for contract managers, with notifications; compliance per period."""

import datetime as dt

from django.utils import timezone

from caremarket.monitoring import selectors
from caremarket.monitoring.models import RiskFlag
from caremarket.monitoring.periods import period_get
from caremarket.monitoring.services.flags import risk_flags_check_missing
from caremarket.monitoring.tests.conftest import NOW, csv_bytes, visit

ANCHOR = dt.date(2025, 11, 10)
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


def test_compliance_deems_the_first_period_submitted(ehm):
    ehm.send(csv_bytes([visit()]))
    states = selectors.compliance_list(
        organisation=ehm.provider, today=dt.date(2026, 2, 20), anchor=ANCHOR, grace_days=7
    )
    assert [(p.number, s) for p, s in states] == [
        (1, "deemed"),
        (2, "missing"),
        (3, "submitted"),
    ]


def test_a_period_within_its_grace_days_is_due_not_missing(ehm):
    states = selectors.compliance_list(
        organisation=ehm.provider, today=dt.date(2026, 2, 5), anchor=ANCHOR, grace_days=7
    )
    assert states[-1][0].number == 3 and states[-1][1] == "due"


def _missing_and_late(ehm):
    """Meadow's period 3 file has 20% late visits; no file for periods 2 and 4 to 8."""
    late = visit(actual_check_in="2026-01-06 09:00", actual_check_out="2026-01-06 09:55")
    ehm.send(csv_bytes([visit()] * 8 + [late] * 2))
    later = timezone.make_aware(dt.datetime(2026, 7, 1, 12, 0))
    risk_flags_check_missing(now=later, anchor=ANCHOR, grace_days=7)


def test_repeated_missing_files_are_one_line_per_provider_with_count_and_periods(ehm):
    _missing_and_late(ehm)
    missing = RiskFlag.objects.filter(organisation=ehm.provider, kind="missing_submission")
    assert sorted(missing.values_list("period", flat=True)) == [2, 4, 5, 6, 7, 8]
    rows = selectors.flag_rows(selectors.flag_list())
    assert [(r.kind, r.first_period, r.last_period, r.count) for r in rows] == [
        ("missing_submission", 2, 8, 6),
        ("lateness", 3, 3, 1),
    ]
    assert rows[0].detail == (
        "No visit file for 6 periods, P2 to P8 (not all in a row); the latest was due by"
        " 28 June 2026"
    )
    assert rows[0].cleared_at is None


def test_the_flag_list_filters_by_provider_kind_and_period(ehm, client):
    _missing_and_late(ehm)
    client.force_login(ehm.world.contract_manager)

    def lines(query: str) -> list[str]:
        html = client.get(f"/monitoring/flags/{query}").content.decode()
        body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
        return [
            " ".join(cell.split(">")[-1].split())
            for cell in body.split("</td>")[1::6]
            if cell.strip()
        ]

    assert lines("") == ["P2 to P8", "P3"]
    assert lines("?kind=lateness") == ["P3"]
    assert lines("?period=6") == ["P6"]
    assert lines(f"?provider={ehm.provider.pk}&kind=missing_submission") == ["P2 to P8"]
    nothing = client.get(f"/monitoring/flags/?provider={ehm.provider.pk + 999}").content.decode()
    assert "No risk flags match these filters." in nothing
    api = client.get("/api/v1/ehm/flags?kind=missing_submission&period=5").json()
    assert [(f["period"], f["kind"]) for f in api["items"]] == [(5, "missing_submission")]
    assert client.get("/api/v1/ehm/flags?kind=nonsense").status_code == 422
