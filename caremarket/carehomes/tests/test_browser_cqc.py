"""Adopting the platform with real files, in the browser: the council administrator imports
the CQC directory (one bad row), reads the report, and finds the good rows' homes in search."""

from __future__ import annotations

import pytest
from django.utils import timezone

from caremarket.carehomes.models import CareHome
from caremarket.carehomes.services import room_create
from caremarket.conftest import sign_in
from caremarket.cqc.tests import published as p
from caremarket.geography.models import Postcode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _store(settings, tmp_path):
    settings.DATA_IMPORT_DIR = tmp_path / "imports"


def test_the_administrator_imports_the_directory_and_its_good_homes_are_in_search(
    page, live_server, world, tmp_path
):
    Postcode.objects.bulk_create(
        [
            Postcode(postcode="CM1 1AA", oslaua="E07000070", lat=51.7356, lng=0.4685),
            Postcode(postcode="CM2 9AB", oslaua="E07000070", lat=51.7200, lng=0.4900),
            Postcode(postcode="M1 1AA", oslaua="E08000003", lat=53.48, lng=-2.24),
        ]
    )
    path = tmp_path / "07_October_2026_CQC_directory.csv"
    path.write_bytes(
        p.directory_csv(
            [
                p.directory_row("1-71", "Primrose Court", "cm1 1aa"),
                p.directory_row("1-72", "Bluebell Lodge", "CM2 9AB"),
                p.directory_row("1-73", "Broken Row House", "CM2 9AC", checked="31/13/2026"),
                p.directory_row("1-74", "Far North Home", "M1 1AA", region="North West"),
            ]
        )
    )
    sign_in(page, live_server, "admin@council.test")
    page.click("text=Reference data")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation(timeout=60000):
        page.click("main form [type=submit]")
    page.locator("[data-testid=import-status]", has_text="Imported").wait_for(timeout=60000)
    main = page.locator("main").inner_text()
    assert "Care directory (partial file)" in main
    assert (
        "location 1-73: “31/13/2026” is not a date"
        in page.locator("[data-testid=skipped-rows]").inner_text()
    )
    assert "outside the council's area (kept as CQC locations only): 1" in main
    with page.expect_download() as download:
        page.click("text=Download the report (CSV)")
    assert "Created,3" in download.value.path().read_text()
    # The provider then lists its rooms; the homes are found by the next search.
    for home in CareHome.objects.filter(cqc_location_id__in=["1-71", "1-72"]):
        room_create(actor=None, home=home, name="Room 1", contract_type="spot", now=timezone.now())
    page.goto(f"{live_server.url}/care-homes/search/?district=E07000070")
    results = page.locator("main").inner_text()
    assert "Primrose Court" in results and "Bluebell Lodge" in results
    assert "Broken Row House" not in results and "Far North Home" not in results
