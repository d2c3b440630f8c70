"""A provider's offers: the list, and accepting or declining one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.pagination import paginate

from caremarket.accounts.selectors import current_user
from caremarket.common.pagination import Pagination
from caremarket.common.permissions import require_visible
from caremarket.sourcing.apis.common import OfferOut, router
from caremarket.sourcing.models import Offer
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.services import offers


class ProviderOfferOut(OfferOut):
    district: str = Field(alias="package.district.name")
    outward_code: str = Field(alias="package.outward_code")
    service_type: str = Field(alias="package.lot.service_type")
    cohort: str = Field(alias="package.lot.cohort")
    hours_per_week: Decimal = Field(alias="package.hours_per_week")
    visit_pattern: str = Field(alias="package.visit_pattern")
    start_date: dt.date = Field(alias="package.start_date")


class DeclineIn(Schema):
    reason: str


@router.get(
    "/offers",
    response=list[ProviderOfferOut],
    summary="Offers made to your organisation",
    operation_id="caremarket_sourcing_apis_offer_list",
)
@paginate(Pagination)
def offer_list(request: HttpRequest, open_only: bool = False) -> object:
    require_visible(request.user, "sourcing.answer_offers")
    return selectors.offer_list_for(user=request.user, open_only=open_only)


def _own_offer(request: HttpRequest, offer_id: int) -> Offer:
    offer = selectors.offer_get_own(user=request.user, pk=offer_id)
    if offer is None:
        raise Http404
    return offer


@router.post(
    "/offers/{offer_id}/accept",
    response=ProviderOfferOut,
    summary="Accept an offer",
    operation_id="caremarket_sourcing_apis_offer_accept",
)
def offer_accept(request: HttpRequest, offer_id: int) -> Offer:
    return offers.offer_accept(
        actor=current_user(request), offer=_own_offer(request, offer_id), now=timezone.now()
    )


@router.post(
    "/offers/{offer_id}/decline",
    response=ProviderOfferOut,
    summary="Decline an offer, with a reason",
    operation_id="caremarket_sourcing_apis_offer_decline",
)
def offer_decline(request: HttpRequest, offer_id: int, payload: DeclineIn) -> Offer:
    return offers.offer_decline(
        actor=current_user(request),
        offer=_own_offer(request, offer_id),
        reason=payload.reason,
        now=timezone.now(),
    )
