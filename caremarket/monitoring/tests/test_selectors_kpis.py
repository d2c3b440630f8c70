"""The KPI overview's filter and order (the rows themselves: test_expected and test_kpis), and
each period's compliance."""

import datetime as dt

import pytest

from caremarket.accounts.models import Organisation
from caremarket.monitoring import selectors
from caremarket.monitoring.ehm.kpis import COUNTS
from caremarket.monitoring.models import RiskFlag
from caremarket.monitoring.periods import period_get
from caremarket.monitoring.selectors import OverviewRow, kpis
from caremarket.monitoring.tests.conftest import ANCHOR, csv_bytes, visit

PERIOD = period_get(3, anchor=dt.date(2025, 11, 10))
TODAY = dt.date(2026, 2, 20)


def counts(visits_due, missed):
    base = dict.fromkeys(COUNTS, 0)
    return base | {"visits_due": visits_due, "visits_missed": missed}


@pytest.fixture
def rows(monkeypatch):
    rows = [
        OverviewRow(Organisation(name="alpha Care"), counts(100, 10), "submitted"),
        OverviewRow(Organisation(name="Bravo Care"), None, "missing", [RiskFlag()]),
        OverviewRow(Organisation(name="Charlie Care"), counts(50, 1), "submitted", [RiskFlag()]),
    ]
    monkeypatch.setattr(kpis, "kpi_overview", lambda **kwargs: list(rows))
    return rows


def names(**asked):
    rows = selectors.kpi_overview_sorted(period=PERIOD, today=TODAY, **asked)
    return [r.organisation.name for r in rows]


def test_the_overview_sorts_names_without_regard_to_case(rows):
    assert names() == ["alpha Care", "Bravo Care", "Charlie Care"]
    assert names(descending=True) == ["Charlie Care", "Bravo Care", "alpha Care"]


def test_providers_without_a_figure_come_last_in_either_direction(rows):
    assert names(sort="missed_rate") == ["Charlie Care", "alpha Care", "Bravo Care"]
    assert names(sort="missed_rate", descending=True) == [
        "alpha Care",
        "Charlie Care",
        "Bravo Care",
    ]
    assert names(sort="visits_due")[-1] == "Bravo Care"


def test_flagged_only_keeps_providers_with_an_open_flag(rows):
    assert names(flagged_only=True, sort="flags") == ["Bravo Care", "Charlie Care"]


def test_an_unknown_sort_is_refused_rather_than_guessed(rows):
    with pytest.raises(ValueError, match="sideways"):
        names(sort="sideways")


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
