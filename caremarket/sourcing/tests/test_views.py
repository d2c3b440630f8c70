import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from caremarket.sourcing.models import BatchingReturn
from caremarket.sourcing.selectors.batching_workbook import SHEET, batching_list_workbook
from caremarket.sourcing.services import batching
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.test_services import exhaust_tier1


def test_the_history_page_shows_every_decision(world, sourcing):
    package = sourcing.package(world.broker)
    body = world.client_for(world.broker).get(f"/sourcing/packages/{package.pk}/").content.decode()
    assert "Sourcing started on ranked list version" in body and "tier 1 position 1" in body


def test_providers_cannot_open_council_package_pages(world, sourcing):
    package = sourcing.package(world.broker)
    client = world.client_for(sourcing.first_user)
    assert client.get(f"/sourcing/packages/{package.pk}/").status_code == 404
    assert client.get("/sourcing/packages/").status_code == 404


def test_the_offers_inbox_shows_the_deadline_and_not_the_person(world, sourcing, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    body = world.client_for(sourcing.first_user).get("/sourcing/offers/").content.decode()
    assert package.reference in body and "Answer by 12:00" in body
    assert "AS-12345" not in body


def test_a_care_home_provider_has_no_offers_inbox(world, sourcing):
    assert world.client_for(world.care_home_admin).get("/sourcing/offers/").status_code == 404


def test_the_package_list_counts_every_status_including_none(world, sourcing):
    sourcing.package(world.broker)
    body = world.client_for(world.broker).get("/sourcing/packages/").content.decode()
    assert '>Offering to tier 1</a>: <span class="cm-number">1</span>' in body
    assert '>Placed</a>: <span class="cm-number">0</span>' in body


def test_a_hostile_returned_batching_list_is_refused_at_once_and_records_nothing(
    world, sourcing, monkeypatch
):
    package = sourcing.package(world.broker, now=at(2026, 11, 19, 11))
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    batching_list = batching.batching_list_issue(now=at(2026, 11, 19, 16))
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 19, 18))
    # The provider's own list, as downloaded, with one cell typed at the sheet's last cell.
    book = load_workbook(
        io.BytesIO(batching_list_workbook(batching_list=batching_list, provider=sourcing.first))
    )
    book[SHEET]["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    started = time.monotonic()
    response = world.client_for(sourcing.first_user).post(
        "/sourcing/batching-list/", {"file": SimpleUploadedFile("returned.xlsx", out.getvalue())}
    )
    # A stall detector, not a speed target: the old reader looped over every cell for minutes.
    assert time.monotonic() - started < 10
    assert response.status_code == 400
    assert "sheet Batching List: the sheet declares 1,048,576 rows; a Batching List has at" in (
        response.content.decode()
    )
    assert not BatchingReturn.objects.exists()
