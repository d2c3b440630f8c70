"""The lists in the pages: a tier-1 provider returns the Batching List as a spreadsheet and gets
the offer; a spot agency proposes a rate on the Available Packages list and the broker takes it."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.services import available, batching
from caremarket.sourcing.services.timetable import timetable_tick
from caremarket.sourcing.tests.helpers import exhaust_tier1, to_available_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def edited(path, **cells) -> bytes:
    workbook = load_workbook(path)
    sheet = workbook["Batching List"]
    for cell, value in cells.items():
        sheet[cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_provider_returns_the_ticked_batching_list_and_receives_the_offer(
    journey, clock, world, sourcing, tmp_path
):
    # Thursday: both tier-1 providers declined the package, so it is on the 16:00 list.
    package = sourcing.package(world.broker, now=at(19, 10))
    exhaust_tier1(sourcing, package, at(19, 11))
    batching.batching_list_issue(now=at(19, 16))
    clock.now = at(19, 17, 30)

    provider = journey.person(sourcing.first_user.email)
    provider.goto(journey.url("/sourcing/batching-list/"))
    journey.seen(provider, "the Batching List")
    assert package.reference in provider.locator("main table").inner_text()
    with provider.expect_download() as download:
        provider.get_by_role("link", name="Download the Batching List (.xlsx)").click()
    sheet = tmp_path / download.value.suggested_filename
    download.value.save_as(sheet)
    assert sheet.name.endswith(".xlsx")
    assert load_workbook(sheet)["Batching List"]["A6"].value == package.reference

    # A slip: the hours are changed as well as the tick. The whole file is refused, saying where.
    slipped = tmp_path / "returned-slip.xlsx"
    slipped.write_bytes(edited(sheet, I6="Y", F6="40"))
    provider.get_by_label("Your ticked Batching List (.xlsx)").set_input_files(str(slipped))
    provider.get_by_role("button", name="Upload returned list").click()
    summary = provider.locator(".govuk-error-summary").inner_text()
    assert "row 6, column “Hours a week”: changed from “10.5” to “40”" in summary, summary
    assert provider.title().startswith("Error: ")
    journey.seen(provider, "a returned Batching List with an error")

    returned = tmp_path / "returned.xlsx"
    returned.write_bytes(edited(sheet, I6="Y"))
    provider.get_by_label("Your ticked Batching List (.xlsx)").set_input_files(str(returned))
    provider.get_by_role("button", name="Upload returned list").click()
    banner = provider.locator(".govuk-notification-banner").inner_text()
    assert "Your returned Batching List has been recorded" in banner
    assert provider.get_by_label(f"Interested in {package.reference}").is_checked()
    journey.seen(provider, "the Batching List returned")

    broker = journey.person(world.broker.email)
    broker.goto(journey.url("/sourcing/batching-list/"))
    row = broker.get_by_test_id("batching-broker-view").locator("tr", has_text=package.reference)
    assert sourcing.first.organisation.name in row.inner_text()
    journey.seen(broker, "the broker's Batching List")

    # 10:00 the next working day the returns close; the best-ranked provider who ticked it
    # is offered the package.
    clock.now = at(20, 10, 1)
    timetable_tick(now=clock.now)
    provider = journey.person(sourcing.first_user.email)
    provider.goto(journey.url("/sourcing/offers/"))
    card = provider.locator("[data-testid=open-offer]")
    assert package.reference in card.inner_text()
    journey.seen(provider, "the offer from the Batching List")
    card.get_by_role("button", name="Accept").click()
    assert "A purchase order has been issued" in (
        provider.locator(".govuk-notification-banner").inner_text()
    )
    journey.assert_accessible()


def test_a_spot_agency_proposes_a_rate_and_the_broker_takes_it(journey, clock, world, sourcing):
    package = to_available_list(world, sourcing)
    available.available_list_issue(now=at(23, 9))
    clock.now = at(23, 11)

    agency = journey.person(sourcing.spot_user.email)
    agency.goto(journey.url("/sourcing/available-packages/"))
    journey.seen(agency, "the Available Packages list")
    card = agency.get_by_test_id(f"proposal-{package.pk}")
    # Every proposal form belongs to a package's card: none stands alone at the top.
    assert agency.locator("main form").count() == agency.locator(".cm-card form").count() == 1
    card.get_by_role("button", name=f"Send proposal for {package.reference}").click()
    summary = agency.locator(".govuk-error-summary")
    assert "Enter your rate (£ an hour)" in summary.inner_text(), summary.inner_text()
    # The message leads to this package's rate, not to a field of another package.
    target = summary.get_by_role("link").first.get_attribute("href")
    assert agency.locator(f"[data-testid=proposal-{package.pk}] {target}").count() == 1
    journey.seen(agency, "a proposal with no rate")
    card = agency.get_by_test_id(f"proposal-{package.pk}")
    card.get_by_label("Your rate (£ an hour)").fill("27.50")
    card.get_by_label("Notes").fill("Can start on 2 December")
    card.get_by_role("button", name=f"Send proposal for {package.reference}").click()
    assert f"Your proposal for {package.reference} has been sent" in (
        agency.locator(".govuk-notification-banner").inner_text()
    )
    journey.seen(agency, "a proposal sent")

    clock.now = at(23, 14)
    broker = journey.person(world.broker.email)
    broker.goto(journey.url("/sourcing/packages/"))
    broker.get_by_role("link", name=package.reference).click()
    proposals = broker.locator("main table", has_text="Independent Carers")
    assert "27.50" in proposals.inner_text() and "Can start on 2 December" in proposals.inner_text()
    journey.seen(broker, "a package with a proposal")
    broker.get_by_role("button", name="Accept proposal from Independent Carers").click()
    assert f"{package.reference} placed with Independent Carers" in (
        broker.locator(".govuk-notification-banner").inner_text()
    )
    assert "Placed" in broker.locator("h1").inner_text()
    journey.seen(broker, "a package placed from a proposal")
    journey.assert_accessible()
