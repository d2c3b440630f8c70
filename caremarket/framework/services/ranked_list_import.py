"""Read a ranked-list workbook (the Ranked List Tool's first sheet) into a draft version.

The workbook is checked as a whole: any problem rejects it, every problem is listed by
sheet, row and column, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl.utils import get_column_letter

from caremarket.accounts.models import User
from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.tabular import Limits, table_read
from caremarket.framework.models import Provider, RankedListVersion, Tier
from caremarket.framework.selectors.lots import cohort_parse, lot_index, service_type_parse
from caremarket.framework.selectors.tool import LIST_COLUMNS, NO_PROVIDERS
from caremarket.framework.services.ranked_lists import (
    NOT_CONTRACT_MANAGER,
    DraftEntry,
    Place,
    ranked_list_draft_create,
    ranked_list_problems,
)

REQUIRED = ("District", "Service type", "Cohort", "Tier", "Position", "CQC provider ID")
# Every lot's list in one sheet: 96 lots of a few dozen providers each, with room to spare.
LIMITS = Limits(
    what="a ranked list workbook", max_bytes=5 * 1024 * 1024, max_rows=20_000, max_columns=40
)


def _score(text: str, column: str, where: Place, row: int, problems: list[str]) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        problems.append(f"{where.at(row, column)}“{text}” is not a number.")
        return None
    if not Decimal(0) <= value <= Decimal(100):
        problems.append(f"{where.at(row, column)}{text} is outside 0 to 100.")
        return None
    return value


def _whole(text: str, column: str, where: Place, row: int, problems: list[str]) -> int | None:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        problems.append(
            f"{where.at(row, column)}“{text}” is not a whole number from 1."
            if text
            else f"{where.at(row, column)}this cell is empty."
        )
        return None
    return value


def ranked_list_workbook_read(*, data: bytes, filename: str) -> list[DraftEntry]:
    """Parse and check a workbook; raise ValidationFailed listing every problem."""
    table = table_read(data=data, filename=filename, required=REQUIRED, limits=LIMITS)
    sheet = table.source.split(", sheet ", 1)[-1]
    columns = {
        name: get_column_letter(index + 1)
        for index, name in enumerate(table.header)
        if name in LIST_COLUMNS
    }
    place = Place(sheet=sheet, columns=columns)
    lots = lot_index()
    providers = {
        p.cqc_provider_id.lower(): p for p in Provider.objects.select_related("organisation")
    }
    problems: list[str] = []
    entries: list[DraftEntry] = []
    unsure: set[int] = set()
    for row, cells in table:
        district = cells.get("District", "")
        service_text, cohort_text = cells.get("Service type", ""), cells.get("Cohort", "")
        service_type, cohort = service_type_parse(service_text), cohort_parse(cohort_text)
        row_problems: list[str] = []
        for column, text, parsed in (
            ("District", district, district.lower() in {k[0] for k in lots}),
            ("Service type", service_text, service_type),
            ("Cohort", cohort_text, cohort),
        ):
            if not text:
                row_problems.append(f"{place.at(row, column)}this cell is empty: name the lot.")
            elif not parsed:
                row_problems.append(
                    f"{place.at(row, column)}“{text}” is not a {column.lower()} of the framework."
                )
        lot = lots.get((district.lower(), service_type or "", cohort or ""))
        if lot is None and not row_problems:
            row_problems.append(
                f"{place.at(row, 'District')}there is no lot "
                f"{district} · {service_text} · {cohort_text}."
            )
        provider_id = cells.get("CQC provider ID", "")
        if not provider_id and cells.get("Provider", "") == NO_PROVIDERS:
            problems.extend(row_problems)
            continue  # a lot with no providers, as the tool writes it
        provider = providers.get(provider_id.lower())
        if provider is None:
            row_problems.append(
                f"{place.at(row, 'CQC provider ID')}"
                + (
                    f"no framework provider has the CQC provider ID “{provider_id}”."
                    if provider_id
                    else "this cell is empty: give the provider's CQC provider ID."
                )
            )
        tier_text = cells.get("Tier", "")
        tier = {"1": Tier.ONE, "2": Tier.TWO}.get(tier_text.removeprefix("Tier ").strip())
        if tier is None:
            row_problems.append(f"{place.at(row, 'Tier')}“{tier_text}” is not a tier: use 1 or 2.")
        position = _whole(cells.get("Position", ""), "Position", place, row, row_problems)
        price = _score(cells.get("Price score", ""), "Price score", place, row, row_problems)
        quality = _score(cells.get("Quality score", ""), "Quality score", place, row, row_problems)
        problems.extend(row_problems)
        if row_problems and lot is not None:
            unsure.add(lot.pk)  # a lot with a faulty row is not also reported missing
        if row_problems or lot is None or provider is None or tier is None or position is None:
            continue
        entries.append(
            DraftEntry(
                lot=lot,
                provider=provider,
                tier=tier,
                position=position,
                price_score=price,
                quality_score=quality,
                row=row,
            )
        )
    entries.sort(key=lambda e: e.row or 0)
    # Set-wide checks (duplicates, tier-1 limits and eligibility, missing lots) on the rows
    # that could be read, so one pass lists every problem.
    problems += ranked_list_problems(
        entries=entries,
        place=place,
        lots=[lot for lot in lots.values() if lot.pk not in unsure],
        check_gaps=not problems,
    )
    if problems:
        raise ValidationFailed(problems)
    return entries


@transaction.atomic
def ranked_list_import(
    *, actor: User | None, data: bytes, filename: str, now: dt.datetime
) -> RankedListVersion:
    """A draft version from a workbook; issuing it is a separate step."""
    require(actor, "framework.manage_framework", None, NOT_CONTRACT_MANAGER)
    entries = ranked_list_workbook_read(data=data, filename=filename)
    return ranked_list_draft_create(
        actor=actor, now=now, entries=entries, source=f"Imported from {filename}"
    )
