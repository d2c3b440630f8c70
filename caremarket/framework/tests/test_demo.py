import datetime as dt
import random

from django.utils import timezone

from caremarket.accounts.demo import load as load_accounts
from caremarket.framework import demo
from caremarket.framework.models import Provider, PurchaseOrder
from caremarket.geography.demo import load as load_postcodes


def test_the_demo_carries_over_a_book_of_care_and_some_providers_leave(db, monkeypatch):
    monkeypatch.setattr(demo, "PROVIDERS", 20)
    monkeypatch.setattr(demo, "BOOK_PACKAGES", 40)
    rng = random.Random(3)
    load_accounts(rng=rng, now=timezone.now())
    load_postcodes(rng=rng)
    now = timezone.make_aware(dt.datetime(2026, 11, 30, 9))
    lines = demo.load(rng=rng, now=now)
    book = PurchaseOrder.objects.filter(package_reference__startswith="LAH21-")
    assert book.count() == 40
    assert set(book.values_list("reason", flat=True)) == {"carried_over"}
    ended = book.filter(ends_on__isnull=False)
    assert (
        f"A book of 40 packages carried over at their old prices; {ended.count()} have ended."
        in lines
    )
    assert all(demo.START <= o.ends_on < now.date() for o in ended)
    leavers = Provider.objects.filter(left_on__isnull=False)
    assert leavers.count() == demo.LEAVERS and not leavers.filter(is_active=True).exists()
    assert demo.load(rng=rng, now=now) == ["Framework providers already loaded."]
