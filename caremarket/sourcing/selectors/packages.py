from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.framework.models import RateUnit
from caremarket.framework.selectors.prices import rate_in_force
from caremarket.framework.selectors.purchase_orders import purchase_order_history
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.engine.rules import SourcingRules
from caremarket.sourcing.models import (
    AvailableList,
    CareBookImport,
    Offer,
    Package,
    SourcingDecision,
    Urgency,
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


@dataclass(frozen=True)
class OrdersNow:
    """The order a package's care is bought under on a day, and the change already ordered."""

    in_force: Any | None
    next: Any | None


def package_orders_on(*, history: list[Any], on: dt.date) -> OrdersNow:
    """Before the care starts its first order is the one that will apply; after a change of
    hours is ordered for a later date, that order is `next`."""
    started = [o for o in history if o.starts_on <= on]
    in_force = started[-1] if started else (history[0] if history else None)
    later = [o for o in history if o.starts_on > on and o is not in_force]
    return OrdersNow(in_force=in_force, next=later[-1] if later else None)


def offer_list_for(*, user: Any, open_only: bool = False) -> QuerySet[Offer]:
    qs = Offer.objects.select_related("package__lot__district", "provider__organisation").filter(
        provider__organisation_id=user.organisation_id
    )
    if open_only:
        qs = qs.filter(outcome="")
    return qs.order_by("outcome", "deadline", "pk")


# The offers page lists every open offer and the latest answered ones.
PAST_OFFERS_SHOWN = 100


def offer_lists_for(*, user: Any) -> tuple[list[Offer], list[Offer]]:
    """The provider's open offers, and its latest answered or lapsed ones (at most 100)."""
    offers = list(offer_list_for(user=user))
    past = [o for o in offers if not o.is_open]
    return [o for o in offers if o.is_open], past[:PAST_OFFERS_SHOWN]


def offer_get_own(*, user: Any, pk: int) -> Offer | None:
    """An offer this user's organisation may answer; None for any other (not confirmed)."""
    offer = Offer.objects.select_related("provider__organisation", "package").filter(pk=pk).first()
    if offer is None or not user.has_perm("sourcing.answer_offer", offer):
        return None
    return offer


@dataclass(frozen=True)
class OfferTerms:
    """What a provider is told with an open offer: how long it has and what it would be paid."""

    urgent: bool
    window: str  # in office time, as the rules in force set it
    rate: str  # "£24.25 an hour", or empty when the provider has no rate in force then


def _duration(window: dt.timedelta) -> str:
    minutes = int(window.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " and ".join(parts) or "0 minutes"


def offer_terms(*, offers: Iterable[Offer], rules: SourcingRules) -> dict[int, OfferTerms]:
    terms = {}
    for offer in offers:
        package = offer.package
        urgent = package.urgency == Urgency.URGENT
        tier = 2 if offer.stage == Stage.TIER2.value else 1
        rate = rate_in_force(provider=offer.provider, lot=package.lot, on=package.start_date)
        terms[offer.pk] = OfferTerms(
            urgent=urgent,
            window=_duration(rules.offer_window_for(tier=tier, urgent=urgent)),
            rate=f"£{rate.amount} {RateUnit(rate.unit).label}" if rate else "",
        )
    return terms


def available_packages() -> QuerySet[Package]:
    latest = AvailableList.objects.order_by("-issued_at").first()
    if latest is None:
        return Package.objects.none()
    return (
        latest.packages.filter(stage=Stage.AVAILABLE.value)
        .select_related("lot__district")
        .order_by("reference")
    )


def package_by_reference(*, reference: str) -> Package | None:
    """The package a person or a system names by its reference, as typed (any case, spaces)."""
    return Package.objects.filter(reference=reference.strip().upper()).first()


def placement_organisations() -> QuerySet[Organisation]:
    """Who a broker can place a package with directly (a mini-competition or a spot purchase):
    any active home care provider, on the framework or not, since spot buys off it."""
    return Organisation.objects.filter(
        kind=OrganisationKind.HOME_CARE_PROVIDER, is_active=True
    ).order_by("name")


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
