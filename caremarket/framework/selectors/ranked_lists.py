"""Which ranked list was in force when, a provider's positions, what changed between versions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from caremarket.framework.models import (
    Lot,
    Provider,
    RankedListEntry,
    RankedListVersion,
    Tier,
)
from caremarket.framework.selectors.lots import lot_list


@dataclass(frozen=True)
class RankedEntry:
    provider_id: int
    provider_name: str
    cqc_provider_id: str
    tier: int
    position: int
    price_score: Decimal | None = None
    quality_score: Decimal | None = None
    # The day the provider's agreement ended: the issued position is history, not a rank.
    left_on: dt.date | None = None
    # On tier 1 while no longer meeting the tier-1 standard (flagged to contract managers).
    eligibility_lost: bool = False

    @property
    def label(self) -> str:
        return f"Tier {self.tier}, position {self.position}"

    @property
    def status(self) -> str:
        return "left_framework" if self.left_on else "ranked"

    @property
    def status_label(self) -> str:
        if self.left_on:
            return f"Left the framework on {self.left_on.day} {self.left_on:%B %Y}"
        return "Ranked"


@dataclass(frozen=True)
class RankedList:
    """One lot's list as issued in one version (tier 1 then tier 2, each in rank order)."""

    lot: Lot
    version_id: int | None
    version_number: int | None
    effective_from: dt.date | None
    tier1: list[RankedEntry] = field(default_factory=list)
    tier2: list[RankedEntry] = field(default_factory=list)
    # In the issued version but not in force: the providers whose agreement had ended.
    set_aside: list[RankedEntry] = field(default_factory=list)

    @property
    def entries(self) -> list[RankedEntry]:
        return [*self.tier1, *self.tier2]


@dataclass(frozen=True)
class Position:
    lot: Lot
    tier: int
    position: int
    of: int  # how many providers share that tier of that lot


@dataclass(frozen=True)
class EntryChange:
    provider_name: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class LotDiff:
    lot: Lot
    changes: list[EntryChange]


def ranked_list_version_in_force(*, on: dt.date) -> RankedListVersion | None:
    return (
        RankedListVersion.objects.filter(
            status=RankedListVersion.Status.ISSUED, effective_from__lte=on
        )
        .order_by("-effective_from", "-number")
        .first()
    )


def ranked_list_version_latest_issued() -> RankedListVersion | None:
    return (
        RankedListVersion.objects.filter(status=RankedListVersion.Status.ISSUED)
        .order_by("-effective_from", "-number")
        .first()
    )


def ranked_list_version_list() -> QuerySet[RankedListVersion]:
    return RankedListVersion.objects.exclude(
        status=RankedListVersion.Status.DISCARDED
    ).select_related("created_by", "issued_by")


def ranked_list_version_previous(*, version: RankedListVersion) -> RankedListVersion | None:
    """The version a draft or an issued version is compared with."""
    issued = RankedListVersion.objects.filter(status=RankedListVersion.Status.ISSUED)
    if version.status == RankedListVersion.Status.ISSUED:
        return issued.filter(number__lt=version.number).order_by("-number").first()
    return ranked_list_version_latest_issued()


def _entries(version: RankedListVersion, lots: list[Lot]) -> dict[int, list[RankedEntry]]:
    by_lot: dict[int, list[RankedEntry]] = defaultdict(list)
    rows = (
        RankedListEntry.objects.filter(version=version, lot__in=lots)
        .select_related("provider__organisation")
        .order_by("lot_id", "tier", "position")
    )
    for e in rows:
        by_lot[e.lot_id].append(
            RankedEntry(
                provider_id=e.provider_id,
                provider_name=e.provider.organisation.name,
                cqc_provider_id=e.provider.cqc_provider_id,
                tier=e.tier,
                position=e.position,
                price_score=e.price_score,
                quality_score=e.quality_score,
                left_on=e.provider.left_on,
                eligibility_lost=e.provider.eligibility_lost_at is not None,
            )
        )
    return by_lot


def ranked_lists_of_version(
    *,
    version: RankedListVersion | None,
    lots: list[Lot] | QuerySet[Lot] | None = None,
    tier: int | None = None,
) -> list[RankedList]:
    """Every requested lot's list in the version (a lot without entries has empty tiers)."""
    lots = list(lots if lots is not None else lot_list())
    by_lot = _entries(version, lots) if version is not None else {}
    result = []
    for lot in lots:
        entries = by_lot.get(lot.pk, [])
        result.append(
            RankedList(
                lot=lot,
                version_id=version.pk if version else None,
                version_number=version.number if version else None,
                effective_from=version.effective_from if version else None,
                tier1=[e for e in entries if e.tier == Tier.ONE and tier in (None, Tier.ONE)],
                tier2=[e for e in entries if e.tier == Tier.TWO and tier in (None, Tier.TWO)],
            )
        )
    return result


def ranked_list_in_force(*, lot: Lot, on: dt.date) -> RankedList:
    """The list sourcing offers a package in `lot` from on `on`, with the version that says so.

    Providers whose agreement had ended by `on` are left out (kept in `set_aside`): the issued
    list is history and keeps them, but nobody offers care to a provider that has left the
    framework. The others keep their issued positions: nobody is renumbered (decision 0073).
    """
    version = ranked_list_version_in_force(on=on)
    return _without_leavers(ranked_lists_of_version(version=version, lots=[lot])[0], on)


def ranked_lists_in_force(*, lots: list[Lot], on: dt.date) -> dict[int, RankedList]:
    """`ranked_list_in_force` for many lots at once, by lot id: for the timetable's list
    steps, which source hundreds of packages in one transaction."""
    if not lots:
        return {}
    version = ranked_list_version_in_force(on=on)
    return {
        listed.lot.pk: _without_leavers(listed, on)
        for listed in ranked_lists_of_version(version=version, lots=lots)
    }


def _without_leavers(listed: RankedList, on: dt.date) -> RankedList:
    left = {e.provider_id for e in listed.entries if e.left_on is not None and e.left_on <= on}
    if not left:
        return listed
    return dataclasses.replace(
        listed,
        tier1=[e for e in listed.tier1 if e.provider_id not in left],
        tier2=[e for e in listed.tier2 if e.provider_id not in left],
        set_aside=[e for e in listed.entries if e.provider_id in left],
    )


def provider_positions(*, provider: Provider, version: RankedListVersion | None) -> list[Position]:
    if version is None:
        return []
    entries = list(
        RankedListEntry.objects.filter(version=version, provider=provider)
        .select_related("lot__district")
        .order_by("lot__district__name", "lot__service_type", "lot__cohort")
    )
    sizes: dict[tuple[int, int], int] = defaultdict(int)
    for lot_id, tier in RankedListEntry.objects.filter(
        version=version, lot_id__in=[e.lot_id for e in entries]
    ).values_list("lot_id", "tier"):
        sizes[(lot_id, tier)] += 1
    return [
        Position(lot=e.lot, tier=e.tier, position=e.position, of=sizes[(e.lot_id, e.tier)])
        for e in entries
    ]


def ranked_list_diff(*, old: RankedListVersion | None, new: RankedListVersion) -> list[LotDiff]:
    """Per lot, every provider added, removed or moved between two versions."""

    def placed(version: RankedListVersion | None) -> dict[tuple[int, int], tuple[str, str]]:
        if version is None:
            return {}
        return {
            (lot_id, provider_id): (name, f"Tier {tier}, position {position}")
            for lot_id, provider_id, name, tier, position in RankedListEntry.objects.filter(
                version=version
            ).values_list(
                "lot_id", "provider_id", "provider__organisation__name", "tier", "position"
            )
        }

    before, after = placed(old), placed(new)
    changes: dict[int, list[EntryChange]] = defaultdict(list)
    for key in sorted(set(before) | set(after), key=lambda k: (before.get(k) or after[k])[0]):
        was = before.get(key, (None, None))[1]
        now = after.get(key, (None, None))[1]
        if was != now:
            name = (before.get(key) or after[key])[0]
            changes[key[0]].append(EntryChange(provider_name=name, before=was, after=now))
    return [LotDiff(lot=lot, changes=changes[lot.pk]) for lot in lot_list().filter(pk__in=changes)]
