import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from caremarket.accounts.demo import load as load_accounts
from caremarket.framework import demo as framework_demo
from caremarket.framework.models import Provider
from caremarket.geography.demo import load as load_postcodes
from caremarket.monitoring import demo
from caremarket.monitoring.models import RiskFlag, Submission
from caremarket.monitoring.selectors import flag_rows


def test_the_demo_loads_twelve_periods_for_brightpath_through_the_services(
    db, settings, tmp_path, monkeypatch
):
    settings.EHM_STORE_DIR = str(tmp_path / "ehm")
    settings.EHM_SUBMISSIONS_FROM = {"other": "2025-11-10"}  # neither is on a framework here
    monkeypatch.setattr(demo, "PEOPLE_PER_BRANCH", 1)
    now = timezone.make_aware(dt.datetime(2026, 11, 22, 9, 0))
    load_accounts(rng=random.Random(1), now=timezone.now())
    demo.load(rng=random.Random(1), now=now)
    brightpath = Submission.objects.filter(organisation__reference="1-000000002")
    assert sorted(brightpath.values_list("period", flat=True)) == list(range(2, 14))
    assert set(brightpath.values_list("status", flat=True)) == {"accepted"}
    assert RiskFlag.objects.filter(kind="missing_submission", period=10).exists()
    assert demo.load(rng=random.Random(1), now=now) == ["Visit files already loaded."]


def test_after_the_framework_demo_the_files_carry_the_agreements_branches_and_pass(
    db, settings, tmp_path, monkeypatch
):
    settings.EHM_STORE_DIR = str(tmp_path / "ehm")
    monkeypatch.setattr(demo, "PEOPLE_PER_BRANCH", 1)
    monkeypatch.setattr(demo, "PERIODS", 3)
    monkeypatch.setattr(framework_demo, "PROVIDERS", 12)
    monkeypatch.setattr(framework_demo, "BOOK_PACKAGES", 5)
    now = timezone.make_aware(dt.datetime(2026, 11, 22, 9, 0))
    rng = random.Random(1)
    load_accounts(rng=rng, now=timezone.now())
    load_postcodes(rng=rng)
    framework_demo.load(rng=rng, now=now)
    demo.load(rng=rng, now=now)
    brightpath = Provider.objects.get(cqc_provider_id="1-000000002")
    sent = Submission.objects.filter(organisation=brightpath.organisation)
    assert sent.count() == 3 and set(sent.values_list("status", flat=True)) == {"accepted"}
    listed = set(brightpath.branches.values_list("cqc_location_id", flat=True))
    reported = set(sent.first().kpis.filter(scope="branch").values_list("key", flat=True))
    assert reported and reported <= listed
    # The other framework providers send their files but for a realistic handful of misses,
    # one provider's three in a row: a few lines on the risk-flag list, not one per period.
    others = RiskFlag.objects.filter(kind="missing_submission").exclude(
        organisation=brightpath.organisation
    )
    per_provider = sorted(
        others.values("organisation").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert per_provider == [1, 1, 3]
    lines = [r for r in flag_rows(others) if r.kind == "missing_submission"]
    assert sorted(r.count for r in lines) == [1, 1, 3]
