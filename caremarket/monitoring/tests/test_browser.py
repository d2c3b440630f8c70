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
    with page.expect_navigation():
        page.click("main a:has-text('Meadow Home Care')")
    assert "Missed visits" in page.locator("main").inner_text()


def test_a_provider_sends_a_visit_in_the_repeated_hour_and_sees_the_warnings(
    page, live_server, ehm, tmp_path
):
    # Period 13 (12 October to 8 November 2026) holds the night the clocks went back.
    row = visit(
        period_start="2026-10-12",
        planned_start="2026-10-25 00:30",
        planned_end="2026-10-25 02:30",
        actual_check_in="2026-10-25 01:30",
        actual_check_out="2026-10-25 01:20",
    )
    path = tmp_path / "october.csv"
    path.write_bytes(csv_bytes([visit(period_start="2026-10-12", **_oct("13")), row]))
    sign_in(page, live_server, "staff@meadow.test")
    page.goto(f"{live_server.url}/monitoring/submissions/new/")
    page.set_input_files("main input[type=file]", str(path))
    with page.expect_navigation(url="**/monitoring/submissions/*/"):
        page.click("main [type=submit]")
    page.wait_for_selector("main [data-warnings]")
    main = page.locator("main")
    assert "Accepted with warnings" in main.inner_text()
    assert "2 warnings" in main.inner_text()
    rows = page.locator("main [data-warnings] tbody tr")
    assert rows.count() == 2
    assert "actual_check_in" in rows.nth(0).inner_text()
    assert "first one (BST)" in rows.nth(0).inner_text()
    assert "second one (GMT)" in rows.nth(1).inner_text()
    with page.expect_download() as download:
        page.click("main a:has-text('Download the warnings report')")
    report = download.value.path().read_text(encoding="utf-8").splitlines()
    assert report[0] == "row,column,value,rule"
    assert [line.split(",")[:2] for line in report[1:]] == [
        ["3", "actual_check_in"],
        ["3", "actual_check_out"],
    ]


def _oct(day: str) -> dict[str, str]:
    times = {"planned_start": f"2026-10-{day} 08:00", "planned_end": f"2026-10-{day} 09:00"}
    return {
        **times,
        "actual_check_in": times["planned_start"],
        "actual_check_out": times["planned_end"],
    }
