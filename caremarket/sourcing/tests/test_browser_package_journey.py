"""A broker creates a package in the pages; it is offered, declined, lapses and is accepted.

Time moves as it does in the service: the clock goes past the offer's deadline and the
timetable's every-minute job runs, as the task queue would run it.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.services.timetable import timetable_tick
from caremarket.sourcing.tests.helpers import fill_package_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def offers_inbox(journey, tab):
    tab.goto(journey.url("/sourcing/offers/"))
    return tab.locator("[data-testid=open-offer]")


def test_a_package_is_offered_declined_lapses_and_is_accepted(
    journey, clock, world, sourcing, settings
):
    clock.now = dt.datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)  # a Thursday morning

    broker = journey.person(world.broker.email)
    broker.goto(journey.url("/sourcing/packages/"))
    journey.seen(broker, "package list")
    broker.get_by_role("link", name="Create a package").click()
    broker.get_by_role("button", name="Create package and start sourcing").click()
    assert "There is a problem" in broker.locator(".govuk-error-summary").inner_text()
    journey.seen(broker, "package form with errors")
    fill_package_form(
        broker,
        reference="AS-55501",
        hours="10.5",
        pattern="3 calls a day, 30 minutes each",
        needs="Help to wash and dress",
    )
    banner = broker.locator(".govuk-notification-banner").inner_text()
    assert "created: sourcing has started" in banner
    reference = broker.locator("h1").inner_text().split()[0]
    journey.seen(broker, "package created")

    # The first-ranked provider sees the offer and declines it.
    first = journey.person(sourcing.first_user.email)
    card = offers_inbox(journey, first)
    assert reference in card.inner_text() and "10.50 hours a week" in card.inner_text()
    journey.seen(first, "offers inbox with an offer")
    card.get_by_label("Why are you declining?").fill("No carers free in CM1")
    card.get_by_role("button", name="Decline offer").click()
    assert (
        f"You have declined {reference}" in first.locator(".govuk-notification-banner").inner_text()
    )
    assert offers_inbox(journey, first).count() == 0
    journey.seen(first, "offers inbox after declining")

    # The next provider gets it, and lets the deadline pass without an answer.
    second = journey.person(sourcing.second_user.email)
    card = offers_inbox(journey, second)
    assert reference in card.inner_text()
    deadline = card.locator(".govuk-tag").inner_text()
    assert deadline.startswith("Answer by 12:00 on Thursday 19 November"), deadline
    clock.now = dt.datetime(2026, 11, 19, 12, 1, tzinfo=LONDON)
    timetable_tick(now=clock.now)
    assert offers_inbox(journey, second).count() == 0
    assert "Lapsed" in second.locator("table").inner_text()

    # Nobody else on tier 1: it waits for the 16:00 Batching List, which nobody ticks by
    # 10:00 the next working day, and then goes to tier 2.
    broker.reload()
    assert "Lapsed" in broker.locator("main").inner_text()
    clock.now = dt.datetime(2026, 11, 19, 16, 1, tzinfo=LONDON)
    timetable_tick(now=clock.now)
    clock.now = dt.datetime(2026, 11, 20, 10, 1, tzinfo=LONDON)
    timetable_tick(now=clock.now)

    # The tier-2 provider accepts.
    tier2 = journey.person(sourcing.tier2_user.email)
    card = offers_inbox(journey, tier2)
    assert reference in card.inner_text()
    card.get_by_role("button", name="Accept").click()
    assert (
        "A purchase order has been issued"
        in tier2.locator(".govuk-notification-banner").inner_text()
    )
    journey.seen(tier2, "offers inbox after accepting")

    # A new day: the broker's session from Thursday has expired, so they sign in again.
    broker = journey.person(world.broker.email)
    broker.goto(journey.url("/sourcing/packages/"))
    broker.get_by_role("link", name=reference).click()
    expect(broker.locator("h1")).to_contain_text("Placed")
    history = broker.locator("[data-testid=history]").inner_text()
    assert "Declined: No carers free in CM1" in history
    assert "Lapsed" in history or "lapsed" in history
    assert sourcing.tier2.organisation.name in broker.locator("main").inner_text()
    journey.seen(broker, "package placed")
    journey.assert_accessible()
