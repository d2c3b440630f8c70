from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from caremarket.framework.selectors.purchase_orders import purchase_order_history
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.models import (
    AvailableList,
    CareBookImport,
    Offer,
    Package,
    SourcingDecision,
)


def package_list(
    *, stage: str | None = None, district_id: int | None = None, search: str = ""
) -> QuerySet[Package]:
    qs = Package.objects.select_related("district", "lot__district", "placed_with")
    if stage:
        qs = qs.filter(stage=stage)
    if district_id:
        qs = qs.filter(district_id=district_id)
    if search:
        qs = qs.filter(reference__icontains=search) | qs.filter(person_reference__iexact=search)
    return qs.order_by("-created_at", "-id")


def package_detail(*, package_id: int) -> Package:
    return (
        Package.objects.select_related("district", "lot__district", "placed_with", "created_by")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.select_related(
                    "provider__organisation", "list_version", "answered_by"
                ),
            ),
            Prefetch(
                "decisions",
                queryset=SourcingDecision.objects.select_related(
                    "provider__organisation", "list_version", "actor"
                ),
            ),
            "proposals__organisation",
        )
        .get(pk=package_id)
    )


def package_price_history(*, package: Package) -> list[Any]:
    return purchase_order_history(package_reference=package.reference)


def offer_list_for(*, user: Any, open_only: bool = False) -> QuerySet[Offer]:
    qs = Offer.objects.select_related("package__lot__district", "provider__organisation").filter(
        provider__organisation_id=user.organisation_id
    )
    if open_only:
        qs = qs.filter(outcome="")
    return qs.order_by("outcome", "deadline", "pk")


def available_packages() -> QuerySet[Package]:
    latest = AvailableList.objects.order_by("-issued_at").first()
    if latest is None:
        return Package.objects.none()
    return (
        latest.packages.filter(stage=Stage.AVAILABLE.value)
        .select_related("lot__district")
        .order_by("reference")
    )


def package_counts_by_stage() -> dict[str, int]:
    return dict(
        Package.objects.values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )


def service_users_unknown(*, organisation: Any, references: Iterable[str]) -> set[str]:
    """Of these people, the ones the council has no placed package for with this provider.

    Visit monitoring's EHM_SERVICE_USER_CHECK (on by default): until the council has loaded
    its book of care, packages placed before the platform are not recorded here, so nobody
    is unknown; from then on every council-funded person is (decision 0041).
    """
    if not CareBookImport.objects.exists():
        return set()
    wanted = set(references)
    known = set(
        Package.objects.filter(
            placed_with=organisation,
            stage__in=[Stage.PLACED.value, Stage.ENDED.value],
            person_reference__in=wanted,
        ).values_list("person_reference", flat=True)
    )
    return wanted - known


def care_book_import_list() -> QuerySet[CareBookImport]:
    return CareBookImport.objects.select_related("imported_by")
