"""A broker changes a placed package's hours in the real pages (issue 16 item 7)."""

import pytest

from caremarket.conftest import fill_date, sign_in
from caremarket.sourcing.services import offers
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import open_offer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_broker_changes_the_hours_and_the_package_shows_the_next_order(
    page, live_server, world, sourcing, monkeypatch
):
    package = sourcing.package(world.broker)
    offers.offer_accept(actor=sourcing.first_user, offer=open_offer(package), now=THURSDAY)
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 12, 1, 10))
    sign_in(page, live_server, world.broker.email)
    page.goto(f"{live_server.url}/sourcing/packages/{package.pk}/")
    current = page.locator("[data-testid=current-order]")
    assert "10.50 hours a week at £25.00 an hour" in current.inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Change hours").click()
    assert page.title().startswith(f"Change the hours of {package.reference}")

    # A date in the past is refused, naming the field, and what was typed stays.
    page.get_by_label("New hours a week").fill("14")
    fill_date(page, "First day of the new hours", "2026-11-20")
    with page.expect_navigation():
        page.get_by_role("button", name="Change the hours").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "cannot take effect in the past" in summary
    assert page.get_by_label("New hours a week").input_value() == "14"

    fill_date(page, "First day of the new hours", "2026-12-14")
    with page.expect_navigation():
        page.get_by_role("button", name="Change the hours").click()
    assert (
        "14 hours a week from 14 December 2026"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    shown = page.locator("[data-testid=current-order]").inner_text()
    assert "10.50 hours a week at £25.00 an hour" in shown
    assert "From 14 December 2026: 14 hours a week at £25.00 an hour" in shown
