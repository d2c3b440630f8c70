"""The rounds pages: a package's visit pattern entered call by call; a swap named by references."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from caremarket.sourcing.models import TransferStatus
from caremarket.sourcing.services.offers import offer_accept
from caremarket.sourcing.services.transfers import transfer_propose
from caremarket.sourcing.tests.conftest import THURSDAY


def test_the_page_saves_calls_and_names_the_call_in_error(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    client = world.client_for(world.broker)
    url = f"/sourcing/packages/{package.pk}/visit-pattern/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"call1_days": ["0"], "call1_start": "7.3x", "call1_minutes": "30"})
    assert bad.status_code == 400
    assert "Call 1: give the start time as hours and minutes, like 07:30." in bad.content.decode()
    good = client.post(
        url,
        {
            "call1_days": [str(d) for d in range(7)],
            "call1_start": "07:30",
            "call1_minutes": "45",
            "call1_carers": "2",
            "call2_days": [str(d) for d in range(7)],
            "call2_start": "17:00",
            "call2_minutes": "30",
            "hours_per_week": "14",
        },
    )
    assert good.status_code == 302
    package.refresh_from_db()
    assert package.hours_per_week == Decimal("14.00")
    again = client.get(url).content.decode()
    assert 'value="07:30"' in again and 'value="17:00"' in again
    assert world.client_for(sourcing.first_user).get(url).status_code == 404


def test_the_swap_page_says_when_a_reference_finds_no_package(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    response = world.client_for(world.broker).post(
        "/sourcing/transfers/swap/",
        {
            "package_reference": package.reference,
            "other_package_reference": "PKG-99999",
            "transfer_date_0": "7",
            "transfer_date_1": "12",
            "transfer_date_2": "2026",
            "reason": "Rounds cross",
        },
    )
    assert response.status_code == 400
    assert "There is no package with that reference." in response.content.decode()


def test_a_transfer_is_withdrawn_only_with_a_reason(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    offer_accept(actor=sourcing.first_user, offer=package.offers.get(), now=THURSDAY)
    transfer = transfer_propose(
        actor=sourcing.first_user,
        package=package,
        to_provider=sourcing.second,
        transfer_date=dt.date(2026, 12, 7),
        reason="Good Care 1 already visits the next street",
        now=THURSDAY,
    )
    client = world.client_for(sourcing.first_user)
    url = reverse("sourcing:transfer-withdraw", args=[transfer.pk])
    for reason in ("", "x" * 301):
        page = client.post(url, {"reason": reason}, follow=True).content.decode()
        assert "Say why you are withdrawing the transfer (at most 300 characters)." in page
        transfer.refresh_from_db()
        assert transfer.status == TransferStatus.PROPOSED
    page = client.post(url, {"reason": "The family chose to stay"}, follow=True).content.decode()
    assert f"The transfer of {package.reference} is withdrawn." in page
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.WITHDRAWN
