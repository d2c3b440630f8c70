import io
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from caremarket.common.tests import hostile
from caremarket.framework.models import RankedListVersion
from caremarket.framework.selectors.tool import ranked_list_tool_workbook


def test_people_outside_the_framework_get_404(fw, world):
    client = world.client_for(world.care_home_admin)
    assert client.get(reverse("framework:home")).status_code == 404
    assert client.get(reverse("framework:ranked-lists")).status_code == 404


def test_a_provider_sees_its_own_record_but_not_anothers(fw, world):
    client = world.client_for(world.home_care_user)
    assert client.get(reverse("framework:provider-detail", args=[fw.meadow.pk])).status_code == 200
    assert client.get(reverse("framework:provider-detail", args=[fw.weak.pk])).status_code == 404


def test_the_ranked_list_tool_page_shows_the_list_in_force(fw, world):
    response = world.client_for(world.home_care_user).get(
        reverse("framework:ranked-lists"), {"district": fw.lot("Harlow").district.code}
    )
    body = response.content.decode()
    assert "Ranked lists version 1" in body and "Harlow · Personal Care · Older people" in body
    assert "Basildon" not in body.split("<main", 1)[1].split("</form>", 1)[1]


def test_the_tool_download_is_an_xlsx(fw, world):
    response = world.client_for(world.home_care_user).get(reverse("framework:ranked-list-tool"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_positions_page_shows_a_providers_place_on_every_list(fw, world):
    response = world.client_for(world.home_care_user).get(reverse("framework:positions"))
    assert response.context["provider"] == fw.meadow
    assert len(response.context["positions"]) == len(fw.lots)


def test_a_bad_workbook_upload_lists_the_problems_and_stores_nothing(fw, world):
    client = world.client_for(world.contract_manager)
    book = load_workbook(io.BytesIO(ranked_list_tool_workbook(version=fw.version)))
    book["Ranked lists"]["G5"] = "1-UNKNOWN"
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        reverse("framework:ranked-list-import"),
        {"workbook": SimpleUploadedFile("lists.xlsx", out.getvalue())},
    )
    assert response.status_code == 422
    assert "row 5, column G (CQC provider ID)" in response.content.decode()
    assert RankedListVersion.objects.count() == 1


def test_brokers_cannot_import_lists(fw, world):
    assert (
        world.client_for(world.broker).get(reverse("framework:ranked-list-import")).status_code
        == 404
    )


def test_a_list_edited_in_the_browser_shows_in_the_drafts_diff(fw, world):
    client = world.client_for(world.contract_manager)
    response = client.post(reverse("framework:version-new"))
    draft = RankedListVersion.objects.get(status="draft")
    assert response.url == reverse("framework:version-detail", args=[draft.pk])
    lot = fw.lot("Tendring")
    edited = client.post(
        reverse("framework:version-lot-edit", args=[draft.pk, lot.pk]),
        {"tier1": "1-9010 Good Care 1\n1-900 Meadow", "tier2": "1-999"},
    )
    assert edited.status_code == 302
    page = client.get(reverse("framework:version-detail", args=[draft.pk]))
    assert [d.lot for d in page.context["diff"]] == [lot]


def test_an_unknown_provider_in_a_browser_edit_is_named(fw, world):
    client = world.client_for(world.contract_manager)
    client.post(reverse("framework:version-new"))
    draft = RankedListVersion.objects.get(status="draft")
    response = client.post(
        reverse("framework:version-lot-edit", args=[draft.pk, fw.lot("Tendring").pk]),
        {"tier1": "1-404 Nobody", "tier2": ""},
    )
    assert "No framework provider has the CQC provider ID 1-404." in response.content.decode()


def test_a_hostile_ranked_list_workbook_is_refused_at_once_and_stores_nothing(fw, world):
    columns = ["District", "Service type", "Cohort", "Tier", "Position", "CQC provider ID"]
    started = time.monotonic()
    response = world.client_for(world.contract_manager).post(
        reverse("framework:ranked-list-import"),
        {"workbook": SimpleUploadedFile("lists.xlsx", hostile.far_cell_xlsx(columns))},
    )
    # A stall detector, not a speed target: the old reader allocated hundreds of GiB.
    assert time.monotonic() - started < 10
    assert response.status_code == 422
    assert "declares 1,048,576 rows; a ranked list workbook has at most 20,000" in (
        response.content.decode()
    )
    assert RankedListVersion.objects.count() == 1


def _tool_header(response) -> list[str]:
    sheet = load_workbook(io.BytesIO(response.content))["Ranked lists"]
    header_row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "District")
    return [c for c in header_row if c]


def test_a_providers_ranked_list_tool_shows_tiers_and_positions_only(fw, world, settings):
    provider = world.client_for(world.home_care_user).get(reverse("framework:ranked-list-tool"))
    assert provider.status_code == 200
    header = _tool_header(provider)
    assert "Tier" in header and "Position" in header
    assert "Price score" not in header and "Quality score" not in header
    sheet = load_workbook(io.BytesIO(provider.content))["Ranked lists"]
    # Lot (3), tier, position, provider, CQC provider ID and Status: no score cells at all.
    assert max(len([c for c in r if c is not None]) for r in sheet.iter_rows(values_only=True)) <= 8
    council = world.client_for(world.contract_manager).get(reverse("framework:ranked-list-tool"))
    assert "Price score" in _tool_header(council)
    settings.RANKED_LIST_SCORES_PUBLISHED = True
    published = world.client_for(world.home_care_user).get(reverse("framework:ranked-list-tool"))
    assert "Quality score" in _tool_header(published)


def test_discarding_a_version_in_force_is_refused_on_its_own_page(fw, world):
    client = world.client_for(world.contract_manager)
    response = client.post(reverse("framework:version-discard", args=[fw.version.pk]))
    assert response.url == reverse("framework:version-detail", args=[fw.version.pk])
    fw.version.refresh_from_db()
    assert fw.version.status == RankedListVersion.Status.ISSUED
    page = client.get(response.url).content.decode()
    assert "has been issued: start a new draft to change the lists." in page


def test_a_discarded_draft_goes_back_to_the_list_of_versions(fw, world):
    client = world.client_for(world.contract_manager)
    client.post(reverse("framework:version-new"))
    draft = RankedListVersion.objects.get(status="draft")
    response = client.post(reverse("framework:version-discard", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("framework:version-list")
    assert "The draft has been discarded." in response.content.decode()


def test_ranking_weights_that_are_not_numbers_are_refused_with_a_message(fw, world):
    client = world.client_for(world.contract_manager)
    client.post(reverse("framework:version-new"))
    draft = RankedListVersion.objects.get(status="draft")
    response = client.post(
        reverse("framework:version-rank", args=[draft.pk]),
        {"price_weight": "lots", "quality_weight": "50"},
        follow=True,
    )
    assert "Enter whole-number weights from 0 to 100." in response.content.decode()
