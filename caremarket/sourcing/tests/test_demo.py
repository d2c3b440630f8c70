import datetime as dt
import random

from django.utils import timezone

from caremarket.accounts.demo import load as load_accounts
from caremarket.cqc.models import CqcLocation
from caremarket.framework import demo as framework_demo
from caremarket.framework.models import PurchaseOrder
from caremarket.geography.demo import load as load_postcodes
from caremarket.sourcing import demo
from caremarket.sourcing.models import Package


def test_the_demo_replays_weeks_of_sourcing_with_a_spot_market_and_care_that_ends(db, monkeypatch):
    monkeypatch.setattr(framework_demo, "PROVIDERS", 24)
    monkeypatch.setattr(framework_demo, "BOOK_PACKAGES", 10)
    monkeypatch.setattr(demo, "WORKING_DAYS", 15)
    monkeypatch.setattr(demo, "SPOT_AGENCIES", 5)
    monkeypatch.setattr(demo, "SPOT_WITH_USERS", 2)
    monkeypatch.setattr(demo, "ENDS", 0.5)
    rng = random.Random(5)
    now = timezone.make_aware(dt.datetime(2026, 11, 30, 16, 30))
    load_accounts(rng=rng, now=timezone.now())
    load_postcodes(rng=rng)
    framework_demo.load(rng=rng, now=now)
    demo.load(rng=rng, now=now)
    assert CqcLocation.objects.filter(location_id__startswith="1-7").count() == 5
    routes = set(Package.objects.exclude(route="").values_list("route", flat=True))
    assert {"tier1", "tier2"} <= routes
    ended = Package.objects.filter(stage="ended")
    assert ended.exists() and not ended.filter(ended_on__isnull=True).exists()
    for package in ended.exclude(route__in=["available", "spot", "mini_competition"]):
        order = PurchaseOrder.objects.get(
            package_reference=package.reference, ends_on__isnull=False
        )
        assert order.ends_on == package.ended_on
    assert not Package.objects.filter(stage="cancelled", cancelled_at__isnull=True).exists()
    assert demo.load(rng=rng, now=now) == ["Sourcing demo already loaded."]
