"""Packages: create one, read it, place it, change its hours, end its care."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Schema, Status

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import NotFound
from caremarket.common.permissions import require_visible
from caremarket.sourcing.apis.common import OfferOut, router
from caremarket.sourcing.models import Offer, Package
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.services import packages


class PackageIn(Schema):
    person_reference: str
    postcode: str
    service_type: str
    cohort: str
    hours_per_week: Decimal
    visit_pattern: str
    start_date: dt.date
    needs: str = ""
    urgency: str = "routine"


class DecisionOut(Schema):
    at: dt.datetime
    kind: str = Field(
        description="offer, declined, lapsed, withdrawn, passed_over (a provider above the one "
        "offered that was not offered: see passed_over), stage, place, batching, …"
    )
    stage: str
    reason: str
    provider_id: int | None
    list_version_id: int | None
    tier: int | None = None
    position: int | None = None
    passed_over: str = ""
    round_fit_used: bool | None = Field(
        None,
        description="Whether round fit (the package's best-placed providers) informed a "
        "placement made outside the ranked list; null where it does not apply or is not known.",
    )


class PackageOut(Schema):
    id: int
    reference: str
    person_reference: str
    postcode: str
    district: str = Field(alias="district.name")
    service_type: str = Field(alias="lot.service_type")
    cohort: str = Field(alias="lot.cohort")
    hours_per_week: Decimal
    visit_pattern: str
    start_date: dt.date
    urgency: str
    stage: str
    route: str
    placed_with: str | None
    placed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    ended_on: dt.date | None
    created_at: dt.datetime
    offers: list[OfferOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_placed_with(obj: Package) -> str | None:
        return obj.placed_with.name if obj.placed_with else None

    @staticmethod
    def resolve_offers(obj: Package) -> list[Offer]:
        return list(obj.offers.all())

    @staticmethod
    def resolve_decisions(obj: Package) -> list[object]:
        return list(obj.decisions.all())


class PackageEndIn(Schema):
    ends_on: dt.date
    reason: str


@router.post(
    "/packages",
    response={201: PackageOut},
    summary="Create a package and start sourcing it",
    operation_id="caremarket_sourcing_apis_package_create",
)
def package_create(request: HttpRequest, payload: PackageIn) -> Status:
    require_visible(request.user, "sourcing.manage_packages")
    package = packages.package_create(
        actor=current_user(request), now=timezone.now(), **payload.dict()
    )
    return Status(201, selectors.package_detail(package_id=package.pk))


@router.get(
    "/packages/{package_id}",
    response=PackageOut,
    summary="A package with its offer history",
    operation_id="caremarket_sourcing_apis_package_get",
)
def package_get(request: HttpRequest, package_id: int) -> Package:
    require_visible(request.user, "sourcing.view_packages")
    try:
        return selectors.package_detail(package_id=package_id)
    except Package.DoesNotExist:
        raise Http404 from None


@router.post(
    "/packages/{package_id}/end",
    response=PackageOut,
    summary="Record the last day of a placed package's care (ends its purchase order)",
    operation_id="caremarket_sourcing_apis_package_end",
)
def package_end(request: HttpRequest, package_id: int, payload: PackageEndIn) -> Package:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=package_id)
    packages.package_end(
        actor=current_user(request), package=package, now=timezone.now(), **payload.dict()
    )
    return selectors.package_detail(package_id=package.pk)


class PackagePlaceIn(Schema):
    route: Literal["mini_competition", "spot"] = Field(
        description="mini_competition after the Available Packages list found no one, or spot "
        "at the provider's own price (off the framework)."
    )
    organisation_id: int = Field(description="The home care provider's organisation.")
    rate: Decimal = Field(gt=0, max_digits=8, decimal_places=2, description="The agreed rate.")
    note: str = Field("", max_length=300)
    round_fit_used: bool = Field(
        description="Whether the package's best-placed providers "
        "(GET /packages/{package_id}/best-placed) informed the choice: every decision records it."
    )


@router.post(
    "/packages/{package_id}/place",
    response=PackageOut,
    summary="Place a package after a mini-competition, or buy it spot (with its purchase order)",
    operation_id="caremarket_sourcing_apis_package_place",
)
def package_place(request: HttpRequest, package_id: int, payload: PackagePlaceIn) -> Package:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=package_id)
    organisation = selectors.placement_organisations().filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise NotFound("There is no such active home care provider.", field="organisation_id")
    packages.package_place_directly(
        actor=current_user(request),
        package=package,
        organisation=organisation,
        rate=payload.rate,
        route=payload.route,
        note=payload.note,
        round_fit_used=payload.round_fit_used,
        now=timezone.now(),
    )
    return selectors.package_detail(package_id=package.pk)


class PackageHoursIn(Schema):
    hours_per_week: Decimal = Field(gt=0, le=168)
    starts_on: dt.date = Field(description="The first day of the new hours: today or later.")


class PackageOrderOut(Schema):
    """A purchase order of a package: its hours and what they cost."""

    reference: str
    hours_per_week: Decimal
    rate: Decimal
    unit: str = Field(description="What the rate is per: hour, night or week.")
    pricing: str = Field(description="matrix, agreed (mini-competition or proposal) or spot.")
    starts_on: dt.date
    ends_on: dt.date | None


class PackageHoursOut(Schema):
    package: PackageOut
    orders: list[PackageOrderOut]


@router.post(
    "/packages/{package_id}/change-hours",
    response=PackageHoursOut,
    summary="Change a placed package's hours from a date (a new purchase order)",
    description="The current order ends the day before `starts_on` and the next is issued: at "
    "the provider's rate then in force for price-matrix orders, at the same agreed rate for "
    "mini-competition, proposal and spot orders. The same hours as now change nothing.",
    operation_id="caremarket_sourcing_apis_package_change_hours",
)
def package_change_hours(
    request: HttpRequest, package_id: int, payload: PackageHoursIn
) -> dict[str, object]:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=package_id)
    package = packages.package_change_hours(
        actor=current_user(request), package=package, now=timezone.now(), **payload.dict()
    )
    return {
        "package": selectors.package_detail(package_id=package.pk),
        "orders": selectors.package_price_history(package=package),
    }
