import datetime as dt
import random

from django.utils import timezone

from caremarket.accounts.demo import load as load_accounts
from caremarket.carehomes import demo
from caremarket.carehomes.models import Booking, BookingStatus, CareHome, ContractType, Room
from caremarket.geography.demo import load as load_postcodes
from caremarket.geography.models import District
from caremarket.notifications.models import Notification


def test_the_demo_puts_homes_with_rooms_and_bookings_in_every_district(db, monkeypatch):
    monkeypatch.setattr(demo, "HOMES_PER_DISTRICT", 1)
    rng = random.Random(7)
    load_accounts(rng=rng, now=timezone.now())
    load_postcodes(rng=rng)
    now = timezone.now()
    demo.load(rng=rng, now=now)
    districts = set(District.objects.filter(in_council_area=True).values_list("pk", flat=True))
    assert set(CareHome.objects.values_list("district", flat=True)) == districts
    assert set(Room.objects.values_list("contract_type", flat=True)) == set(ContractType.values)
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert {BookingStatus.ACCEPTED, BookingStatus.REQUESTED} <= statuses
    assert Room.objects.filter(free_from__lte=timezone.localdate()).exists()  # some vacancies
    old = Notification.objects.filter(
        recipient__email="manager@oakwood.example", created_at__lt=now - dt.timedelta(days=2)
    )
    assert old.exists() and not old.filter(read_at__isnull=True).exists()
    assert demo.load(rng=rng, now=timezone.now()) == ["Care homes already loaded."]
