"""A provider uploads a visit file in the browser; a contract manager opens the overview."""

import pytest

from caremarket.conftest import sign_in
from caremarket.monitoring.tests.conftest import csv_bytes, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_provider_uploads_a_file_and_sees_it_accepted(page, live_server, ehm, tmp_path):
    # Period 3 ended long ago, so the real clock used by the page accepts it.
    path = tmp_path / "visits.csv"
    path.write_bytes(csv_bytes([visit(), visit()]))
    sign_in(page, live_server, "staff@meadow.test")
    page.goto(f"{live_server.url}/monitoring/submissions/new/")
    page.set_input_files("main input[type=file]", str(path))
    with page.expect_navigation(url="**/monitoring/submissions/*/"):
        page.click("main [type=submit]")
    main = page.locator("main")
    assert "Accepted" in main.inner_text()
    assert "Accepted: 2 visits for Period 3" in main.inner_text()


def test_a_contract_manager_opens_the_overview_and_a_provider(page, live_server, ehm):
    ehm.send(
        csv_bytes(
            [
                visit(),
                visit(
                    visit_status="MISSED",
                    actual_check_in="",
                    actual_check_out="",
                    check_in_method="",
                ),
            ]
        )
    )
    sign_in(page, live_server, "contracts@council.test")
    page.goto(f"{live_server.url}/monitoring/overview/?period=3")
    main = page.locator("main")
    assert "Meadow Home Care" in main.inner_text()
    page.wait_for_selector("main [data-chart-drawn=true]")
    assert page.locator("main [data-chart-drawn=true]").count() == 1
    page.click("main a:has-text('Meadow Home Care')")
    assert "Missed visits" in page.locator("main").inner_text()
