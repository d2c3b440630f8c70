import datetime as dt
import random

from django.utils import timezone

from caremarket.accounts.demo import load as load_accounts
from caremarket.monitoring import demo
from caremarket.monitoring.models import RiskFlag, Submission


def test_the_demo_loads_twelve_periods_for_brightpath_through_the_services(
    db, settings, tmp_path, monkeypatch
):
    settings.EHM_STORE_DIR = str(tmp_path / "ehm")
    monkeypatch.setattr(demo, "PEOPLE_PER_BRANCH", 1)
    now = timezone.make_aware(dt.datetime(2026, 11, 22, 9, 0))
    load_accounts(rng=random.Random(1))
    demo.load(rng=random.Random(1), now=now)
    brightpath = Submission.objects.filter(organisation__reference="1-000000002")
    assert sorted(brightpath.values_list("period", flat=True)) == list(range(2, 14))
    assert set(brightpath.values_list("status", flat=True)) == {"accepted"}
    assert RiskFlag.objects.filter(kind="missing_submission", period=10).exists()
    assert demo.load(rng=random.Random(1), now=now) == ["Visit files already loaded."]
