"""A provider answers an offer, and a broker reads the history, in the real pages."""

import pytest

from caremarket.conftest import sign_in
from caremarket.sourcing.tests.conftest import THURSDAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provider_declines_then_the_next_provider_accepts_in_the_offers_inbox(
    page, live_server, world, sourcing, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    sign_in(page, live_server, sourcing.first_user.email)
    page.goto(f"{live_server.url}/sourcing/offers/")
    card = page.locator("[data-testid=open-offer]")
    assert package.reference in card.inner_text()
    card.locator("input[name=reason]").fill("No carers free in CM1")
    with page.expect_navigation():
        card.get_by_role("button", name="Decline offer").click()
    assert "You have declined" in page.locator(".govuk-notification-banner").inner_text()
    page.context.clear_cookies()
    sign_in(page, live_server, sourcing.second_user.email)
    page.goto(f"{live_server.url}/sourcing/offers/")
    with page.expect_navigation():
        page.locator("[data-testid=open-offer]").get_by_role("button", name="Accept").click()
    assert (
        "A purchase order has been issued"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    page.context.clear_cookies()
    sign_in(page, live_server, world.broker.email)
    page.goto(f"{live_server.url}/sourcing/packages/{package.pk}/")
    history = page.locator("[data-testid=history]").inner_text()
    assert "Declined: No carers free in CM1" in history and "Placed (tier1)" in history
