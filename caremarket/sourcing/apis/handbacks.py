"""Handbacks: a provider gives notice on a package it delivers, or withdraws it; the council
acknowledges it."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Schema, Status

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import NotFound
from caremarket.common.permissions import require_visible
from caremarket.sourcing.apis.common import rounds_router
from caremarket.sourcing.models import Handback
from caremarket.sourcing.selectors import handbacks as handback_selectors
from caremarket.sourcing.services import handbacks


class HandbackIn(Schema):
    package_reference: str
    reason: str
    details: str = ""
    last_day: dt.date


class HandbackOut(Schema):
    id: int
    package_reference: str = Field(alias="package.reference")
    provider: str = Field(alias="organisation.name")
    reason: str
    details: str
    last_day: dt.date
    status: str
    given_at: dt.datetime
    acknowledged_at: dt.datetime | None
    replacement_reference: str | None
    # The replacement's stage: "placed" once the care has a new provider.
    replacement_stage: str | None
    gap_warned_at: dt.datetime | None

    @staticmethod
    def resolve_replacement_reference(obj: Handback) -> str | None:
        return obj.replacement.reference if obj.replacement else None

    @staticmethod
    def resolve_replacement_stage(obj: Handback) -> str | None:
        return obj.replacement.stage if obj.replacement else None


def _handback(request: HttpRequest, handback_id: int) -> Handback:
    return get_object_or_404(
        handback_selectors.handback_list_for(user=request.user), pk=handback_id
    )


@rounds_router.get(
    "/handbacks",
    response=list[HandbackOut],
    summary="Handbacks you may see",
    operation_id="caremarket_sourcing_rounds_apis_handback_list",
)
def handback_list(request: HttpRequest) -> list[Handback]:
    require_visible(request.user, "sourcing.view_handbacks")
    return list(handback_selectors.handback_list_for(user=request.user))


@rounds_router.post(
    "/handbacks",
    response={201: HandbackOut},
    summary="Give notice that you will stop a package",
    operation_id="caremarket_sourcing_rounds_apis_handback_give",
)
def handback_give(request: HttpRequest, payload: HandbackIn) -> Status:
    require_visible(request.user, "sourcing.give_handback")
    package = (
        handback_selectors.packages_held_by(
            organisation_id=getattr(request.user, "organisation_id", 0)
        )
        .filter(reference=payload.package_reference.strip().upper())
        .first()
    )
    if package is None:
        raise NotFound(handbacks.NOT_HELD, field="package_reference")
    handback = handbacks.handback_give(
        actor=current_user(request),
        package=package,
        reason=payload.reason,
        details=payload.details,
        last_day=payload.last_day,
        now=timezone.now(),
    )
    return Status(201, _handback(request, handback.pk))


@rounds_router.post(
    "/handbacks/{handback_id}/acknowledge",
    response=HandbackOut,
    summary="Acknowledge a handback: the package is re-sourced from the day after its last day",
    operation_id="caremarket_sourcing_rounds_apis_handback_acknowledge",
)
def handback_acknowledge(request: HttpRequest, handback_id: int) -> Handback:
    require_visible(request.user, "sourcing.manage_packages")
    handbacks.handback_acknowledge(
        actor=current_user(request), handback=_handback(request, handback_id), now=timezone.now()
    )
    return _handback(request, handback_id)


@rounds_router.post(
    "/handbacks/{handback_id}/withdraw",
    response=HandbackOut,
    summary="Withdraw your notice before the council acknowledges it",
    operation_id="caremarket_sourcing_rounds_apis_handback_withdraw",
)
def handback_withdraw(request: HttpRequest, handback_id: int) -> Handback:
    require_visible(request.user, "sourcing.give_handback")
    handbacks.handback_withdraw(
        actor=current_user(request), handback=_handback(request, handback_id), now=timezone.now()
    )
    return _handback(request, handback_id)
