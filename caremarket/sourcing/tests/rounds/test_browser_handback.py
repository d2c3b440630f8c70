"""A handback in the real pages: notice, acknowledgement, the next provider accepts."""

import pytest

from caremarket.conftest import fill_date, sign_in
from caremarket.sourcing.services.offers import offer_accept
from caremarket.sourcing.tests.conftest import THURSDAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_handback_from_notice_to_re_placement(page, live_server, world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    offer_accept(actor=sourcing.first_user, offer=package.offers.get(), now=THURSDAY)

    sign_in(page, live_server, sourcing.first_user.email)
    page.goto(f"{live_server.url}/sourcing/handbacks/")
    page.get_by_role("link", name=f"Hand back {package.reference}").click()
    page.get_by_label("Staffing").check()
    fill_date(page, "Your last day of care", "2026-12-10")
    with page.expect_navigation():
        page.get_by_role("button", name="Give notice").click()
    assert "28 days' notice" in page.locator(".govuk-error-summary").inner_text()
    fill_date(page, "Your last day of care", "2026-12-17")
    with page.expect_navigation():
        page.get_by_role("button", name="Give notice").click()
    assert "Notice given" in page.locator(".govuk-notification-banner").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, world.broker.email)
    page.goto(f"{live_server.url}/sourcing/handbacks/")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Acknowledge and re-source {package.reference}").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "re-sources the care from 18 December 2026" in banner

    page.context.clear_cookies()
    sign_in(page, live_server, sourcing.second_user.email)
    page.goto(f"{live_server.url}/sourcing/offers/")
    with page.expect_navigation():
        page.locator("[data-testid=open-offer]").get_by_role("button", name="Accept").click()
    assert (
        "purchase order has been issued" in page.locator(".govuk-notification-banner").inner_text()
    )

    page.context.clear_cookies()
    sign_in(page, live_server, world.broker.email)
    page.goto(f"{live_server.url}/sourcing/handbacks/")
    row = page.locator("[data-testid=handbacks] tbody tr").first.inner_text()
    assert "Re-placed" in row and sourcing.second.organisation.name in row and "18 Dec 2026" in row
