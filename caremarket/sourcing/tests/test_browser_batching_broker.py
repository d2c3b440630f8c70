"""The broker's Batching List view and the late-timetable banner, in the real pages
(issue 16 item 9)."""

import pytest
from django.utils import timezone

from caremarket.conftest import sign_in
from caremarket.core.selectors import TIMETABLE
from caremarket.core.services import heartbeat_record
from caremarket.sourcing.services import batching, offers
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import exhaust_tier1, open_offer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOSED = at(2026, 11, 20, 10)


def _row(page, reference):
    return page.locator("[data-testid=batching-broker-view] tbody tr", has_text=reference)


def test_the_broker_sees_who_ticked_each_package_who_was_offered_it_and_what_was_placed(
    page, live_server, world, sourcing, monkeypatch
):
    both = sourcing.package(world.broker, person_reference="AS-1")
    nobody = sourcing.package(world.broker, person_reference="AS-2")
    one = sourcing.package(world.broker, person_reference="AS-3")
    for package in (both, nobody, one):
        exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    listed = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    ticks = {sourcing.first: {both.pk}, sourcing.second: {both.pk, one.pk}}
    for provider, interested in ticks.items():
        batching.batching_return_record(
            actor=None,
            batching_list=listed,
            provider=provider,
            interested=interested,
            now=at(2026, 11, 19, 17),
        )
    batching.batching_lists_close_due(now=CLOSED)
    # The one package only the second provider ticked is offered to it and taken.
    offers.offer_accept(actor=sourcing.second_user, offer=open_offer(one), now=at(2026, 11, 20, 11))
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 20, 12))
    heartbeat_record(name=TIMETABLE, now=at(2026, 11, 20, 12))

    sign_in(page, live_server, world.broker.email)
    page.goto(f"{live_server.url}/sourcing/batching-list/")
    assert page.title().startswith("Batching List")
    assert page.locator("[data-testid=timetable-late]").count() == 0
    first, second = sourcing.first.name, sourcing.second.name

    row = _row(page, both.reference).inner_text()
    assert first in row and second in row
    # The best-ranked provider who ticked it is offered it at the close; it is still open.
    cells = _row(page, both.reference).locator("td")
    assert cells.nth(3).inner_text() == first
    assert "Placed since the list went out" not in row

    row = _row(page, nobody.reference).inner_text()
    assert "Nobody yet" in row and "Nobody ticked it: on to tier 2" in row

    cells = _row(page, one.reference).locator("td")
    assert cells.nth(2).inner_text() == second and cells.nth(3).inner_text() == second
    placed = cells.nth(4).inner_text()
    assert "Placed since the list went out" in placed and second in placed
    # Each package links to its page, where the broker reads the whole history.
    with page.expect_navigation():
        _row(page, one.reference).get_by_role("link", name=one.reference).click()
    assert page.title().startswith(one.reference)


def test_the_broker_pages_show_the_late_timetable_banner_while_the_worker_is_late(
    page, live_server, world, sourcing
):
    heartbeat_record(name=TIMETABLE, now=timezone.now() - timezone.timedelta(minutes=5))
    sign_in(page, live_server, world.broker.email)
    for path in (
        "/sourcing/packages/",
        "/sourcing/batching-list/",
        "/sourcing/available-packages/",
    ):
        page.goto(f"{live_server.url}{path}")
        banner = page.locator("[data-testid=timetable-late]")
        assert banner.is_visible(), path
        assert "has not run for more than two minutes" in banner.inner_text()
    # /healthz says the same to whoever watches the service.
    health = page.request.get(f"{live_server.url}/healthz")
    assert health.json()["worker"]["timetable"]["ok"] is False
    # Once the timetable runs again the banner goes.
    heartbeat_record(name=TIMETABLE, now=timezone.now())
    page.goto(f"{live_server.url}/sourcing/batching-list/")
    assert page.locator("[data-testid=timetable-late]").count() == 0
