from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from caremarket.framework.models import Provider
from caremarket.framework.selectors.ranked_lists import ranked_list_version_in_force
from caremarket.sourcing.models import (
    BatchingList,
    BatchingListLine,
    BatchingReturn,
    Offer,
    Package,
)


def interested_providers(*, package: Package) -> list[int]:
    """Tier-1 providers who ticked the package on its latest Batching List."""
    # One definition of "its latest list" for one package and for many.
    return sorted(interested_providers_many(packages=[package])[package.pk])


def _latest_lists(package_ids: list[int]) -> dict[int, int]:
    """Each package's latest Batching List, by package id: one query."""
    latest: dict[int, tuple[dt.datetime, int]] = {}
    for package_id, list_id, issued_at in BatchingList.packages.through.objects.filter(
        package_id__in=package_ids
    ).values_list("package_id", "batchinglist_id", "batchinglist__issued_at"):
        if package_id not in latest or issued_at > latest[package_id][0]:
            latest[package_id] = (issued_at, list_id)
    return {package_id: list_id for package_id, (_, list_id) in latest.items()}


def interested_providers_many(*, packages: list[Package]) -> dict[int, set[int]]:
    """`interested_providers` for many packages at once, by package id: two queries."""
    latest = _latest_lists([p.pk for p in packages])
    result: dict[int, set[int]] = {p.pk: set() for p in packages}
    if not latest:
        return result
    wanted = set(latest.items())
    for package_id, list_id, provider_id in BatchingReturn.objects.filter(
        batching_list_id__in={list_id for _, list_id in wanted},
        package_id__in=list(latest),
        interested=True,
    ).values_list("package_id", "batching_list_id", "provider_id"):
        if (package_id, list_id) in wanted:
            result[package_id].add(provider_id)
    return result


def round_fit_shown_on_lists(*, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], bool]:
    """Whether each (package, provider)'s line on the package's latest Batching List showed
    round fit (decision 0094): two queries for any number of pairs. A pair with no line (a
    list issued before lines were kept) is left out: nobody knows what it showed."""
    if not pairs:
        return {}
    latest = _latest_lists(sorted({package_id for package_id, _ in pairs}))
    if not latest:
        return {}
    return {
        (package_id, provider_id): shown
        for package_id, provider_id, list_id, shown in BatchingListLine.objects.filter(
            batching_list_id__in=set(latest.values()),
            package_id__in=list(latest),
            provider_id__in={provider_id for _, provider_id in pairs},
        ).values_list("package_id", "provider_id", "batching_list_id", "round_fit_shown")
        if latest.get(package_id) == list_id and (package_id, provider_id) in pairs
    }


def batching_list_open(*, now: dt.datetime) -> BatchingList | None:
    return (
        BatchingList.objects.filter(closed_at__isnull=True, closes_at__gt=now)
        .order_by("-issued_at")
        .first()
    )


def batching_list_due_to_close(*, now: dt.datetime) -> QuerySet[BatchingList]:
    return BatchingList.objects.filter(closed_at__isnull=True, closes_at__lte=now).order_by(
        "issued_at"
    )


def batching_packages_for(*, batching_list: BatchingList, provider: Provider) -> list[Package]:
    """The packages on a list this provider may bid for: those in lots where it is on tier 1."""
    version = ranked_list_version_in_force(on=timezone.localdate(batching_list.issued_at))
    tier1_lots = set()
    if version is not None:
        tier1_lots = set(
            provider.positions.filter(version=version, tier=1).values_list("lot_id", flat=True)
        )
    return [
        p
        for p in batching_list.packages.select_related("lot__district").order_by("reference")
        if p.lot_id in tier1_lots
    ]


def batching_returns_of(*, batching_list: BatchingList, provider: Provider) -> dict[int, bool]:
    return dict(
        BatchingReturn.objects.filter(batching_list=batching_list, provider=provider).values_list(
            "package_id", "interested"
        )
    )


def batching_list_latest() -> BatchingList | None:
    return BatchingList.objects.order_by("-issued_at").first()


def batching_rows_for(
    *, batching_list: BatchingList, provider: Provider
) -> list[tuple[Package, bool]]:
    """The provider's packages on the list, each with whether it has ticked it so far."""
    ticks = batching_returns_of(batching_list=batching_list, provider=provider)
    packages = batching_packages_for(batching_list=batching_list, provider=provider)
    return [(p, ticks.get(p.pk, False)) for p in packages]


@dataclass(frozen=True)
class BatchingListRow:
    """One package of a Batching List as the broker follows it."""

    package: Package
    ticked_by: list[str]
    offered_to: str  # the provider offered the package when returns closed, if any
    placed_since_issue: bool


def batching_council_view() -> tuple[BatchingList | None, list[BatchingListRow]]:
    """The latest list as the council follows it (open or closed), and its rows."""
    latest = batching_list_latest()
    return latest, batching_list_broker_view(batching_list=latest) if latest else []


def batching_list_broker_view(*, batching_list: BatchingList) -> list[BatchingListRow]:
    """Who ticked each package, who was offered it at the close, and what has been placed since.

    Packages placed after the list went out stay on it, marked, so the broker sees the list
    as issued rather than a list that shrinks under them.
    """
    packages = list(
        batching_list.packages.select_related("lot__district", "placed_with").order_by("reference")
    )
    ticks: dict[int, list[str]] = defaultdict(list)
    for package_id, name in (
        BatchingReturn.objects.filter(batching_list=batching_list, interested=True)
        .order_by("provider__organisation__name")
        .values_list("package_id", "provider__organisation__name")
    ):
        ticks[package_id].append(name)
    offered: dict[int, str] = {}
    if batching_list.closed_at is not None:
        for package_id, name in (
            Offer.objects.filter(
                package__in=packages, stage="batching", offered_at=batching_list.closed_at
            )
            .order_by("seq")
            .values_list("package_id", "provider__organisation__name")
        ):
            offered.setdefault(package_id, name)
    return [
        BatchingListRow(
            package=p,
            ticked_by=ticks.get(p.pk, []),
            offered_to=offered.get(p.pk, ""),
            placed_since_issue=p.placed_at is not None and p.placed_at > batching_list.issued_at,
        )
        for p in packages
    ]
