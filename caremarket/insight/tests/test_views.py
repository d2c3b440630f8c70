"""The pages: who may open which, what a provider never sees, dates, downloads."""

import csv
import io

import openpyxl
import pytest

from caremarket.framework.services.providers import provider_agreement_end
from caremarket.sourcing.services import packages
from caremarket.sourcing.tests.conftest import at

NOW = at(2026, 11, 29, 20)
PAGES = ("/insight/demand/", "/insight/market/", "/insight/market/care-homes/")


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("council_admin", (200, 200, 200)),
        ("broker", (200, 200, 200)),
        ("contract_manager", (200, 200, 200)),
        ("home_care_admin", (200, 404, 404)),
        ("home_care_user", (200, 404, 404)),
        ("health_searcher", (404, 302, 200)),  # the market sends NHS partners to its care homes
        ("care_home_admin", (404, 404, 404)),
    ],
)
def test_who_opens_which_dashboard(world, market_world, frozen, who, expected):
    client = world.client_for(getattr(world, who))
    assert tuple(client.get(url).status_code for url in PAGES) == expected


def test_signed_out_people_are_sent_to_sign_in(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_a_provider_sees_demand_but_no_person_and_no_other_provider(world, market_world, frozen):
    page = world.client_for(world.home_care_user).get("/insight/demand/").text
    p5 = market_world.p5
    assert p5.reference in page and "CM1" in page  # the outward code, never the postcode
    for secret in ("AS-4", "AS-1", "CM1 1AA", "Help to wash and dress"):
        assert secret not in page, secret
    for other in ("Good Care", "Weak Care", "Independent Carers"):
        assert other not in page, other
    # The provider has no way from here into the council's package pages.
    assert "/sourcing/packages/" not in page


def test_the_demand_page_changes_as_soon_as_a_package_moves(world, market_world, frozen):
    client = world.client_for(world.home_care_user)
    assert market_world.p5.reference in client.get("/insight/demand/").text
    packages.package_cancel(actor=world.broker, package=market_world.p5, reason="Moved", now=NOW)
    page = client.get("/insight/demand/").text
    assert market_world.p5.reference not in page and "Nothing is waiting." in page


def test_the_market_page_shows_the_table_and_the_joiners_and_leavers(world, market_world, frozen):
    page = (
        world.client_for(world.contract_manager)
        .get("/insight/market/?starts_on=2026-11-16&ends_on=2026-11-29")
        .text
    )
    assert "16 November 2026 to 29 November 2026" in page
    assert 'data-figure="adults"' in page and "£1,058" in page  # £1,057.50 a week
    assert "66.3%" in page  # utilisation, 27.5 of 41.5 hours
    assert "Good Care 11, 20 Nov 2026: Closed" in page
    assert "Weak Care, 18 Nov 2026" in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("starts_on=2026-11-20&ends_on=2026-11-10", "ends_on", "cannot end before it starts"),
        ("starts_on=2026-11-20&ends_on=2026-12-31", "ends_on", "cannot end after today"),
        ("starts_on=2020-01-01&ends_on=2026-11-20", "starts_on", "at most three years"),
        (
            "starts_on_0=31&starts_on_1=2&starts_on_2=2026&ends_on=2026-11-20",
            "starts_on",
            "must be a real date",
        ),
        ("starts_on=2026-11-02", "ends_on", "Enter the last day of the range"),
    ],
)
def test_bad_dates_say_what_is_wrong_and_show_the_default_range(
    world, market_world, frozen, query, field, message
):
    page = world.client_for(world.contract_manager).get(f"/insight/market/?{query}").text
    assert "There is a problem with the dates" in page
    assert f'href="#id_{field}_0"' in page and message in page
    assert "the last 12 weeks instead" in page


def test_a_preset_chooses_the_range(world, market_world, frozen):
    page = world.client_for(world.contract_manager).get("/insight/market/?preset=4w").text
    assert "2 November 2026 to 29 November 2026" in page


def test_the_market_downloads_as_a_workbook_of_every_table(world, market_world, frozen):
    response = world.client_for(world.contract_manager).get(
        "/insight/market/download.xlsx?starts_on=2026-11-16&ends_on=2026-11-29"
    )
    assert response.status_code == 200
    assert 'filename="home-care-market.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Market table",
        "By period",
        "By district",
        "Providers joining and leaving",
    ]
    rows = list(book["Market table"].iter_rows(values_only=True))
    adults = next(r for r in rows if r[1] == "Adults receiving council-funded home care")
    assert adults[2] == 3
    utilisation = next(r for r in rows if r[1] == "Framework utilisation")
    assert utilisation[2:4] == (66.3, "%")


def test_each_table_downloads_as_csv(world, market_world, frozen):
    client = world.client_for(world.contract_manager)
    response = client.get(
        "/insight/market/download.csv?starts_on=2026-11-16&ends_on=2026-11-29&table=by-period"
    )
    assert 'filename="home-care-market-by-period.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Period", "From", "To", "Adults receiving care (at the end)"]
    assert [r[3] for r in rows[1:]] == ["1", "3"]
    assert client.get("/insight/market/download.csv?table=nonsense").status_code == 404
    assert client.get("/insight/market/download.pdf").status_code == 404


def test_downloaded_cells_that_would_run_as_formulas_are_neutralised(world, market_world, frozen):
    provider_agreement_end(
        actor=None,
        provider=market_world.sourcing.fw.good[9],
        left_on=at(2026, 11, 25).date(),
        reason='=HYPERLINK("http://evil.example")',
        now=at(2026, 11, 25),
    )
    client = world.client_for(world.contract_manager)
    query = "starts_on=2026-11-16&ends_on=2026-11-29"
    text = client.get(
        f"/insight/market/download.csv?{query}&table=providers-joining-and-leaving"
    ).content.decode()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/insight/market/download.xlsx?{query}").content)
    )
    cells = [c for row in book["Providers joining and leaving"].iter_rows() for c in row if c.value]
    formula = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert formula.data_type == "s" and str(formula.value).startswith("'=")


def test_a_provider_downloads_demand_without_the_person(world, market_world, frozen):
    client = world.client_for(world.home_care_admin)
    text = client.get("/insight/demand/download.csv").content.decode()
    assert market_world.p5.reference in text and "AS-4" not in text and "CM1 1AA" not in text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/insight/demand/download.xlsx").content))
    assert book.sheetnames == ["Packages", "By lot", "By outward code", "Weekly trend"]
    assert client.get("/insight/market/download.xlsx").status_code == 404


def test_the_care_home_market_downloads_for_nhs_partners(world, market_world, frozen):
    client = world.client_for(world.health_searcher)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/insight/market/care-homes/download.xlsx").content)
    )
    assert book.sheetnames == [
        "By district",
        "By care type",
        "Suspended rooms",
        "Stale vacancy data",
    ]


def test_the_navigation_offers_each_role_its_dashboards(world, market_world, frozen):
    nav = world.client_for(world.home_care_user).get("/insight/demand/").text
    assert ">Demand<" in nav and ">Market<" not in nav
    nav = world.client_for(world.health_searcher).get("/insight/market/care-homes/").text
    assert ">Market<" in nav and ">Demand<" not in nav
    assert "Home care market</a>" not in nav  # its tabs offer only what it may open
