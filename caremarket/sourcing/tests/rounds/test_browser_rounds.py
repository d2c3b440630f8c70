"""A broker enters a package's calls; the provider it is offered to sees how it fits its round."""

import pytest

from caremarket.conftest import sign_in
from caremarket.sourcing.tests.conftest import THURSDAY
from caremarket.sourcing.tests.rounds.conftest import client_of, every_day, postcode_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_calls_entered_by_the_broker_show_as_round_fit_on_the_providers_offer(
    page, live_server, world, sourcing, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    mine = sourcing.first.organisation
    near = postcode_at("CM1 2AB", east_km=0.3)
    client_of(sourcing, world.broker, mine, near, rows=[every_day(7, 30, 45)], n=1)
    package = sourcing.package(world.broker, postcode=postcode_at("CM1 9ZZ"))

    sign_in(page, live_server, world.broker.email)
    page.goto(f"{live_server.url}/sourcing/packages/{package.pk}/")
    page.get_by_role("link", name="Change visit pattern").click()
    call = page.locator("[data-testid=call-1]")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        call.get_by_label(day).check()
    call.get_by_label("Call 1: start time").fill("08:30")
    call.get_by_label("Call 1: length in minutes").fill("30")
    page.get_by_label("Hours a week (optional check)").fill("4")
    with page.expect_navigation():
        page.get_by_role("button", name="Save visit pattern").click()
    assert "Correct the calls or the hours" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Hours a week (optional check)").fill("3.5")
    with page.expect_navigation():
        page.get_by_role("button", name="Save visit pattern").click()
    assert "3.50 hours a week" in page.locator(".govuk-notification-banner").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, sourcing.first_user.email)
    page.goto(f"{live_server.url}/sourcing/offers/")
    fit = page.locator("[data-testid=open-offer]").filter(has_text=package.reference)
    text = fit.locator("[data-testid=round-fit]").inner_text()
    assert "within 1 km: 1" in text and "within 0.5 km" in text
    assert "7 of 7 calls" in text
    assert "9ZZ" not in fit.inner_text()

    # Live demand gives the same figures beside the package, with its outward code only.
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Demand", exact=True
    ).click()
    row = page.locator("[data-testid=demand-packages] tr").filter(has_text=package.reference)
    demand_fit = row.locator("[data-testid=demand-round-fit]").inner_text()
    assert "within 1 km: 1" in demand_fit and "within 0.5 km" in demand_fit
    assert "7 of 7 calls" in demand_fit
    assert "CM1," in row.inner_text() and "9ZZ" not in row.inner_text()
