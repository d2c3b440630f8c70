"""A contract manager sets up next framework year's prices in the pages; a provider chooses one."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from caremarket.conftest import fill_date
from caremarket.framework.models import MatrixRate, PriceYear

LONDON = ZoneInfo("Europe/London")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_contract_manager_sets_a_price_year_and_a_provider_selects_its_rate(
    journey, clock, world, fw
):
    clock.now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)
    manager = journey.person(world.contract_manager.email)
    manager.goto(journey.url("/framework/prices/"))
    assert "Price matrix 2026/27" in manager.locator("h1").inner_text()
    journey.seen(manager, "the price matrix")

    year = manager.get_by_test_id("year-form")
    year.get_by_label("Name of the year").fill("2027/28")
    # 9 November 2027 is still in 2026/27, which ends on the 8th.
    fill_date(year, "First day", "2027-11-08")
    fill_date(year, "Last day", "2028-11-06")
    year.get_by_role("button", name="Add the year").click()
    summary = manager.locator(".govuk-error-summary").inner_text()
    assert "overlaps a year already in the matrix" in summary, summary
    assert manager.title().startswith("Error: ")
    journey.seen(manager, "a price year that overlaps")

    year = manager.get_by_test_id("year-form")
    fill_date(year, "First day", "2027-11-09")
    fill_date(year, "Last day", "2027-11-01")
    year.get_by_role("button", name="Add the year").click()
    summary = manager.locator(".govuk-error-summary").inner_text()
    assert "The last day must be after the first day" in summary, summary
    assert not PriceYear.objects.filter(label="2027/28").exists()

    year = manager.get_by_test_id("year-form")
    fill_date(year, "Last day", "2028-11-06")
    year.get_by_role("button", name="Add the year").click()
    assert "The 2027/28 framework year has been added" in (
        manager.locator(".govuk-notification-banner").inner_text()
    )
    assert "Price matrix 2027/28" in manager.locator("h1").inner_text()
    assert "No rates for this year yet" in manager.locator("main table").inner_text()
    journey.seen(manager, "a new price year with no rates")

    rate = manager.get_by_test_id("rate-form")
    rate.get_by_label("Service type").select_option(label="Personal Care")
    rate.get_by_label("Band").fill("A")
    rate.get_by_role("button", name="Add the rate").click()
    summary = manager.locator(".govuk-error-summary").inner_text()
    assert "Enter rate (£)" in summary, summary
    journey.seen(manager, "a rate with no amount")
    rate = manager.get_by_test_id("rate-form")
    rate.get_by_label("Rate (£)").fill("26.50")
    rate.get_by_role("button", name="Add the rate").click()
    assert "£26.50 an hour added to the 2027/28 matrix for Personal Care" in (
        manager.locator(".govuk-notification-banner").inner_text()
    )
    row = manager.locator("main table tbody tr").first.inner_text()
    assert "Personal Care" in row and "Every other district" in row and "£26.50" in row
    journey.seen(manager, "a price year with a rate")
    assert MatrixRate.objects.filter(year__label="2027/28").count() == 1

    # The provider picks next year's rate for its Chelmsford lot from the new matrix.
    provider = journey.person(world.home_care_admin.email)
    provider.goto(journey.url(f"/framework/providers/{fw.meadow.pk}/rates/"))
    provider.get_by_label("Lot").select_option(label=str(fw.lot("Chelmsford")))
    provider.get_by_label("Framework year").select_option(label="2027/28")
    provider.get_by_label("Rate (£)").fill("26.50")
    provider.get_by_role("button", name="Select this rate").click()
    assert "The rate has been selected" in (
        provider.locator(".govuk-notification-banner").inner_text()
    )
    assert "2027/28" in provider.locator("main table").inner_text()
    journey.seen(provider, "the provider's rates with next year's")
    journey.assert_accessible()
