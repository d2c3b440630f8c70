"""The risk-flag list's lines: a provider's run of missing files is one line."""

from caremarket.monitoring import selectors
from caremarket.monitoring.models import RiskFlag
from caremarket.monitoring.tests.conftest import missing_and_late


def test_repeated_missing_files_are_one_line_per_provider_with_count_and_periods(ehm):
    missing_and_late(ehm)
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
