"""The Batching List and the Available Packages list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import NotFound, NotPermitted
from caremarket.common.pagination import Pagination
from caremarket.common.permissions import require_visible
from caremarket.framework.models import Provider
from caremarket.framework.selectors.providers import provider_for_user
from caremarket.sourcing.apis.common import router
from caremarket.sourcing.models import BatchingList, Package
from caremarket.sourcing.selectors import batching as batching_selectors
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.services import available, batching


class ListedPackageOut(Schema):
    """A package as the lists sent to providers show it: never the person or their postcode."""

    id: int
    reference: str
    district: str = Field(alias="district.name")
    outward_code: str
    service_type: str = Field(alias="lot.service_type")
    cohort: str = Field(alias="lot.cohort")
    hours_per_week: Decimal
    visit_pattern: str
    start_date: dt.date


class BatchingRowOut(ListedPackageOut):
    interested: bool


class BatchingListOut(Schema):
    id: int
    issued_at: dt.datetime
    closes_at: dt.datetime
    packages: list[BatchingRowOut]


class BatchingReturnIn(Schema):
    interested: list[int] = Field(
        default_factory=list, description="Ids of the listed packages your organisation wants"
    )


def _open_batching_list(request: HttpRequest) -> tuple[BatchingList, Provider]:
    require_visible(request.user, "sourcing.view_batching_list")
    current = batching_selectors.batching_list_open(now=timezone.now())
    provider = provider_for_user(user=request.user)
    if current is None:
        raise NotFound(
            "No Batching List is open now; the next is issued at 16:00 on a working day."
        )
    if provider is None:
        raise NotPermitted("Only framework providers answer the Batching List.")
    return current, provider


def _batching_out(current: BatchingList, provider: Provider) -> dict[str, object]:
    ticks = batching_selectors.batching_returns_of(batching_list=current, provider=provider)
    rows = batching_selectors.batching_packages_for(batching_list=current, provider=provider)
    for package in rows:
        # Read by BatchingRowOut beside the package's own fields.
        package.interested = ticks.get(package.pk, False)  # type: ignore[attr-defined]
    return {
        "id": current.pk,
        "issued_at": current.issued_at,
        "closes_at": current.closes_at,
        "packages": rows,
    }


@router.get(
    "/batching-list",
    response=BatchingListOut,
    summary="The open Batching List with your organisation's answers (framework providers)",
    operation_id="caremarket_sourcing_apis_batching_list",
)
def batching_list(request: HttpRequest) -> dict[str, object]:
    current, provider = _open_batching_list(request)
    return _batching_out(current, provider)


@router.put(
    "/batching-list/return",
    response=BatchingListOut,
    summary="Say which listed packages you want (replaces your earlier answer until it closes)",
    operation_id="caremarket_sourcing_apis_batching_return",
)
def batching_return(request: HttpRequest, payload: BatchingReturnIn) -> dict[str, object]:
    current, provider = _open_batching_list(request)
    batching.batching_return_record(
        actor=current_user(request),
        batching_list=current,
        provider=provider,
        interested=set(payload.interested),
        now=timezone.now(),
        source="api",
    )
    return _batching_out(current, provider)


class ProposalIn(Schema):
    rate: Decimal = Field(..., gt=0, max_digits=6, decimal_places=2, description="£ an hour")
    notes: str = Field("", max_length=2000)


class ProposalOut(Schema):
    id: int
    package_id: int
    rate: Decimal
    notes: str
    status: str


@router.get(
    "/available-packages",
    response=list[ListedPackageOut],
    summary="The Available Packages list in force (home care providers and council staff)",
    operation_id="caremarket_sourcing_apis_available_package_list",
)
@paginate(Pagination)
def available_package_list(request: HttpRequest) -> object:
    require_visible(request.user, "sourcing.view_available_packages")
    return selectors.available_packages()


@router.post(
    "/available-packages/{package_id}/proposals",
    response={201: ProposalOut},
    summary="Propose a rate for a package on the Available Packages list",
    operation_id="caremarket_sourcing_apis_available_package_propose",
)
def available_package_propose(request: HttpRequest, package_id: int, payload: ProposalIn) -> Status:
    package = get_object_or_404(Package, pk=package_id)
    proposal = available.rate_proposal_submit(
        actor=current_user(request),
        package=package,
        rate=payload.rate,
        notes=payload.notes,
        now=timezone.now(),
    )
    return Status(201, proposal)
