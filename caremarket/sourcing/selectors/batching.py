from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from caremarket.framework.models import Provider
from caremarket.framework.selectors.ranked_lists import ranked_list_version_in_force
from caremarket.sourcing.models import BatchingList, BatchingReturn, Offer, Package


def batching_list_latest_for(*, package: Package) -> BatchingList | None:
    return package.batching_lists.order_by("-issued_at").first()


def interested_providers(*, package: Package) -> list[int]:
    """Tier-1 providers who ticked the package on its latest Batching List."""
    latest = batching_list_latest_for(package=package)
    if latest is None:
        return []
    return list(
        BatchingReturn.objects.filter(
            batching_list=latest, package=package, interested=True
        ).values_list("provider_id", flat=True)
    )


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


@dataclass(frozen=True)
class BatchingListRow:
    """One package of a Batching List as the broker follows it."""

    package: Package
    ticked_by: list[str]
    offered_to: str  # the provider offered the package when returns closed, if any
    placed_since_issue: bool


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
