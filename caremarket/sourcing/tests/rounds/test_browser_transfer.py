"""A transfer of care in the real pages: proposal, acceptance, approval, the new order."""

import pytest

from caremarket.conftest import fill_date, sign_in
from caremarket.framework.models import PurchaseOrder
from caremarket.sourcing.services.offers import offer_accept
from caremarket.sourcing.services.transfers import transfers_complete_due
from caremarket.sourcing.tests.conftest import THURSDAY, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_transfer_from_proposal_to_the_new_purchase_order(
    page, live_server, world, sourcing, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    offer_accept(actor=sourcing.first_user, offer=package.offers.get(), now=THURSDAY)
    receiving = sourcing.second.organisation.name

    sign_in(page, live_server, sourcing.first_user.email)
    page.goto(f"{live_server.url}/sourcing/handbacks/")
    page.get_by_role("link", name=f"Propose a transfer of {package.reference}").click()
    page.get_by_label("Receiving provider", exact=True).select_option(label=receiving)
    fill_date(page, "First day with the receiving provider", "2026-11-19")
    page.get_by_label("Why does it fit the other round better?").fill("Their round is next door")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the transfer").click()
    assert "must be after today" in page.locator(".govuk-error-summary").inner_text()
    fill_date(page, "First day with the receiving provider", "2026-12-07")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the transfer").click()
    assert "Nothing changes until" in page.locator(".govuk-notification-banner").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, sourcing.second_user.email)
    page.goto(f"{live_server.url}/sourcing/transfers/")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Accept the transfer of {package.reference}").click()
    assert "You have agreed" in page.locator(".govuk-notification-banner").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, world.broker.email)
    page.goto(f"{live_server.url}/sourcing/transfers/")
    card = page.locator("[data-testid=transfer]")
    assert "18 days' notice" in card.inner_text() and "The same:" in card.inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name=f"Approve the transfer of {package.reference}").click()
    assert (
        "All three parties have agreed" in page.locator(".govuk-notification-banner").inner_text()
    )

    # The worker runs on the morning of the date.
    assert transfers_complete_due(now=at(2026, 12, 7, 0, 15)) == 1
    new = PurchaseOrder.objects.get(package_reference=package.reference, ends_on__isnull=True)
    page.goto(f"{live_server.url}/sourcing/transfers/")
    assert page.locator("[data-testid=new-order]").inner_text() == new.reference
    page.goto(f"{live_server.url}/sourcing/packages/{package.pk}/")
    assert receiving in page.locator("[data-testid=history]").inner_text()
    assert new.reference in page.content()
