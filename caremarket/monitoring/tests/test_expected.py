"""Who must send visit files for a period (decision 35): tier 1 from January 2026 by default."""

import datetime as dt

import pytest
from django.utils import timezone

from caremarket.accounts.models import OrganisationKind
from caremarket.accounts.services import organisation_create
from caremarket.framework.services.providers import provider_agreement_end
from caremarket.framework.tests.conftest import fw  # noqa: F401  (re-exported fixture)
from caremarket.monitoring import config, selectors
from caremarket.monitoring.periods import period_get
from caremarket.monitoring.services.flags import risk_flags_check_missing

ANCHOR = dt.date(2025, 11, 10)


def period(n):
    return period_get(n, anchor=ANCHOR, grace_days=7)


@pytest.fixture
def market(world, fw):  # noqa: F811
    spot = organisation_create(
        now=timezone.now(),
        actor=None,
        name="Spot Carers",
        kind=OrganisationKind.HOME_CARE_PROVIDER,
        reference="1-55",
    )
    return fw, spot


def expected(n):
    return {o.name for o in selectors.provider_list_expected(period=period(n))}


def test_tier_one_providers_send_files_from_the_first_period_due_in_january_2026(market):
    # Period 1 (due 14 December 2025) is before January; period 2 is due on 11 January 2026.
    assert expected(1) == set()
    assert expected(2) == {"Meadow Home Care", "Good Care 1"}


def test_tier_two_and_other_providers_send_files_once_the_council_sets_their_dates(
    market, settings
):
    settings.EHM_SUBMISSIONS_FROM = {"tier1": "2026-01-01", "tier2": "2026-03-01", "other": None}
    tier2 = {"Weak Care", *(f"Good Care {n}" for n in range(2, 12))}  # on no tier-1 list
    assert expected(3) == {"Meadow Home Care", "Good Care 1"}  # due 8 February
    assert expected(4) == {"Meadow Home Care", "Good Care 1"} | tier2  # due 8 March
    settings.EHM_SUBMISSIONS_FROM = {"tier1": "2026-01-01", "other": "2026-01-01"}
    assert "Spot Carers" in expected(2)


def test_a_provider_whose_agreement_ended_is_not_expected_after_it(market):
    framework, _ = market
    provider_agreement_end(
        actor=None,
        provider=framework.good[0],
        left_on=dt.date(2026, 1, 5),  # period 3 starts on 5 January 2026
        reason="Closed",
        now=timezone.make_aware(dt.datetime(2026, 1, 6)),
    )
    assert "Good Care 1" in expected(2) and "Good Care 1" not in expected(3)


def test_only_expected_providers_are_flagged_for_a_missing_file(market):
    raised = risk_flags_check_missing(
        now=timezone.make_aware(dt.datetime(2026, 1, 20, 9)), anchor=ANCHOR, grace_days=7
    )
    assert sorted((f.organisation.name, f.period) for f in raised) == [
        ("Good Care 1", 2),
        ("Meadow Home Care", 2),
    ]


def test_a_provider_not_required_yet_is_shown_so(market):
    framework, _ = market
    states = selectors.compliance_list(
        organisation=framework.weak.organisation,
        today=dt.date(2026, 2, 20),
        anchor=ANCHOR,
        grace_days=7,
    )
    assert [(p.number, s) for p, s in states] == [
        (1, "deemed"),
        (2, "not_required"),
        (3, "not_required"),
    ]
    page = selectors.kpi_overview(period=period(2), today=dt.date(2026, 1, 20))
    assert {row.organisation.name for row in page} == {"Meadow Home Care", "Good Care 1"}


def test_an_unknown_kind_of_provider_in_the_setting_is_refused(settings):
    settings.EHM_SUBMISSIONS_FROM = {"tier3": "2026-01-01"}
    with pytest.raises(ValueError, match="tier3"):
        config.submissions_from()
