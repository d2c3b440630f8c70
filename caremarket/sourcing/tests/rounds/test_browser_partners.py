"""A contract manager names a strategic partner for two outward codes in the pages; a
broker's new package in one of them is offered to the partner first, ahead of tier 1."""

import datetime as dt

import pytest

from caremarket.conftest import fill_date
from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.tests.helpers import fill_package_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_named_partner_is_offered_a_package_in_its_area_first(journey, clock, world, sourcing):
    clock.now = dt.datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)  # a Thursday morning

    manager = journey.person(world.contract_manager.email)
    manager.goto(journey.url("/"))
    manager.get_by_role("link", name="Strategic partners").first.click()
    journey.seen(manager, "strategic partners, none yet")
    manager.get_by_role("link", name="Name a strategic partner").click()
    manager.get_by_role("button", name="Name the strategic partner").click()
    assert "There is a problem" in manager.locator(".govuk-error-summary").inner_text()
    journey.seen(manager, "naming a partner with errors")
    manager.get_by_label("Strategic partner").select_option(label=str(sourcing.tier2))
    manager.get_by_label("Personal Care").check()
    manager.get_by_label("Outward codes").fill("CM1, CM2")
    fill_date(manager, "First day of the trial", "2026-11-19")
    fill_date(manager, "Last day of the trial", "2027-05-18")
    manager.get_by_role("button", name="Name the strategic partner").click()
    assert (
        "is the strategic partner for CM1, CM2"
        in manager.locator(".govuk-notification-banner").inner_text()
    )
    assert manager.locator("[data-testid=codes]").inner_text() == "CM1, CM2"
    journey.seen(manager, "partnership named")

    broker = journey.person(world.broker.email)
    broker.goto(journey.url("/sourcing/packages/new/"))
    fill_package_form(
        broker, reference="AS-55502", hours="7", pattern="2 calls a day", needs="Help to dress"
    )
    main = broker.locator("main").inner_text()
    assert str(sourcing.tier2) in main and "strategic partner for CM1" in main, main
    journey.seen(broker, "package offered to the strategic partner first")

    partner = journey.person(sourcing.tier2_user.email)
    partner.goto(journey.url("/sourcing/offers/"))
    assert "AS-55502" not in partner.locator("main").inner_text()  # no person's reference
    assert partner.locator("[data-testid=open-offer]").count() == 1
    first = journey.person(sourcing.first_user.email)
    first.goto(journey.url("/sourcing/offers/"))
    assert first.locator("[data-testid=open-offer]").count() == 0

    manager.goto(journey.url("/sourcing/strategic-partners/"))
    row = manager.locator("[data-testid=partnerships] tbody tr").first.inner_text()
    assert "CM1, CM2" in row and "In force" in row
