from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from caremarket.framework.models import Provider
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.models import Handback, HandbackStatus, Package

OPEN = [HandbackStatus.GIVEN, HandbackStatus.ACKNOWLEDGED]


def providers_passed_over(*, package: Package) -> set[int]:
    """Framework providers handing this person's care back: the call-off that re-sources it
    passes over them (decision 0092)."""
    organisations = Handback.objects.filter(
        status__in=OPEN,
        package__person_reference=package.person_reference,
        package__lot_id=package.lot_id,
    ).exclude(package=package)
    return set(
        Provider.objects.filter(
            organisation_id__in=organisations.values("organisation_id")
        ).values_list("pk", flat=True)
    )


def providers_passed_over_many(*, packages: list[Package]) -> dict[int, set[int]]:
    """`providers_passed_over` for many packages at once, by package id."""
    rows = list(
        Handback.objects.filter(
            status__in=OPEN,
            package__person_reference__in={p.person_reference for p in packages},
        ).values_list(
            "package_id", "package__person_reference", "package__lot_id", "organisation_id"
        )
    )
    result: dict[int, set[int]] = {p.pk: set() for p in packages}
    if not rows:
        return result
    providers: dict[int, set[int]] = defaultdict(set)
    for organisation_id, provider_id in Provider.objects.filter(
        organisation_id__in={r[3] for r in rows}
    ).values_list("organisation_id", "pk"):
        providers[organisation_id].add(provider_id)
    for p in packages:
        for package_id, person, lot_id, organisation_id in rows:
            if person == p.person_reference and lot_id == p.lot_id and package_id != p.pk:
                result[p.pk] |= providers[organisation_id]
    return result


def handback_open_for(*, package: Package) -> Handback | None:
    return Handback.objects.filter(package=package, status__in=OPEN).first()


def handback_list_for(*, user: Any) -> QuerySet[Handback]:
    qs = Handback.objects.select_related(
        "package__lot__district", "organisation", "replacement__placed_with", "given_by"
    ).order_by("status", "last_day", "id")
    if user.is_council:
        return qs
    return qs.filter(organisation_id=user.organisation_id)


def packages_held_by(*, organisation_id: int) -> QuerySet[Package]:
    """The provider's current packages, the ones it may hand back."""
    return (
        Package.objects.filter(placed_with_id=organisation_id, stage=Stage.PLACED.value)
        .select_related("lot__district")
        .order_by("reference")
    )


def handbacks_due_to_end(*, today: Any) -> QuerySet[Handback]:
    """Acknowledged handbacks whose last day has passed while the old package still runs."""
    return Handback.objects.filter(
        status=HandbackStatus.ACKNOWLEDGED,
        last_day__lt=today,
        package__stage=Stage.PLACED.value,
    ).select_related("package", "organisation")


def handbacks_gap_unwarned() -> QuerySet[Handback]:
    return Handback.objects.filter(
        status=HandbackStatus.ACKNOWLEDGED, gap_warned_at__isnull=True
    ).select_related("replacement", "package", "organisation")
