"""A provider whose agreement has ended is marked so wherever the lists are shown, never as
ranked (issue 16 item 6); ending one is confirmed first, and bad dates keep what was typed."""

import datetime as dt
import io

from openpyxl import load_workbook

from caremarket.framework.selectors.tool import (
    LIST_COLUMNS,
    LISTS_SHEET,
    POSITION_COLUMNS,
    POSITIONS_SHEET,
    ranked_list_tool_workbook,
)
from caremarket.framework.services.providers import provider_agreement_end
from caremarket.framework.tests.conftest import at

NOW = at(dt.date(2026, 12, 2))
LEFT = "Left the framework on 1 December 2026"


def leave(world, provider):
    provider_agreement_end(
        actor=world.contract_manager,
        provider=provider,
        left_on=dt.date(2026, 12, 1),
        reason="Stopped trading",
        now=NOW,
    )


def test_the_ranked_lists_page_marks_the_leaver_and_shows_no_rank_for_it(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    leave(world, fw.meadow)
    page = world.client_for(world.broker).get(
        "/framework/ranked-lists/?district=E07000070&service_type=personal_care&cohort=older_people"
    )
    text = page.content.decode()
    row = text[text.index(fw.meadow.name) - 400 : text.index(fw.meadow.name) + 600]
    assert LEFT in row and "Not ranked" in row
    other = text[text.index(fw.good[0].name) - 400 : text.index(fw.good[0].name) + 300]
    # The next provider keeps its issued position 2: the leaver's gap is not closed up.
    assert ">2</td>" in other.replace(" ", "") and "Ranked" in other


def test_the_tool_has_a_status_column_saying_who_has_left(world, fw):
    leave(world, fw.meadow)
    book = load_workbook(io.BytesIO(ranked_list_tool_workbook(version=fw.version)))
    status = LIST_COLUMNS.index("Status")
    rows = list(book[LISTS_SHEET].iter_rows(min_row=5, values_only=True))
    meadow = [r for r in rows if r[LIST_COLUMNS.index("CQC provider ID")] == "1-900"]
    assert len(meadow) == len(fw.lots) and {r[status] for r in meadow} == {LEFT}
    others = [r for r in rows if r[LIST_COLUMNS.index("CQC provider ID")] == "1-9010"]
    assert {r[status] for r in others} == {"Ranked"}
    positions = list(book[POSITIONS_SHEET].iter_rows(min_row=5, values_only=True))
    assert {r[POSITION_COLUMNS.index("Status")] for r in positions if r[1] == "1-900"} == {LEFT}


def test_the_api_says_the_provider_has_left_and_is_not_ranked(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    leave(world, fw.meadow)
    body = (
        world.client_for(world.broker)
        .get(
            "/api/v1/ranked-lists?district=E07000070&service_type=personal_care&cohort=older_people"
        )
        .json()
    )
    entries = {e["provider_id"]: e for e in body["lists"][0]["entries"]}
    assert entries[fw.meadow.pk]["status"] == "left_framework"
    assert entries[fw.meadow.pk]["left_on"] == "2026-12-01"
    assert entries[fw.meadow.pk]["status_label"] == LEFT
    assert entries[fw.good[0].pk]["status"] == "ranked"
    assert entries[fw.good[0].pk]["position"] == 2 and entries[fw.good[0].pk]["left_on"] is None


def test_the_openapi_documents_the_status(world):
    schema = world.client_for(world.broker).get("/api/v1/openapi.json").json()
    entry = schema["components"]["schemas"]["EntryOut"]["properties"]
    assert entry["status"]["enum"] == ["ranked", "left_framework"]
    assert "left_on" in entry


def test_the_heading_stops_saying_meets_tier_1_once_the_agreement_ends(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    client = world.client_for(world.contract_manager)
    before = client.get(f"/framework/providers/{fw.meadow.pk}/").content.decode()
    assert "Meets tier 1" in before[before.index("<h1") : before.index("</h1>")]
    leave(world, fw.meadow)
    after = client.get(f"/framework/providers/{fw.meadow.pk}/").content.decode()
    heading = after[after.index("<h1") : after.index("</h1>")]
    assert "Meets tier 1" not in heading and LEFT in heading


def typed(day, month, year, reason="Stopped trading"):
    return {"left_on_0": day, "left_on_1": month, "left_on_2": year, "reason": reason}


def test_an_impossible_date_keeps_what_was_typed_and_names_the_field(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    client = world.client_for(world.contract_manager)
    page = client.post(
        f"/framework/providers/{fw.meadow.pk}/end-agreement/", typed("31", "2", "2026")
    )
    text = page.content.decode()
    assert "The date the agreement ended must be a real date" in text
    assert 'value="31"' in text and 'value="2026"' in text and "Stopped trading" in text
    assert "Check before you end the agreement" not in text
    fw.meadow.refresh_from_db()
    assert fw.meadow.left_on is None


def test_a_future_date_is_refused_on_the_field_keeping_what_was_typed(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    client = world.client_for(world.contract_manager)
    text = client.post(
        f"/framework/providers/{fw.meadow.pk}/end-agreement/", typed("3", "12", "2026")
    ).content.decode()
    assert "The date the agreement ended cannot be in the future" in text
    assert 'value="3"' in text and 'value="12"' in text
    # Posting the confirmation directly is checked the same way: nothing ends.
    client.post(
        f"/framework/providers/{fw.meadow.pk}/end-agreement/",
        {**typed("3", "12", "2026"), "confirm": "yes"},
    )
    fw.meadow.refresh_from_db()
    assert fw.meadow.left_on is None


def test_the_check_page_lists_the_lists_affected_and_can_go_back_with_the_values(
    world, fw, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    client = world.client_for(world.contract_manager)
    url = f"/framework/providers/{fw.meadow.pk}/end-agreement/"
    check = client.post(url, typed("1", "12", "2026")).content.decode()
    assert "Check before you end the agreement" in check
    assert "Tier 1, position 1 in Chelmsford" in check
    assert "holds no open offers" in check
    back = client.post(url, {**typed("1", "12", "2026"), "change": "yes"}).content.decode()
    assert "<h1" in back and "End the agreement</h1>" in back and 'value="1"' in back
    fw.meadow.refresh_from_db()
    assert fw.meadow.left_on is None


def test_a_leavers_positions_are_marked_as_issued_not_held(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    leave(world, fw.meadow)
    client = world.client_for(world.broker)
    page = client.get(f"/framework/ranked-lists/positions/?provider={fw.meadow.pk}").content
    assert "left the framework on 1 December 2026" in page.decode()
    assert "Issued 1 of 2" in page.decode()
    body = client.get(f"/api/v1/providers/{fw.meadow.pk}/positions").json()
    assert (body["status"], body["left_on"]) == ("left_framework", "2026-12-01")
    ranked = client.get(f"/api/v1/providers/{fw.good[0].pk}/positions").json()
    assert (ranked["status"], ranked["left_on"]) == ("ranked", None)


def test_the_api_asked_about_a_day_before_the_provider_left_ranks_it(world, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    leave(world, fw.meadow)
    body = (
        world.client_for(world.broker)
        .get(
            "/api/v1/ranked-lists?district=E07000070&service_type=personal_care"
            "&cohort=older_people&on=2026-11-30"
        )
        .json()
    )
    entry = next(e for e in body["lists"][0]["entries"] if e["provider_id"] == fw.meadow.pk)
    assert (entry["status"], entry["position"], entry["left_on"]) == ("ranked", 1, None)
