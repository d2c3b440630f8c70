"""Each dashboard on the demo data, in headless Chromium: charts drawn, a file downloaded.

The demo loaders run as `make run` runs them, scaled down so the test stays quick: fewer
homes, providers and weeks, the same code paths. The demo is loaded once for the module and
each test starts from the database as loaded (`restored_once_per_module`); the tests only read
its visit files.
"""

import csv
import io
import shutil
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from caremarket.accounts.demo import DEMO_PASSWORD
from caremarket.carehomes import demo as carehomes_demo
from caremarket.conftest import restored_once_per_module, sign_in
from caremarket.framework import demo as framework_demo
from caremarket.monitoring import demo as monitoring_demo
from caremarket.sourcing import demo as sourcing_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo_build(store: Path) -> None:
    # An empty visit store, as each test had when it loaded the demo itself (on PostgreSQL it
    # still does).
    shutil.rmtree(store, ignore_errors=True)
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(scope="module")
def _demo_once(tmp_path_factory):
    store = tmp_path_factory.mktemp("demo") / "ehm"
    with pytest.MonkeyPatch.context() as patch, override_settings(EHM_STORE_DIR=str(store)):
        for module, name, value in (
            (carehomes_demo, "HOMES_PER_DISTRICT", 1),
            (framework_demo, "PROVIDERS", 30),
            (framework_demo, "BOOK_PACKAGES", 80),
            (monitoring_demo, "PERIODS", 2),
            (monitoring_demo, "PEOPLE_PER_BRANCH", 1),
            (sourcing_demo, "WORKING_DAYS", 4),
            (sourcing_demo, "SPOT_AGENCIES", 6),
            (sourcing_demo, "SPOT_WITH_USERS", 2),
        ):
            patch.setattr(module, name, value)
        with restored_once_per_module(partial(_demo_build, store)) as start:
            yield start


@pytest.fixture
def demo(request, _demo_once):
    return _demo_once(request)


def menu(page, name: str):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def charts_drawn(page) -> int:
    page.wait_for_selector("[data-chart-drawn=true]")
    return page.locator("[data-chart-drawn=true]").count()


def test_the_council_opens_each_dashboard_and_downloads_its_figures(
    page, live_server, demo, tmp_path
):
    sign_in(page, live_server, "contracts@council.example", DEMO_PASSWORD)
    menu(page, "Market").click()
    expect(page.locator("h1")).to_have_text("Home care market")
    assert charts_drawn(page) == 5
    adults = page.locator("[data-figure=adults] .govuk-summary-list__value").inner_text()
    assert int(adults.replace(",", "")) > 0
    with page.expect_download() as info:
        page.get_by_role("link", name="Every table as a spreadsheet (xlsx)").click()
    path = tmp_path / "market.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Market table" and book["By period"].max_row > 3

    page.get_by_role("link", name="Care home market").click()
    expect(page.locator("h1")).to_have_text("Care home market")
    assert charts_drawn(page) == 2
    with page.expect_download() as info:
        page.get_by_role("link", name="Suspended rooms (CSV)").click()
    rows = list(csv.reader(io.StringIO(info.value.path().read_text())))
    assert rows[0][:2] == ["Care home", "CQC location ID"]

    page.get_by_role("link", name="Live demand").click()
    expect(page.locator("h1")).to_have_text("Live demand for home care")
    assert charts_drawn(page) == 2
    assert page.locator("[data-testid=demand-map]").is_visible()


def test_a_provider_sees_demand_only_and_an_nhs_team_the_care_home_market(page, live_server, demo):
    sign_in(page, live_server, "coordinator@brightpath.example", DEMO_PASSWORD)
    menu(page, "Demand").click()
    expect(page.locator("h1")).to_have_text("Live demand for home care")
    assert charts_drawn(page) == 2
    assert page.get_by_role("link", name="Home care market").count() == 0
    with page.expect_download() as info:
        page.get_by_role("link", name="Packages (CSV)").click()
    text = info.value.path().read_text()
    assert text.startswith("Package,District,Outward code")
    assert "AS-" not in text  # the council's case references never leave it
    page.goto(f"{live_server.url}/insight/market/")
    assert "Page not found" in page.locator("h1").inner_text()

    page.context.clear_cookies()
    sign_in(page, live_server, "discharge@nhs.example", DEMO_PASSWORD)
    menu(page, "Market").click()
    expect(page.locator("h1")).to_have_text("Care home market")
    rooms = page.locator("[data-testid=beds-summary] .cm-figure-card__value").first.inner_text()
    assert int(rooms) > 0
