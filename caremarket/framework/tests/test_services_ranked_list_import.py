import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from caremarket.common.errors import ValidationFailed
from caremarket.framework.models import RankedListEntry, RankedListVersion
from caremarket.framework.selectors.ranked_lists import ranked_list_diff
from caremarket.framework.selectors.tool import (
    LISTS_SHEET,
    POSITIONS_SHEET,
    ranked_list_tool_workbook,
)
from caremarket.framework.services.ranked_list_import import ranked_list_import
from caremarket.framework.tests.conftest import at

NOW = at(dt.date(2026, 4, 1))


def tool_rows(fw):
    """The tool's first sheet as a workbook we can edit, and its header row number."""
    book = load_workbook(io.BytesIO(ranked_list_tool_workbook(version=fw.version)))
    return book, book[LISTS_SHEET]


def save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def find_row(sheet, district, provider_id):
    for row in sheet.iter_rows(min_row=5):
        if (
            row[0].value == district
            and row[1].value == "Personal Care"
            and row[2].value == "Older people"
            and row[6].value == provider_id
        ):
            return row
    raise AssertionError("row not found")


def test_the_tool_workbook_imports_back_unchanged(fw, world):
    data = ranked_list_tool_workbook(version=fw.version)
    draft = ranked_list_import(
        actor=world.contract_manager, data=data, filename="tool.xlsx", now=NOW
    )
    assert draft.status == RankedListVersion.Status.DRAFT
    assert draft.entries.count() == fw.version.entries.count()
    assert ranked_list_diff(old=fw.version, new=draft) == []


def test_an_edited_workbook_becomes_a_draft_with_the_changes(fw, world):
    book, sheet = tool_rows(fw)
    meadow, good = find_row(sheet, "Harlow", "1-900"), find_row(sheet, "Harlow", "1-9010")
    meadow[4].value, good[4].value = 2, 1
    draft = ranked_list_import(
        actor=world.contract_manager, data=save(book), filename="t.xlsx", now=NOW
    )
    diff = ranked_list_diff(old=fw.version, new=draft)
    assert [str(d.lot) for d in diff] == [str(fw.lot("Harlow"))]


def test_a_bad_workbook_is_rejected_whole_with_each_problem_located(fw, world):
    book, sheet = tool_rows(fw)
    find_row(sheet, "Basildon", "1-900")[6].value = "1-NOPE"  # unknown provider
    find_row(sheet, "Braintree", "1-9010")[4].value = 1  # duplicates Meadow's position
    find_row(sheet, "Harlow", "1-999")[3].value = 1  # Weak Care is not eligible for tier 1
    for row in sheet.iter_rows(min_row=5):  # Maldon's personal care list goes missing
        if (
            row[0].value == "Maldon"
            and row[1].value == "Personal Care"
            and row[2].value == "Older people"
        ):
            for cell in row:
                cell.value = None
    # Colchester gets 12 tier-1 providers
    for n in range(2, 12):
        sheet.append(["Colchester", "Night Sleep", "Older people", 1, n + 1, "x", f"1-9{n:02d}0"])
    before = RankedListVersion.objects.count(), RankedListEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        ranked_list_import(
            actor=world.contract_manager, data=save(book), filename="bad.xlsx", now=NOW
        )
    problems = caught.value.errors
    assert (RankedListVersion.objects.count(), RankedListEntry.objects.count()) == before
    text = "\n".join(problems)
    assert (
        "column G (CQC provider ID): no framework provider has the CQC provider ID “1-NOPE”" in text
    )
    assert (
        "column E (Position): position 1 of tier 1 in Braintree · Personal Care · Older people"
        " is given more than once" in text
    )
    assert "column D (Tier): Weak Care is not eligible for tier 1" in text
    assert "the lot Maldon · Personal Care · Older people is missing" in text
    assert "Colchester has 12 providers on tier 1; at most 10" in text
    assert all(p.startswith("Sheet “Ranked lists”") for p in problems)


def test_row_level_problems_name_the_row_and_column(fw, world):
    book, sheet = tool_rows(fw)
    row = find_row(sheet, "Basildon", "1-900")
    row[0].value, row[3].value, row[4].value = "Atlantis", "3", "first"
    with pytest.raises(ValidationFailed) as caught:
        ranked_list_import(
            actor=world.contract_manager, data=save(book), filename="bad.xlsx", now=NOW
        )
    n = row[0].row
    where = f"Sheet “Ranked lists”, row {n}, column"
    assert caught.value.errors == [
        f"{where} A (District): “Atlantis” is not a district of the framework.",
        f"{where} D (Tier): “3” is not a tier: use 1 or 2.",
        f"{where} E (Position): “first” is not a whole number from 1.",
    ]


def test_the_tool_has_every_provider_position_on_its_second_sheet(fw):
    book = load_workbook(io.BytesIO(ranked_list_tool_workbook(version=fw.version)))
    rows = list(book[POSITIONS_SHEET].iter_rows(min_row=5, values_only=True))
    meadow = [r for r in rows if r[1] == "1-900"]
    assert len(meadow) == len(fw.lots)
    assert {(r[5], r[6]) for r in meadow} == {(1, 1)}


def test_the_tool_neutralises_formula_text(fw):
    fw.meadow.organisation.name = "=HYPERLINK(evil)"
    fw.meadow.organisation.save()
    book = load_workbook(io.BytesIO(ranked_list_tool_workbook(version=fw.version)))
    names = {r[5] for r in book[LISTS_SHEET].iter_rows(min_row=5, values_only=True)}
    assert "'=HYPERLINK(evil)" in names


def test_the_tool_opens_in_libreoffice_and_holds_every_lot(fw, tmp_path: Path):
    source = tmp_path / "tool.xlsx"
    source.write_bytes(ranked_list_tool_workbook(version=fw.version))
    profile = tmp_path / "profile"  # its own profile, so parallel runs never share a lock
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "tool.csv").read_text(encoding="utf-8", errors="replace")
    lots_seen = {tuple(line.split(",")[:3]) for line in text.splitlines()}
    for lot in fw.lots:
        assert (
            lot.district.name,
            lot.get_service_type_display(),
            lot.get_cohort_display(),
        ) in lots_seen, lot
