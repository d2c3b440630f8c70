"""Drafting, checking and issuing versions of the ranked lists (decision 0022)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import Conflict, ValidationFailed
from caremarket.common.permissions import require
from caremarket.framework.models import (
    TIER1_MAX_PER_DISTRICT,
    Lot,
    Provider,
    RankedListEntry,
    RankedListVersion,
    Tier,
)
from caremarket.framework.selectors.lots import lot_list
from caremarket.framework.selectors.providers import provider_list, provider_users
from caremarket.framework.selectors.ranked_lists import ranked_list_version_latest_issued
from caremarket.notifications.services import notification_send

NOT_CONTRACT_MANAGER = "Only the Live at Home team can change the ranked lists."
NOT_A_DRAFT = "{version} has been {status}: start a new draft to change the lists."
DEFAULT_PRICE_WEIGHT = 50
DEFAULT_QUALITY_WEIGHT = 50


@dataclass
class DraftEntry:
    """One provider's place in one lot, with where it came from for error messages."""

    lot: Lot
    provider: Provider
    tier: int
    position: int
    price_score: Decimal | None = None
    quality_score: Decimal | None = None
    row: int | None = None  # the workbook row, when imported


@dataclass(frozen=True)
class Place:
    """Where an imported value sits: the sheet, and the column letter of each heading."""

    sheet: str
    columns: dict[str, str]

    @property
    def prefix(self) -> str:
        return f"Sheet “{self.sheet}”: " if self.sheet else ""

    def at(self, row: int | None, column: str) -> str:
        if row is None:
            return ""
        letter = self.columns.get(column, "?")
        return f"Sheet “{self.sheet}”, row {row}, column {letter} ({column}): "


BROWSER = Place(sheet="", columns={})


def _rows(entries: list[DraftEntry]) -> str:
    rows = sorted(e.row for e in entries if e.row is not None)
    return f" (rows {', '.join(str(r) for r in rows)})" if rows else ""


def ranked_list_problems(
    *,
    entries: list[DraftEntry],
    place: Place = BROWSER,
    lots: Iterable[Lot] | None = None,
    check_gaps: bool = True,
) -> list[str]:
    """Every reason these entries cannot be issued; empty when they can.

    `lots` are those that must each have a list (all by default). Gaps in positions are not
    reported when rows were left out for problems of their own (`check_gaps=False`).
    """
    problems: list[str] = []
    by_slot: dict[tuple[int, int, int], list[DraftEntry]] = defaultdict(list)
    by_provider: dict[tuple[int, int], list[DraftEntry]] = defaultdict(list)
    by_tier: dict[tuple[int, int], list[DraftEntry]] = defaultdict(list)
    tier1_by_district: dict[int, dict[int, list[DraftEntry]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for e in entries:
        by_slot[(e.lot.pk, e.tier, e.position)].append(e)
        by_provider[(e.lot.pk, e.provider.pk)].append(e)
        by_tier[(e.lot.pk, e.tier)].append(e)
        if e.tier == Tier.ONE:
            tier1_by_district[e.lot.district_id][e.provider.pk].append(e)
    for (_, tier, position), same in by_slot.items():
        for e in same[1:]:
            problems.append(
                f"{place.at(e.row, 'Position')}position {position} of tier {tier} in {e.lot} "
                f"is given more than once{_rows(same)}."
            )
    for same in by_provider.values():
        for e in same[1:]:
            problems.append(
                f"{place.at(e.row, 'CQC provider ID')}{e.provider.name} appears more than once "
                f"in {e.lot}{_rows(same)}."
            )
    for (_, tier), in_tier in by_tier.items() if check_gaps else ():
        positions = sorted({e.position for e in in_tier})
        if positions != list(range(1, len(positions) + 1)):
            first = min(in_tier, key=lambda e: e.row or 0)
            problems.append(
                f"{place.at(first.row, 'Position')}the positions of tier {tier} in {first.lot} "
                f"must run from 1 without gaps; found {', '.join(map(str, positions))}."
            )
    for e in entries:
        if e.tier == Tier.ONE and not e.provider.tier1_eligible:
            why = "; ".join(e.provider.eligibility_problems) or "its CQC ratings are not known"
            problems.append(
                f"{place.at(e.row, 'Tier')}{e.provider.name} is not eligible for tier 1 in "
                f"{e.lot} ({why})."
            )
        if not e.provider.is_active:
            problems.append(
                f"{place.at(e.row, 'CQC provider ID')}{e.provider.name} has left the framework."
            )
    for providers in tier1_by_district.values():
        if len(providers) > TIER1_MAX_PER_DISTRICT:
            sample = next(iter(providers.values()))[0]
            all_rows = [e for rows in providers.values() for e in rows]
            names = ", ".join(sorted(rows[0].provider.name for rows in providers.values()))
            problems.append(
                f"{place.prefix}{sample.lot.district.name} has {len(providers)} providers on "
                "tier 1; at most "
                f"{TIER1_MAX_PER_DISTRICT} are allowed in a district: {names}{_rows(all_rows)}."
            )
    present = {e.lot.pk for e in entries}
    for lot in lots if lots is not None else lot_list():
        if lot.pk not in present:
            problems.append(
                f"{place.prefix}the lot {lot} is missing: every lot needs a ranked list."
            )
    return problems


def _draft(version: RankedListVersion) -> RankedListVersion:
    locked = RankedListVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != RankedListVersion.Status.DRAFT:
        raise Conflict(
            NOT_A_DRAFT.format(version=locked, status=locked.get_status_display().lower())
        )
    return locked


def _store(version: RankedListVersion, entries: Iterable[DraftEntry]) -> None:
    RankedListEntry.objects.bulk_create(
        RankedListEntry(
            version=version,
            lot=e.lot,
            provider=e.provider,
            tier=e.tier,
            position=e.position,
            price_score=e.price_score,
            quality_score=e.quality_score,
        )
        for e in entries
    )


def _load(version: RankedListVersion) -> list[DraftEntry]:
    return [
        DraftEntry(
            lot=e.lot,
            provider=e.provider,
            tier=e.tier,
            position=e.position,
            price_score=e.price_score,
            quality_score=e.quality_score,
        )
        for e in version.entries.select_related("lot__district", "provider__organisation")
    ]


@transaction.atomic
def ranked_list_draft_create(
    *,
    actor: User | None,
    now: dt.datetime,
    entries: list[DraftEntry] | None = None,
    source: str = "Edited in the browser",
    place: Place = BROWSER,
) -> RankedListVersion:
    """A draft from the given entries (checked first), or a copy of the latest issued lists."""
    require(actor, "framework.manage_framework", None, NOT_CONTRACT_MANAGER)
    based_on = ranked_list_version_latest_issued()
    if entries is None:
        entries = _load(based_on) if based_on else []
    else:
        problems = ranked_list_problems(entries=entries, place=place)
        if problems:
            raise ValidationFailed(problems)
    version = RankedListVersion.objects.create(
        based_on=based_on, source=source[:255], created_by=actor, created_at=now
    )
    _store(version, entries)
    audit_record(
        actor=actor,
        action="framework_ranked_list.drafted",
        obj=version,
        at=now,
        data={"source": source, "entries": len(entries), "based_on": based_on},
    )
    return version


@transaction.atomic
def ranked_list_draft_set_lot(
    *,
    actor: User | None,
    version: RankedListVersion,
    lot: Lot,
    tier1: list[Provider],
    tier2: list[Provider],
    now: dt.datetime,
) -> RankedListVersion:
    """Replace one lot's list in a draft: each tier in rank order."""
    require(actor, "framework.manage_framework", version, NOT_CONTRACT_MANAGER)
    version = _draft(version)
    old = {e.provider_id: e for e in version.entries.filter(lot=lot)}
    entries = [
        DraftEntry(
            lot=lot,
            provider=provider,
            tier=tier,
            position=index,
            price_score=old[provider.pk].price_score if provider.pk in old else None,
            quality_score=old[provider.pk].quality_score if provider.pk in old else None,
        )
        for tier, providers in ((Tier.ONE, tier1), (Tier.TWO, tier2))
        for index, provider in enumerate(providers, start=1)
    ]
    others = [e for e in _load(version) if e.lot.pk != lot.pk]
    problems = ranked_list_problems(entries=others + entries, lots=[lot])
    if problems:
        raise ValidationFailed(problems)
    version.entries.filter(lot=lot).delete()
    _store(version, entries)
    audit_record(
        actor=actor,
        action="framework_ranked_list.lot_edited",
        obj=version,
        at=now,
        data={
            "lot": lot,
            "tier1": [p.cqc_provider_id for p in tier1],
            "tier2": [p.cqc_provider_id for p in tier2],
        },
    )
    return version


def _score(e: DraftEntry, price_weight: int, quality_weight: int) -> Decimal | None:
    if e.price_score is None or e.quality_score is None:
        return None
    return (e.price_score * price_weight + e.quality_score * quality_weight) / 100


@transaction.atomic
def ranked_list_draft_rank_by_scores(
    *,
    actor: User | None,
    version: RankedListVersion,
    price_weight: int = DEFAULT_PRICE_WEIGHT,
    quality_weight: int = DEFAULT_QUALITY_WEIGHT,
    now: dt.datetime,
) -> RankedListVersion:
    """Reorder every tier of every lot by weighted score, highest first.

    Providers without both scores keep their order after those with scores; ties keep
    their previous order.
    """
    require(actor, "framework.manage_framework", version, NOT_CONTRACT_MANAGER)
    if price_weight < 0 or quality_weight < 0 or price_weight + quality_weight != 100:
        raise ValidationFailed(
            {
                "price_weight": [
                    "The price and quality weights must be whole percentages adding up to 100."
                ]
            }
        )
    version = _draft(version)
    groups: dict[tuple[int, int], list[DraftEntry]] = defaultdict(list)
    for e in sorted(_load(version), key=lambda e: e.position):
        groups[(e.lot.pk, e.tier)].append(e)
    for group in groups.values():
        scored = [e for e in group if _score(e, price_weight, quality_weight) is not None]
        unscored = [e for e in group if e not in scored]
        scored.sort(key=lambda e: -(_score(e, price_weight, quality_weight) or 0))
        for index, e in enumerate(scored + unscored, start=1):
            e.position = index
    version.entries.all().delete()
    _store(version, [e for group in groups.values() for e in group])
    audit_record(
        actor=actor,
        action="framework_ranked_list.ranked_by_scores",
        obj=version,
        at=now,
        data={"price_weight": price_weight, "quality_weight": quality_weight},
    )
    return version


@transaction.atomic
def ranked_list_issue(
    *,
    actor: User | None,
    version: RankedListVersion,
    effective_from: dt.date,
    note: str = "",
    now: dt.datetime,
) -> RankedListVersion:
    """Issue a draft: it is in force from `effective_from` and is published to every provider."""
    require(actor, "framework.manage_framework", version, NOT_CONTRACT_MANAGER)
    version = _draft(version)
    latest = ranked_list_version_latest_issued()
    if effective_from < timezone.localdate(now):
        raise ValidationFailed(
            {
                "effective_from": [
                    "A list cannot take effect in the past: past offers rely on the list"
                    " then in force."
                ]
            }
        )
    if latest is not None and latest.effective_from and effective_from < latest.effective_from:
        raise ValidationFailed(
            {
                "effective_from": [
                    f"{latest} takes effect on {latest.effective_from:%d %B %Y}; "
                    "a new version cannot take effect before it."
                ]
            }
        )
    problems = ranked_list_problems(entries=_load(version))
    if problems:
        raise ValidationFailed(problems)
    highest = RankedListVersion.objects.aggregate(n=Max("number"))["n"] or 0
    version.number = highest + 1
    version.status = RankedListVersion.Status.ISSUED
    version.effective_from = effective_from
    version.issued_by, version.issued_at = actor, now
    version.note = note.strip()
    version.save(
        update_fields=["number", "status", "effective_from", "issued_by", "issued_at", "note"]
    )
    audit_record(
        actor=actor,
        action="framework_ranked_list.issued",
        obj=version,
        at=now,
        data={"effective_from": effective_from, "based_on": version.based_on},
    )
    notification_send(
        recipients=provider_users(providers=list(provider_list())),
        event="framework.ranked_list_issued",
        subject=f"Ranked lists version {version.number} takes effect on {effective_from:%d %B %Y}",
        body=(
            "The Live at Home team has issued new ranked lists. See your positions in the"
            " Ranked List Tool."
        ),
        url=reverse("framework:ranked-lists"),
        now=now,
    )
    return version


@transaction.atomic
def ranked_list_discard(
    *, actor: User | None, version: RankedListVersion, now: dt.datetime
) -> RankedListVersion:
    require(actor, "framework.manage_framework", version, NOT_CONTRACT_MANAGER)
    version = _draft(version)
    version.status = RankedListVersion.Status.DISCARDED
    version.save(update_fields=["status"])
    audit_record(actor=actor, action="framework_ranked_list.discarded", obj=version, at=now)
    return version
