"""The council's current book of care: validated whole, stored as packages and carried-over
purchase orders, and from then on the check of visit files' service users (decision 0041)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from caremarket.common.errors import NotPermitted
from caremarket.framework.models import PurchaseOrder
from caremarket.sourcing.models import CareBookImport, Package
from caremarket.sourcing.selectors.care_book import COLUMNS, OPTIONAL, care_book_template_csv
from caremarket.sourcing.selectors.packages import service_users_unknown
from caremarket.sourcing.services.care_book import CareBookInvalid, care_book_import
from caremarket.sourcing.tests.conftest import THURSDAY

HEADER = [*COLUMNS, *OPTIONAL]
FRAMEWORK_ROW = [
    "ECC-1",
    "Meadow Home Care",
    "cm1 1aa",
    "Personal Care",
    "Older people",
    "10.5",
    "04/03/2024",
    "Framework",
    "1-900",
    "22.10",
    "hour",
    "",
    "PO-OLD-1",
]
LIVE_IN_ROW = [
    "ECC-2",
    "",
    "CM1 1AB",
    "24-hour / Live-in Care",
    "Older people",
    "168",
    "2023-11-20",
    "Framework",
    "1-900",
    "",
    "",
    "1,250.00",
    "",
]
SPOT_ROW = [
    "ECC-3",
    "Independent Carers",
    "CM1 1AC",
    "Personal Care",
    "Older people",
    "7",
    "2025-01-06",
    "Spot",
    "",
    "26.50",
    "hour",
    "",
    "",
]


def book(*rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_good_book_becomes_packages_and_purchase_orders_at_their_prices(world, sourcing):
    run = care_book_import(
        actor=world.contract_manager,
        data=book(FRAMEWORK_ROW, LIVE_IN_ROW, SPOT_ROW),
        filename="book.csv",
        now=THURSDAY,
    )
    assert (run.packages, run.purchase_orders, run.spot_packages) == (3, 2, 1)
    hourly = PurchaseOrder.objects.get(reference="PO-OLD-1")
    assert (hourly.rate, hourly.unit, hourly.reason) == (Decimal("22.10"), "hour", "carried_over")
    assert hourly.starts_on == dt.date(2024, 3, 4)
    package = Package.objects.get(reference=hourly.package_reference)
    assert (package.person_reference, package.stage, package.placed_with) == (
        "ECC-1",
        "placed",
        world.home_care_provider,
    )
    assert package.postcode == "CM1 1AA" and package.district.name == "Chelmsford"
    weekly = PurchaseOrder.objects.exclude(reference="PO-OLD-1").get(pricing="matrix")
    assert (weekly.rate, weekly.unit) == (Decimal("1250.00"), "week")
    spot = Package.objects.get(person_reference="ECC-3")
    assert (spot.route, spot.agreed_rate) == ("spot", Decimal("26.50"))
    # Spot care has its order too, so its hours can change; it is marked spot (0074).
    spot_order = PurchaseOrder.objects.get(package_reference=spot.reference)
    assert (spot_order.pricing, spot_order.provider, spot_order.rate) == (
        "spot",
        None,
        Decimal("26.50"),
    )
    assert spot_order.organisation == spot.placed_with


def test_every_problem_is_named_by_row_and_column_and_nothing_is_stored(world, sourcing):
    bad = [
        [
            "",
            "Nobody Ltd",
            "M1 1AA",
            "Gardening",
            "Everyone",
            "-3",
            "31/02/2024",
            "Both",
            "",
            "x",
            "fortnight",
            "",
            "",
        ],
        FRAMEWORK_ROW,
        [*FRAMEWORK_ROW[:12], "PO-OLD-1"],
        [*FRAMEWORK_ROW[:12], "PO-OLD-5"],
    ]
    with pytest.raises(CareBookInvalid) as caught:
        care_book_import(
            actor=world.contract_manager, data=book(*bad), filename="book.csv", now=THURSDAY
        )
    found = {(p["row"], p["column"]) for p in caught.value.problems}
    for column in (
        "Person reference",
        "Provider",
        "Postcode",
        "Service type",
        "Cohort",
        "Hours a week",
        "Start date",
        "Framework or spot",
        "Rate",
        "Rate unit",
    ):
        assert (2, column) in found, column
    assert (4, "Purchase order number") in found
    assert (5, "Person reference") in found  # the same person and service twice
    assert "nothing was stored" in caught.value.message
    assert not Package.objects.exists() and not PurchaseOrder.objects.exists()
    assert not CareBookImport.objects.exists()


def test_a_framework_row_for_a_provider_off_the_framework_is_refused(world, sourcing):
    row = [*SPOT_ROW[:7], "Framework", *SPOT_ROW[8:]]
    with pytest.raises(CareBookInvalid) as caught:
        care_book_import(
            actor=world.contract_manager, data=book(row), filename="b.csv", now=THURSDAY
        )
    assert "is not on the Live at Home framework" in caught.value.problems[0]["rule"]


def test_loading_the_same_book_twice_is_refused_naming_the_rows(world, sourcing):
    care_book_import(
        actor=world.contract_manager, data=book(SPOT_ROW), filename="b.csv", now=THURSDAY
    )
    with pytest.raises(CareBookInvalid, match="1 problem found"):
        care_book_import(
            actor=world.contract_manager, data=book(SPOT_ROW), filename="b.csv", now=THURSDAY
        )


def test_an_xlsx_export_is_read_like_the_csv(world, sourcing):
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(SPOT_ROW)
    out = io.BytesIO()
    wb.save(out)
    run = care_book_import(
        actor=world.contract_manager, data=out.getvalue(), filename="book.xlsx", now=THURSDAY
    )
    assert run.spot_packages == 1


def test_only_the_live_at_home_team_loads_the_book(world, sourcing):
    with pytest.raises(NotPermitted):
        care_book_import(actor=world.broker, data=book(SPOT_ROW), filename="b.csv", now=THURSDAY)


def test_once_a_book_is_loaded_visit_files_name_only_people_the_council_funds(world, sourcing):
    org = world.home_care_provider
    assert service_users_unknown(organisation=org, references={"ECC-1", "STRANGER"}) == set()
    care_book_import(
        actor=world.contract_manager, data=book(FRAMEWORK_ROW), filename="b.csv", now=THURSDAY
    )
    assert service_users_unknown(organisation=org, references={"ECC-1", "STRANGER"}) == {"STRANGER"}


def test_the_check_is_on_by_default(settings):
    assert settings.EHM_SERVICE_USER_CHECK.endswith("packages.service_users_unknown")


def test_the_template_has_every_column_and_the_page_and_api_load_a_book(world, sourcing):
    rows = list(csv.reader(io.StringIO(care_book_template_csv())))
    assert rows[0] == HEADER and len(rows) == 3
    client = world.client_for(world.contract_manager)
    page = client.get(reverse("sourcing:care-book"))
    assert page.status_code == 200
    assert client.get(reverse("sourcing:care-book-template")).status_code == 200
    refused = client.post(
        reverse("sourcing:care-book"), {"file": _named(book(["", *SPOT_ROW[1:]]), "b.csv")}
    )
    assert refused.status_code == 400 and "Give the council" in refused.content.decode()
    api = client.post("/api/v1/care-book-imports", {"file": _named(book(SPOT_ROW), "b.csv")})
    assert api.status_code == 201 and api.json()["spot_packages"] == 1
    api = client.post("/api/v1/care-book-imports", {"file": _named(book(SPOT_ROW), "b.csv")})
    assert api.status_code == 422 and api.json()["problems"][0]["row"] == 2
    assert world.client_for(world.broker).get(reverse("sourcing:care-book")).status_code == 404


def _named(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f
