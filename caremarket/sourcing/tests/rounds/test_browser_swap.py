"""A swap in the real pages: the council proposes, each provider agrees once, both orders move."""

import pytest

from caremarket.conftest import fill_date, sign_in
from caremarket.framework.models import PurchaseOrder
from caremarket.sourcing.services.offers import offer_accept
from caremarket.sourcing.services.transfers import transfers_complete_due
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.rounds.conftest import client_of, postcode_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_swap_from_proposal_to_the_two_new_purchase_orders(
    page, live_server, world, sourcing, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    mine = sourcing.package(world.broker)
    offer_accept(actor=sourcing.first_user, offer=mine.offers.get(), now=THURSDAY)
    theirs = client_of(
        sourcing, world.broker, sourcing.second.organisation, postcode_at("CM1 7SW"), n=1
    )
    both = f"{mine.reference} and {theirs.reference}"

    sign_in(page, live_server, world.broker.email)
    page.goto(f"{live_server.url}/sourcing/packages/{mine.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="propose a swap").click()
    assert page.get_by_label("Package moving from its provider").input_value() == mine.reference
    page.get_by_label("Package coming back in exchange").fill(theirs.reference)
    fill_date(page, "First day with the new providers", "2026-11-19")
    page.get_by_label("Why does each package fit the other round better?").fill("Rounds cross")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the swap").click()
    assert "must be after today" in page.locator(".govuk-error-summary").inner_text()
    fill_date(page, "First day with the new providers", "2026-12-07")
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the swap").click()
    assert "Nothing changes until" in page.locator(".govuk-notification-banner").inner_text()
    card = page.locator("[data-testid=transfer]")
    assert card.count() == 1 and f"Swap: {both}" in card.inner_text()
    assert page.locator("[data-testid=swap-leg]").count() == 2

    for user, verb in ((sourcing.first_user, "Agree to"), (sourcing.second_user, "Accept")):
        page.context.clear_cookies()
        sign_in(page, live_server, user.email)
        page.goto(f"{live_server.url}/sourcing/transfers/")
        with page.expect_navigation():
            page.get_by_role("button", name=f"{verb} the swap of {both}").click()
        assert "You have agreed" in page.locator(".govuk-notification-banner").inner_text()
    assert "All three parties have agreed" in (
        page.locator(".govuk-notification-banner").inner_text()
    )

    # The worker runs on the morning of the date: both legs move together.
    assert transfers_complete_due(now=at(2026, 12, 7, 0, 15)) == 2
    new = {
        p.reference: PurchaseOrder.objects.get(package_reference=p.reference, ends_on__isnull=True)
        for p in (mine, theirs)
    }
    assert new[mine.reference].provider == sourcing.second
    assert new[theirs.reference].provider == sourcing.first
    page.goto(f"{live_server.url}/sourcing/transfers/")
    shown = {e.inner_text() for e in page.locator("[data-testid=new-order]").all()}
    assert shown == {o.reference for o in new.values()}
