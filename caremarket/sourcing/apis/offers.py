"""A provider's offers: the list, and accepting or declining one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Schema
from ninja.pagination import paginate

from caremarket.accounts.selectors import current_user
from caremarket.common.pagination import Pagination
from caremarket.common.permissions import require_visible
from caremarket.sourcing.apis.common import OfferOut, router
from caremarket.sourcing.models import Offer
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.services import offers


class ProviderOfferOut(OfferOut):
    district: str
    outward_code: str
    service_type: str
    cohort: str
    hours_per_week: Decimal
    visit_pattern: str
    start_date: dt.date

    @staticmethod
    def resolve_district(obj: Offer) -> str:
        return obj.package.district.name

    @staticmethod
    def resolve_outward_code(obj: Offer) -> str:
        return obj.package.outward_code

    @staticmethod
    def resolve_service_type(obj: Offer) -> str:
        return obj.package.lot.service_type

    @staticmethod
    def resolve_cohort(obj: Offer) -> str:
        return obj.package.lot.cohort

    @staticmethod
    def resolve_hours_per_week(obj: Offer) -> Decimal:
        return obj.package.hours_per_week

    @staticmethod
    def resolve_visit_pattern(obj: Offer) -> str:
        return obj.package.visit_pattern

    @staticmethod
    def resolve_start_date(obj: Offer) -> dt.date:
        return obj.package.start_date


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
