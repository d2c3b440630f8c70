import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from caremarket.sourcing.models import BatchingReturn
from caremarket.sourcing.selectors.batching_workbook import SHEET, batching_list_workbook
from caremarket.sourcing.services import batching
from caremarket.sourcing.tests.conftest import THURSDAY, at
from caremarket.sourcing.tests.helpers import exhaust_tier1


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


def _open_batching_list(world, sourcing, monkeypatch):
    package = sourcing.package(world.broker, now=at(2026, 11, 19, 11))
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    batching.batching_list_issue(now=at(2026, 11, 19, 16))
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 19, 18))
    return package


def test_a_provider_saves_its_ticks_on_the_page(world, sourcing, monkeypatch):
    package = _open_batching_list(world, sourcing, monkeypatch)
    client = world.client_for(sourcing.first_user)
    response = client.post(
        "/sourcing/batching-list/", {"interested": [str(package.pk)], "save-ticks": ""}
    )
    assert response.status_code == 302
    assert BatchingReturn.objects.get(package=package, provider=sourcing.first).interested


def test_the_upload_form_sent_without_a_file_says_so_and_records_no_ticks(
    world, sourcing, monkeypatch
):
    _open_batching_list(world, sourcing, monkeypatch)
    response = world.client_for(sourcing.first_user).post(
        "/sourcing/batching-list/", {"submit": "Upload"}
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not BatchingReturn.objects.exists()


def test_a_post_the_page_cannot_place_answers_400_and_says_nothing_was_recorded(
    world, sourcing, monkeypatch
):
    package = _open_batching_list(world, sourcing, monkeypatch)
    client = world.client_for(sourcing.first_user)
    response = client.post("/sourcing/batching-list/", {"interested": [str(package.pk)]})
    assert response.status_code == 400
    assert "Nothing was recorded" in response.content.decode()
    assert not BatchingReturn.objects.exists()


def test_a_return_with_no_open_list_answers_400_rather_than_being_ignored(world, sourcing):
    response = world.client_for(sourcing.first_user).post(
        "/sourcing/batching-list/", {"save-ticks": ""}
    )
    assert response.status_code == 400
    assert "no open list for you to return" in response.content.decode()


def test_the_offers_page_lists_open_offers_and_at_most_100_answered(world, sourcing, monkeypatch):
    from caremarket.sourcing.selectors import packages as selectors

    monkeypatch.setattr(selectors, "PAST_OFFERS_SHOWN", 0)
    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    package = sourcing.package(world.broker)
    open_offers, past = selectors.offer_lists_for(user=sourcing.first_user)
    assert [o.package for o in open_offers] == [package] and past == []


def test_another_providers_offer_is_not_found(world, sourcing):
    from caremarket.sourcing.selectors import packages as selectors

    sourcing.package(world.broker)
    offer = selectors.offer_list_for(user=sourcing.first_user).get()
    assert selectors.offer_get_own(user=sourcing.first_user, pk=offer.pk) == offer
    assert selectors.offer_get_own(user=sourcing.second_user, pk=offer.pk) is None


def test_each_open_offer_has_a_decline_box_of_its_own(world, sourcing, monkeypatch):
    import re

    monkeypatch.setattr("django.utils.timezone.now", lambda: THURSDAY)
    sourcing.package(world.broker)
    sourcing.package(world.broker, person_reference="AS-67890")
    body = world.client_for(sourcing.first_user).get("/sourcing/offers/").content.decode()
    ids = re.findall(r'<input[^>]*name="reason"[^>]*id="([^"]+)"', body)
    labels = re.findall(r'<label[^>]*for="(decline-[^"]+)"', body)
    assert len(ids) == 2 and len(set(ids)) == 2, ids
    assert set(labels) == set(ids)
