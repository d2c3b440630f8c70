"""The broker's pages: the timetable banner, issuing a list now, and the Batching List view."""

import pytest
from django.utils import timezone

from caremarket.common.errors import NotPermitted
from caremarket.core.selectors import TIMETABLE
from caremarket.core.services import heartbeat_record
from caremarket.notifications.models import Notification
from caremarket.sourcing.models import AvailableList, BatchingList, TimetableRun
from caremarket.sourcing.services import available, batching, offers
from caremarket.sourcing.services.timetable import timetable_issue_now
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import exhaust_tier1, open_offer, to_available_list

pytestmark = pytest.mark.django_db


def test_broker_pages_show_a_banner_when_the_timetable_has_stopped(world, sourcing):
    client = world.client_for(world.broker)
    heartbeat_record(name=TIMETABLE, now=timezone.now() - timezone.timedelta(minutes=5))
    for url in ("/sourcing/packages/", "/sourcing/batching-list/", "/sourcing/available-packages/"):
        assert 'data-testid="timetable-late"' in client.get(url).content.decode(), url
    heartbeat_record(name=TIMETABLE, now=timezone.now())
    assert 'data-testid="timetable-late"' not in client.get("/sourcing/packages/").content.decode()


def test_a_broker_issues_the_batching_list_now(world, sourcing, monkeypatch):
    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 19, 14))
    client = world.client_for(world.broker)
    response = client.post("/sourcing/timetable/issue/", {"kind": "batching_issue"}, follow=True)
    listed = BatchingList.objects.get()
    assert listed.issued_at == at(2026, 11, 19, 14) and listed.closes_at == at(2026, 11, 20, 10)
    assert f"Batching List {listed.reference} issued" in response.content.decode()
    run = TimetableRun.objects.get()
    assert run.requested_by == world.broker and run.late is False


def test_issuing_the_available_list_now_with_nothing_waiting_says_so(world, sourcing):
    response = world.client_for(world.broker).post(
        "/sourcing/timetable/issue/", {"kind": "available_issue"}, follow=True
    )
    assert "No package was waiting, so no list was issued." in response.content.decode()
    assert not AvailableList.objects.exists()


def test_only_brokers_issue_lists(world, sourcing):
    with pytest.raises(NotPermitted):
        timetable_issue_now(actor=world.contract_manager, kind="batching_issue", now=THURSDAY)
    response = world.client_for(sourcing.first_user).post(
        "/sourcing/timetable/issue/", {"kind": "batching_issue"}
    )
    assert response.status_code in (403, 404)
    assert not TimetableRun.objects.exists()


def test_the_broker_sees_who_ticked_who_was_offered_and_what_was_placed_since(world, sourcing):
    ticked = sourcing.package(world.broker, person_reference="AS-1")
    placed = sourcing.package(world.broker, person_reference="AS-2")
    for package in (ticked, placed):
        exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    listed = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    batching.batching_return_record(
        actor=sourcing.second_user,
        batching_list=listed,
        provider=sourcing.second,
        interested={ticked.pk, placed.pk},
        now=at(2026, 11, 19, 17),
    )
    batching.batching_lists_close_due(now=at(2026, 11, 20, 10))
    offers.offer_accept(
        actor=sourcing.second_user, offer=open_offer(placed), now=at(2026, 11, 20, 10, 30)
    )
    body = world.client_for(world.broker).get("/sourcing/batching-list/").content.decode()
    table = body[body.index('data-testid="batching-broker-view"') :]
    ticked_row = table[table.index(ticked.reference) :].split("</tr>")[0]
    placed_row = table[table.index(placed.reference) :].split("</tr>")[0]
    assert ticked_row.count(sourcing.second.name) == 2  # ticked it, and offered it at the close
    assert "Placed since the list went out" not in ticked_row
    assert "Placed since the list went out" in placed_row


def test_brokers_hear_of_packages_still_unsourced_after_an_available_list(world, sourcing):
    package = to_available_list(world, sourcing)
    available.available_list_issue(now=at(2026, 11, 23, 9))
    assert not Notification.objects.filter(event="sourcing.unsourced_after_available_list").exists()
    available.available_list_issue(now=at(2026, 11, 26, 9))
    told = Notification.objects.get(
        recipient=world.broker, event="sourcing.unsourced_after_available_list"
    )
    assert package.reference in told.body
