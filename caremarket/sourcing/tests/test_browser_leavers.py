"""Issue 16 "Done when": a contract manager ends an agreement while its provider holds an open
offer, and the broker sees the offer move to the next provider."""

import datetime as dt

import pytest

from caremarket.conftest import fill_date
from caremarket.sourcing.engine.calendar import LONDON

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ending_an_agreement_moves_the_open_offer_to_the_next_provider(
    journey, clock, world, sourcing
):
    clock.now = dt.datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)  # a Thursday morning
    package = sourcing.package(world.broker, now=clock.now)
    leaver, next_up = sourcing.first, sourcing.second

    broker = journey.person(world.broker.email)
    broker.goto(journey.url(f"/sourcing/packages/{package.pk}/"))
    offers = broker.locator("[data-testid=offers]").inner_text()
    assert leaver.name in offers and "Tier 1, position 1" in offers and "Waiting" in offers
    journey.seen(broker, "package with an open offer")

    clock.now = dt.datetime(2026, 11, 19, 10, 30, tzinfo=LONDON)
    manager = journey.person(world.contract_manager.email)
    manager.goto(journey.url(f"/framework/providers/{leaver.pk}/"))
    assert "Meets tier 1" in manager.locator("h1").inner_text()
    manager.get_by_role("link", name="End the agreement").click()
    journey.seen(manager, "end the agreement")

    # A date that does not exist: refused on the field, with what was typed kept.
    fill_date(manager, "Date the agreement ended", "2026-11-31")
    manager.get_by_label("Why has the agreement ended?").fill("Closed its Chelmsford branch")
    manager.get_by_role("button", name="Continue").click()
    summary = manager.locator(".govuk-error-summary").inner_text()
    assert "The date the agreement ended must be a real date" in summary
    group = manager.get_by_role("group", name="Date the agreement ended")
    assert group.get_by_label("Day").input_value() == "31"
    assert (
        manager.get_by_label("Why has the agreement ended?").input_value()
        == "Closed its Chelmsford branch"
    )
    journey.seen(manager, "end the agreement with errors")

    # The check page says what will happen; nothing has happened yet.
    group.get_by_label("Day").fill("19")
    manager.get_by_role("button", name="Continue").click()
    consequences = manager.locator("[data-testid=consequences]").inner_text()
    assert f"1 open offer will be withdrawn at once ({package.reference})" in consequences
    assert (
        "Tier 1, position 1 in Chelmsford"
        in manager.locator("[data-testid=lists-affected]").inner_text()
    )
    journey.seen(manager, "check before ending the agreement")
    broker.reload()
    assert "Waiting" in broker.locator("[data-testid=offers]").inner_text()

    manager.get_by_role("button", name="End the agreement and withdraw its offers").click()
    assert "agreement has ended" in manager.locator(".govuk-notification-banner").inner_text()
    heading = manager.locator("h1").inner_text()
    assert "Meets tier 1" not in heading and "Left the framework on 19 November 2026" in heading
    journey.seen(manager, "provider after the agreement ended")

    # The broker sees the offer withdrawn and the package offered to the next provider, at
    # its issued place: tier 1, position 2.
    broker.reload()
    rows = broker.locator("[data-testid=offers] tbody tr")
    assert rows.count() == 2
    withdrawn, moved = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert leaver.name in withdrawn and "Withdrawn" in withdrawn
    assert "Left the framework" in withdrawn
    assert next_up.name in moved and "Tier 1, position 2" in moved and "Waiting" in moved
    journey.seen(broker, "package after the offer moved")

    # The next provider has it in its inbox.
    second = journey.person(sourcing.second_user.email)
    second.goto(journey.url("/sourcing/offers/"))
    assert package.reference in second.locator("[data-testid=open-offer]").inner_text()

    # The ranked lists say the provider has left rather than ranking it.
    broker.goto(
        journey.url(
            "/framework/ranked-lists/?district=E07000070&service_type=personal_care"
            "&cohort=older_people"
        )
    )
    table = broker.locator("main table").first.inner_text()
    assert "Left the framework on 19 November 2026" in table
    journey.seen(broker, "ranked lists with a leaver")
    journey.assert_accessible()
