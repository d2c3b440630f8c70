"""Providers: added from the CQC register, their agreements ended, and their branch requests."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import NotPermitted
from caremarket.common.pagination import Pagination
from caremarket.cqc.selectors import cqc_provider_locations
from caremarket.framework.apis.common import perm_require, provider_visible_or_404, router
from caremarket.framework.models import Provider
from caremarket.framework.selectors.providers import (
    branch_change_request_list,
    branch_location_ids_on_framework,
    provider_for_user,
)
from caremarket.framework.services.providers import (
    provider_add_from_cqc,
    provider_agreement_end,
)


class AgreementEndIn(Schema):
    left_on: dt.date
    reason: str


class ProviderOut(Schema):
    id: int
    name: str
    cqc_provider_id: str
    joined_on: dt.date
    left_on: dt.date | None
    left_reason: str
    is_active: bool
    tier1_eligible: bool


class CqcLocationOut(Schema):
    location_id: str
    name: str
    address: str
    postcode: str
    service_types: list[str]
    provider_name: str
    on_framework: bool


class ProviderFromCqcIn(Schema):
    cqc_provider_id: str
    branch_location_ids: list[str]
    joined_on: dt.date


@router.get(
    "/cqc-providers/{cqc_provider_id}/locations",
    response=list[CqcLocationOut],
    summary="The registered locations the CQC register lists under a provider ID",
)
def cqc_provider_locations_list(
    request: HttpRequest, cqc_provider_id: str
) -> list[dict[str, object]]:
    perm_require(request, "framework.manage_framework")
    locations = cqc_provider_locations(provider_id=cqc_provider_id)
    taken = branch_location_ids_on_framework(location_ids=[loc.location_id for loc in locations])
    return [
        {
            "location_id": loc.location_id,
            "name": loc.name,
            "address": loc.address,
            "postcode": loc.postcode,
            "service_types": loc.service_types,
            "provider_name": loc.provider_name,
            "on_framework": loc.location_id in taken,
        }
        for loc in locations
    ]


@router.post(
    "/providers",
    response={201: ProviderOut},
    summary="Add a provider to the framework from the CQC register, with its branches",
)
def provider_create_from_cqc(request: HttpRequest, payload: ProviderFromCqcIn) -> Status:
    perm_require(request, "framework.manage_framework")
    provider = provider_add_from_cqc(
        actor=current_user(request), now=timezone.now(), **payload.dict()
    )
    return Status(201, provider)


@router.post(
    "/providers/{provider_id}/end-agreement",
    response=ProviderOut,
    summary="Record that a provider's framework agreement has ended",
)
def provider_end_agreement(
    request: HttpRequest, provider_id: int, payload: AgreementEndIn
) -> Provider:
    provider = provider_visible_or_404(request, provider_id)
    perm_require(request, "framework.manage_framework")
    return provider_agreement_end(
        actor=current_user(request), provider=provider, now=timezone.now(), **payload.dict()
    )


class BranchRequestOut(Schema):
    id: int
    provider_id: int
    provider: str = Field(alias="provider.organisation.name")
    kind: str
    branch_id: int | None
    new_cqc_location_id: str
    new_name: str
    reason: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str


@router.get(
    "/branch-requests",
    response=list[BranchRequestOut],
    summary="Providers' requests to add or remove branches (contract managers see all)",
)
@paginate(Pagination)
def branch_requests(request: HttpRequest, status: str = "") -> object:
    user = request.user
    if user.has_perm("framework.decide_branch_change"):
        return branch_change_request_list(status=status or None)
    provider = provider_for_user(user=user)
    if provider is None or not user.has_perm("framework.view_provider", provider):
        raise NotPermitted(
            "Only the Live at Home team and framework providers see branch requests."
        )
    return branch_change_request_list(provider=provider, status=status or None)
