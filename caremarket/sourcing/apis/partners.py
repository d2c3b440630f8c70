"""The API for strategic partners in an area (decision 0096): list, get, name and end."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import NotFound
from caremarket.common.pagination import Pagination
from caremarket.common.permissions import require_visible
from caremarket.framework.models import Provider
from caremarket.sourcing.models import StrategicPartnership
from caremarket.sourcing.selectors import partners as selectors
from caremarket.sourcing.services import partners as services

partners_router = Router(tags=["Strategic partners"])


class StrategicPartnershipIn(Schema):
    provider_id: int
    service_type: str
    outward_codes: list[str]
    starts_on: dt.date
    ends_on: dt.date
    notes: str = ""


class StrategicPartnershipEndIn(Schema):
    reason: str


class StrategicPartnershipOut(Schema):
    id: int
    provider_id: int
    provider: str
    service_type: str
    outward_codes: list[str]
    starts_on: dt.date
    ends_on: dt.date
    # "In force", "Not started", "Finished" or "Ended early".
    status: str
    notes: str
    ended_at: dt.datetime | None
    end_reason: str
    packages_offered: int
    packages_placed: int


def _out(partnership: StrategicPartnership) -> StrategicPartnershipOut:
    offered, placed = selectors.partnership_counts(partnership=partnership)
    return StrategicPartnershipOut(
        id=partnership.pk,
        provider_id=partnership.provider_id,
        provider=str(partnership.provider),
        service_type=partnership.service_type,
        outward_codes=partnership.outward_codes,
        starts_on=partnership.starts_on,
        ends_on=partnership.ends_on,
        status=selectors.partnership_status(partnership=partnership, today=timezone.localdate()),
        notes=partnership.notes,
        ended_at=partnership.ended_at,
        end_reason=partnership.end_reason,
        packages_offered=offered,
        packages_placed=placed,
    )


def _get(partnership_id: int) -> StrategicPartnership:
    partnership = selectors.partnership_get(pk=partnership_id)
    if partnership is None:
        raise Http404
    return partnership


@partners_router.get(
    "/strategic-partners",
    response=list[StrategicPartnershipOut],
    summary="Strategic partnerships (council staff)",
    operation_id="caremarket_sourcing_partners_apis_partnership_list",
)
@paginate(Pagination)
def partnership_list(request: HttpRequest) -> object:
    require_visible(request.user, "sourcing.view_partnerships")
    return [_out(p) for p in selectors.partnership_list()]


@partners_router.get(
    "/strategic-partners/{partnership_id}",
    response=StrategicPartnershipOut,
    summary="A strategic partnership (council staff)",
    operation_id="caremarket_sourcing_partners_apis_partnership_get",
)
def partnership_get(request: HttpRequest, partnership_id: int) -> StrategicPartnershipOut:
    require_visible(request.user, "sourcing.view_partnerships")
    return _out(_get(partnership_id))


@partners_router.post(
    "/strategic-partners",
    response={201: StrategicPartnershipOut},
    summary="Name a strategic partner for outward codes and a service for a trial period",
    operation_id="caremarket_sourcing_partners_apis_partnership_create",
)
def partnership_create(request: HttpRequest, payload: StrategicPartnershipIn) -> Status:
    require_visible(request.user, "sourcing.manage_partnerships")
    provider = Provider.objects.filter(pk=payload.provider_id).first()
    if provider is None:
        raise NotFound("No such provider.", field="provider_id")
    partnership = services.partnership_create(
        actor=current_user(request),
        provider=provider,
        service_type=payload.service_type,
        outward_codes=payload.outward_codes,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        notes=payload.notes,
        now=timezone.now(),
    )
    return Status(201, _out(_get(partnership.pk)))


@partners_router.post(
    "/strategic-partners/{partnership_id}/end",
    response=StrategicPartnershipOut,
    summary="End a strategic partnership early",
    operation_id="caremarket_sourcing_partners_apis_partnership_end",
)
def partnership_end(
    request: HttpRequest, partnership_id: int, payload: StrategicPartnershipEndIn
) -> StrategicPartnershipOut:
    require_visible(request.user, "sourcing.manage_partnerships")
    services.partnership_end(
        actor=current_user(request),
        partnership=_get(partnership_id),
        reason=payload.reason,
        now=timezone.now(),
    )
    return _out(_get(partnership_id))
