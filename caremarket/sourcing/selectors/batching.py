from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from caremarket.framework.models import Provider
from caremarket.framework.selectors.ranked_lists import ranked_list_version_in_force
from caremarket.sourcing.models import BatchingList, BatchingReturn, Package


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
