"""What the framework API's endpoints share: the router, a lot as the API shows it, and the
permission checks."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from caremarket.common.errors import NotPermitted
from caremarket.framework.models import Lot, Provider

router = Router(tags=["Live at Home framework"])


class LotOut(Schema):
    id: int
    district_code: str
    district: str
    service_type: str
    cohort: str


def lot_out(lot: Lot) -> dict[str, object]:
    return {
        "id": lot.pk,
        "district_code": lot.district.code,
        "district": lot.district.name,
        "service_type": lot.service_type,
        "cohort": lot.cohort,
    }


def perm_require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise NotPermitted("You cannot use this part of the framework.")


def provider_visible_or_404(request: HttpRequest, provider_id: int) -> Provider:
    provider = get_object_or_404(Provider.objects.select_related("organisation"), pk=provider_id)
    if not request.user.has_perm("framework.view_provider", provider):
        raise Http404
    return provider
