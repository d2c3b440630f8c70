"""A contract manager imports a ranked-list workbook and issues it, and adds a provider with
two branches from the CQC register, in the browser."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from caremarket.conftest import fill_date, sign_in
from caremarket.cqc.services import cqc_import
from caremarket.cqc.tests import published as p
from caremarket.framework.models import Provider, RankedListVersion
from caremarket.framework.selectors.tool import LISTS_SHEET, ranked_list_tool_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_contract_manager_imports_a_workbook_sees_the_diff_and_issues_it(
    page, live_server, fw, tmp_path
):
    book = load_workbook(io.BytesIO(ranked_list_tool_workbook(version=fw.version)))
    for row in book[LISTS_SHEET].iter_rows(min_row=5):
        if (
            row[0].value == "Harlow"
            and row[1].value == "Personal Care"
            and row[2].value == "Older people"
            and row[3].value == 1
        ):
            row[4].value = 3 - row[4].value  # swap positions 1 and 2
    path = tmp_path / "new-lists.xlsx"
    book.save(path)

    sign_in(page, live_server, "contracts@council.test")
    page.goto(f"{live_server.url}/framework/ranked-lists/import/")
    page.set_input_files("#id_workbook", str(path))
    page.click("main form [type=submit]")
    # Checking every lot of the workbook can take a while on a busy CI machine.
    try:
        page.wait_for_url(re.compile(r"/versions/\d+/$"), timeout=60000)
    except PlaywrightTimeoutError:
        pytest.fail(f"The draft did not open; the page says: {page.locator('main').inner_text()}")
    page.locator("[data-testid=diff], [data-testid=no-diff]").first.wait_for(timeout=60000)
    assert page.locator("[data-testid=diff]").count() == 1, page.locator("main").inner_text()
    diff = page.locator("[data-testid=diff]").inner_text()
    assert "Harlow · Personal Care · Older people" in diff
    assert "Tier 1, position 1" in diff and "Tier 1, position 2" in diff

    today = timezone.localdate()
    page.fill("#id_effective_from_0", str(today.day))
    page.fill("#id_effective_from_1", str(today.month))
    page.fill("#id_effective_from_2", str(today.year))
    with page.expect_navigation(timeout=60000):
        page.click("#issue [type=submit]")
    assert "has been issued" in page.locator("main").inner_text()
    assert "Issued" in page.locator("h1").inner_text()
    assert RankedListVersion.objects.filter(number=2, status="issued").exists()


def test_a_contract_manager_adds_a_provider_with_two_branches(page, live_server, world):
    rows = [
        p.directory_row(
            f"1-8{n}",
            name,
            "CM1 1AA",
            provider_id="1-800",
            provider="Lantern Care Ltd",
            types="Homecare agencies",
        )
        for n, name in ((1, "Lantern Chelmsford"), (2, "Lantern Braintree"), (3, "Lantern Harlow"))
    ]
    cqc_import(data=p.directory_csv(rows), filename="d.csv", now=timezone.now())
    sign_in(page, live_server, "contracts@council.test")
    page.goto(f"{live_server.url}/framework/providers/")
    page.click("text=Add a provider from the CQC register")
    page.fill("#id_lookup_cqc_provider_id", "1-800")
    with page.expect_navigation():
        page.click("text=Find its locations")
    page.check("label:has-text('Lantern Chelmsford')")
    page.check("label:has-text('Lantern Braintree')")
    fill_date(page, "Date the provider joined the framework", dt.date(2026, 11, 2).isoformat())
    with page.expect_navigation():
        page.click("main form[method=post] [type=submit]")
    assert "Lantern Care Ltd has joined the framework" in page.locator("main").inner_text()
    provider = Provider.objects.get(cqc_provider_id="1-800")
    assert sorted(provider.branches.values_list("name", flat=True)) == [
        "Lantern Braintree",
        "Lantern Chelmsford",
    ]
