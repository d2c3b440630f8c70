"""A provider sends a visit file with errors, reads the error report, sends a corrected file and
sees its KPIs; while the first file is checked the page says so and updates itself in place."""

import pytest
from django.utils import timezone

from caremarket.common import jobs
from caremarket.monitoring.models import Submission
from caremarket.monitoring.services.submissions import PROCESS_SUBMISSION, submission_process
from caremarket.monitoring.tests.conftest import csv_bytes, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(journey, tab, path):
    tab.get_by_role("link", name="Upload a visit file").first.click()
    tab.get_by_label("Visit file").set_input_files(str(path))
    with tab.expect_navigation(url="**/monitoring/submissions/*/"):
        tab.get_by_role("button", name="Upload file").click()


def test_a_provider_corrects_a_rejected_visit_file_and_sees_the_kpis(
    journey, world, ehm, tmp_path, monkeypatch
):
    wrong = tmp_path / "visits-p3.csv"
    wrong.write_bytes(
        csv_bytes(
            [
                visit(),
                visit(visit_status="DONE"),
                visit(service_user_reference="P2", carers="0"),
            ]
        )
    )
    # The task queue is slow today: the file waits, and the page must say so without refreshing.
    queued: list[int] = []
    monkeypatch.setitem(jobs._JOBS, PROCESS_SUBMISSION, queued.append)
    provider = journey.person(world.home_care_user.email)
    provider.goto(journey.url("/monitoring/"))
    upload(journey, provider, wrong)
    status = provider.locator("[data-status-live]")
    assert "We are checking the file" in status.inner_text()
    assert status.get_attribute("role") == "status"
    assert provider.locator("meta[http-equiv=refresh]").count() == 0
    journey.seen(provider, "a visit file being checked")
    provider.evaluate("window.__samePage = true")

    submission_process(submission_id=queued[0], now=timezone.now())
    provider.wait_for_function(
        "document.querySelector('[data-status-live]').textContent.includes('Rejected')"
    )
    # Updated in place, not reloaded: the person's place on the page is kept.
    assert provider.evaluate("window.__samePage === true")
    main = provider.locator("main").inner_text()
    assert "2 errors" in main, main
    journey.seen(provider, "a rejected visit file")
    with provider.expect_download() as download:
        provider.get_by_role("link", name="Download the error report (CSV)").click()
    report = download.value.path().read_text(encoding="utf-8").splitlines()
    assert report[0] == "row,column,value,rule"
    assert sorted(line.split(",")[:3] for line in report[1:]) == [
        ["3", "visit_status", "DONE"],
        ["4", "carers", "0"],
    ]
    assert Submission.objects.get(pk=queued[0]).status == Submission.Status.REJECTED

    # The corrected file, with the queue working again.
    monkeypatch.undo()
    right = tmp_path / "visits-p3-corrected.csv"
    right.write_bytes(
        csv_bytes(
            [
                visit(),
                visit(service_user_reference="P2", carers="1"),
                visit(
                    visit_status="MISSED",
                    actual_check_in="",
                    actual_check_out="",
                    check_in_method="",
                ),
            ]
        )
    )
    upload(journey, provider, right)
    assert "Accepted: 3 visits for Period 3" in provider.locator("main").inner_text()
    journey.seen(provider, "an accepted visit file")
    provider.get_by_role("link", name="See the KPIs for period 3").click()
    # Three visits due, two attended, one missed: the corrected file, not the rejected one.
    branch = provider.locator("tr", has_text="Meadow Chelmsford").first.inner_text().split("\t")
    assert branch[1:4] == ["3", "66.7%", "33.3%"], branch
    files = provider.locator("main li")
    assert "Accepted" in files.filter(has_text="visits-p3-corrected.csv").inner_text()
    assert "Rejected" in files.filter(has_text="visits-p3.csv").inner_text()
    journey.seen(provider, "the provider's KPIs")
    journey.assert_accessible()
