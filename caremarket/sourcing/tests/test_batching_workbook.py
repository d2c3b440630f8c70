import io

import pytest
from openpyxl import load_workbook

from caremarket.sourcing.models import BatchingReturn
from caremarket.sourcing.selectors.batching_workbook import batching_list_workbook
from caremarket.sourcing.services import batching
from caremarket.sourcing.services.batching_upload import BatchingUploadError, batching_return_upload
from caremarket.sourcing.tests.conftest import at
from caremarket.sourcing.tests.helpers import exhaust_tier1


@pytest.fixture
def listed(world, sourcing):
    package = sourcing.package(world.broker)
    exhaust_tier1(sourcing, package, at(2026, 11, 19, 11))
    return batching.batching_list_issue(now=at(2026, 11, 19, 16)), package


def ticked(data, *, tick="Y", edit=None, add_row=False):
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Batching List"]
    ws["I6"] = tick
    if edit:
        ws[edit[0]] = edit[1]
    if add_row:
        ws.append(
            [
                "PKG-999999",
                "Chelmsford",
                "CM1",
                "Personal Care",
                "Older people",
                "5",
                "x",
                "2026-12-01",
                "Y",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(sourcing, batching_list, data, when=None):
    return batching_return_upload(
        actor=sourcing.first_user,
        batching_list=batching_list,
        provider=sourcing.first,
        data=data,
        filename="returned.xlsx",
        now=when or at(2026, 11, 19, 18),
    )


def test_the_workbook_lists_the_providers_packages_and_a_tick_is_read_back(sourcing, listed):
    batching_list, package = listed
    data = batching_list_workbook(batching_list=batching_list, provider=sourcing.first)
    sheet = load_workbook(io.BytesIO(data))["Batching List"]
    assert sheet["A6"].value == package.reference
    assert upload(sourcing, batching_list, ticked(data)) == {package.pk}
    assert BatchingReturn.objects.get(package=package, provider=sourcing.first).interested


def test_an_altered_row_is_refused_naming_row_and_column_and_nothing_is_recorded(sourcing, listed):
    batching_list, _ = listed
    data = ticked(
        batching_list_workbook(batching_list=batching_list, provider=sourcing.first),
        edit=("F6", "40"),
    )
    with pytest.raises(BatchingUploadError) as exc:
        upload(sourcing, batching_list, data)
    assert "row 6, column “Hours a week”: changed from “10.5” to “40”" in exc.value.message
    assert not BatchingReturn.objects.exists()


def test_an_added_row_is_refused(sourcing, listed):
    batching_list, _ = listed
    data = ticked(
        batching_list_workbook(batching_list=batching_list, provider=sourcing.first), add_row=True
    )
    with pytest.raises(BatchingUploadError, match="PKG-999999” is not on your Batching List"):
        upload(sourcing, batching_list, data)


def test_a_tick_that_is_not_y_or_n_is_refused(sourcing, listed):
    batching_list, _ = listed
    data = ticked(
        batching_list_workbook(batching_list=batching_list, provider=sourcing.first), tick="maybe"
    )
    with pytest.raises(BatchingUploadError, match="is not Y or N"):
        upload(sourcing, batching_list, data)


def test_a_list_from_another_day_is_refused(world, sourcing, listed):
    old_list, _ = listed
    old = ticked(batching_list_workbook(batching_list=old_list, provider=sourcing.first))
    batching.batching_lists_close_due(now=at(2026, 11, 20, 10))
    # The next day's list is a different list: yesterday's file cannot answer it.
    second = sourcing.package(world.broker, now=at(2026, 11, 20, 11))
    exhaust_tier1(sourcing, second, at(2026, 11, 20, 11, 30))
    new_list = batching.batching_list_issue(now=at(2026, 11, 20, 16))
    with pytest.raises(
        BatchingUploadError, match=f"not today's Batching List {new_list.reference}"
    ):
        upload(sourcing, new_list, old, when=at(2026, 11, 20, 17))


@pytest.mark.parametrize(
    "data", [b"Reference,Interested\nPKG-1,Y\n", b"\x00\x01binary", b"PK\x03\x04broken zip"]
)
def test_a_file_that_is_not_an_xlsx_is_refused(sourcing, listed, data):
    batching_list, _ = listed
    with pytest.raises(BatchingUploadError, match="not an Excel workbook"):
        upload(sourcing, batching_list, data)
