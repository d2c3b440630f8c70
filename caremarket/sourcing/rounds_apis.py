"""The API for visit patterns and round work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.common.permissions import require_visible
from caremarket.framework.models import Provider
from caremarket.sourcing.engine.visit_pattern import WEEKDAY_NAMES, WEEKDAYS, Call, CallRow
from caremarket.sourcing.models import Handback, Package, Transfer
from caremarket.sourcing.selectors import handbacks as handback_selectors
from caremarket.sourcing.selectors import transfers as transfer_selectors
from caremarket.sourcing.selectors.round_fit import (
    best_placed,
    packages_open_to,
    round_fit_for_user,
)
from caremarket.sourcing.selectors.visit_patterns import package_calls
from caremarket.sourcing.services import handbacks, transfers
from caremarket.sourcing.services.visit_patterns import package_visit_pattern_set

router = Router(tags=["Rounds"])

_DAY_NUMBERS = {
    **{name.casefold(): i for i, name in enumerate(WEEKDAYS)},
    **{name.casefold(): i for i, name in enumerate(WEEKDAY_NAMES)},
}


class CallIn(Schema):
    days: list[str]
    start: dt.time
    minutes: int
    carers: int = 1


class VisitPatternIn(Schema):
    calls: list[CallIn]
    # Optional check: refused with the difference when it disagrees with the calls.
    hours_per_week: Decimal | None = None


class CallOut(Schema):
    weekday: int
    day: str
    start: dt.time
    minutes: int
    carers: int


class VisitPatternOut(Schema):
    package_reference: str
    hours_per_week: Decimal
    visit_pattern: str
    # False for an old package whose pattern is only free text.
    structured: bool
    calls: list[CallOut]


def _pattern_out(package: Package, calls: list[Call]) -> VisitPatternOut:
    return VisitPatternOut(
        package_reference=package.reference,
        hours_per_week=package.hours_per_week,
        visit_pattern=package.visit_pattern,
        structured=bool(calls),
        calls=[
            CallOut(
                weekday=c.weekday,
                day=WEEKDAY_NAMES[c.weekday],
                start=c.start,
                minutes=c.minutes,
                carers=c.carers,
            )
            for c in calls
        ],
    )


def _package(package_id: int) -> Package:
    package = Package.objects.filter(pk=package_id).first()
    if package is None:
        raise Http404
    return package


@router.get(
    "/packages/{package_id}/visit-pattern",
    response=VisitPatternOut,
    summary="A package's visit pattern: its calls and the weekly hours they give",
)
def visit_pattern_get(request: HttpRequest, package_id: int) -> VisitPatternOut:
    require_visible(request.user, "sourcing.view_packages")
    package = _package(package_id)
    return _pattern_out(package, package_calls(package=package))


@router.put(
    "/packages/{package_id}/visit-pattern",
    response=VisitPatternOut,
    summary="Set a package's calls; the weekly hours follow from them",
)
def visit_pattern_put(
    request: HttpRequest, package_id: int, payload: VisitPatternIn
) -> VisitPatternOut:
    require_visible(request.user, "sourcing.manage_packages")
    package = _package(package_id)
    rows = []
    for n, call in enumerate(payload.calls, start=1):
        days = [_DAY_NUMBERS.get(d.strip().casefold()) for d in call.days]
        unknown = [d for d, number in zip(call.days, days, strict=True) if number is None]
        if unknown or not days:
            raise ValidationFailed(
                {
                    f"calls[{n}].days": [
                        f"Call {n}: days are Mon to Sun (or Monday to Sunday)"
                        + (f"; not {', '.join(unknown)}." if unknown else "; give at least one.")
                    ]
                }
            )
        rows.append(
            CallRow(
                weekdays=frozenset(d for d in days if d is not None),
                start=call.start,
                minutes=call.minutes,
                carers=call.carers,
            )
        )
    package = package_visit_pattern_set(
        actor=request.user,
        package=package,
        rows=rows,
        stated_hours=payload.hours_per_week,
        now=timezone.now(),
    )
    return _pattern_out(package, package_calls(package=package))


class RoundFitOut(Schema):
    package_reference: str
    outward_code: str
    # Where you see the package: offer, batching, available.
    seen_on: list[str]
    # False when only the outward code's centre was known.
    exact: bool
    within_1km: int
    within_2km: int
    within_5km: int
    # Rounded up to the next half kilometre; null when you have no located current client.
    nearest_km: Decimal | None
    calls_total: int
    calls_fitting: list[str]


@router.get(
    "/round-fit",
    response=list[RoundFitOut],
    summary="How each package open to you fits your round (your own current clients only)",
)
def round_fit_list(request: HttpRequest) -> list[RoundFitOut]:
    require_visible(request.user, "sourcing.view_round_fit")
    open_now = packages_open_to(user=request.user, now=timezone.now())
    fits = round_fit_for_user(user=request.user, packages=[o.package for o in open_now])
    out = []
    for o in open_now:
        fit = fits.get(o.package.pk)
        if fit is None:
            continue
        out.append(
            RoundFitOut(
                package_reference=o.package.reference,
                outward_code=o.package.outward_code,
                seen_on=list(o.seen_on),
                exact=fit.exact,
                within_1km=fit.within_1km,
                within_2km=fit.within_2km,
                within_5km=fit.within_5km,
                nearest_km=fit.nearest_km,
                calls_total=fit.calls_total,
                calls_fitting=fit.calls_fitting,
            )
        )
    return out


class HandbackIn(Schema):
    package_reference: str
    reason: str
    details: str = ""
    last_day: dt.date


class HandbackOut(Schema):
    id: int
    package_reference: str
    provider: str
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
    def resolve_package_reference(obj: Handback) -> str:
        return obj.package.reference

    @staticmethod
    def resolve_provider(obj: Handback) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_replacement_reference(obj: Handback) -> str | None:
        return obj.replacement.reference if obj.replacement else None

    @staticmethod
    def resolve_replacement_stage(obj: Handback) -> str | None:
        return obj.replacement.stage if obj.replacement else None


def _handback(request: HttpRequest, handback_id: int) -> Handback:
    handback = (
        handback_selectors.handback_list_for(user=request.user).filter(pk=handback_id).first()
    )
    if handback is None:
        raise Http404
    return handback


@router.get("/handbacks", response=list[HandbackOut], summary="Handbacks you may see")
def handback_list(request: HttpRequest) -> list[Handback]:
    require_visible(request.user, "sourcing.view_handbacks")
    return list(handback_selectors.handback_list_for(user=request.user))


@router.post(
    "/handbacks", response={201: HandbackOut}, summary="Give notice that you will stop a package"
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
        actor=request.user,
        package=package,
        reason=payload.reason,
        details=payload.details,
        last_day=payload.last_day,
        now=timezone.now(),
    )
    return Status(201, _handback(request, handback.pk))


@router.post(
    "/handbacks/{handback_id}/acknowledge",
    response=HandbackOut,
    summary="Acknowledge a handback: the package is re-sourced from the day after its last day",
)
def handback_acknowledge(request: HttpRequest, handback_id: int) -> Handback:
    require_visible(request.user, "sourcing.manage_packages")
    handbacks.handback_acknowledge(
        actor=request.user, handback=_handback(request, handback_id), now=timezone.now()
    )
    return _handback(request, handback_id)


@router.post(
    "/handbacks/{handback_id}/withdraw",
    response=HandbackOut,
    summary="Withdraw your notice before the council acknowledges it",
)
def handback_withdraw(request: HttpRequest, handback_id: int) -> Handback:
    require_visible(request.user, "sourcing.give_handback")
    handbacks.handback_withdraw(
        actor=request.user, handback=_handback(request, handback_id), now=timezone.now()
    )
    return _handback(request, handback_id)


class TransferIn(Schema):
    package_reference: str
    to_provider_id: int
    transfer_date: dt.date
    reason: str


class WithdrawIn(Schema):
    reason: str


class TransferOut(Schema):
    id: int
    package_reference: str
    from_provider: str
    to_provider: str
    transfer_date: dt.date
    notice_days: int
    reason: str
    status: str
    from_agreed_at: dt.datetime | None
    to_accepted_at: dt.datetime | None
    council_approved_at: dt.datetime | None
    withdrawn_reason: str
    new_order_reference: str

    @staticmethod
    def resolve_package_reference(obj: Transfer) -> str:
        return obj.package.reference

    @staticmethod
    def resolve_from_provider(obj: Transfer) -> str:
        return obj.from_organisation.name

    @staticmethod
    def resolve_to_provider(obj: Transfer) -> str:
        return obj.to_provider.organisation.name


def _transfer(request: HttpRequest, transfer_id: int) -> Transfer:
    found = transfer_selectors.transfer_list_for(user=request.user).filter(pk=transfer_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/transfers", response=list[TransferOut], summary="Transfers of care you are party to")
def transfer_list(request: HttpRequest) -> list[Transfer]:
    require_visible(request.user, "sourcing.view_transfers")
    return list(transfer_selectors.transfer_list_for(user=request.user))


@router.post(
    "/transfers",
    response={201: TransferOut},
    summary="Propose moving a package to a provider whose round it fits better",
)
def transfer_propose(request: HttpRequest, payload: TransferIn) -> Status:
    require_visible(request.user, "sourcing.view_transfers")
    package = Package.objects.filter(reference=payload.package_reference.strip().upper()).first()
    provider = Provider.objects.filter(pk=payload.to_provider_id).first()
    if package is None:
        raise NotFound("No such package among the packages you deliver.", field="package_reference")
    if provider is None:
        raise NotFound("There is no such framework provider.", field="to_provider_id")
    transfer = transfers.transfer_propose(
        actor=request.user,
        package=package,
        to_provider=provider,
        transfer_date=payload.transfer_date,
        reason=payload.reason,
        now=timezone.now(),
    )
    return Status(201, _transfer(request, transfer.pk))


@router.post(
    "/transfers/{transfer_id}/agree",
    response=TransferOut,
    summary="Agree as your party: the current provider, the receiving provider or the council",
)
def transfer_agree(request: HttpRequest, transfer_id: int) -> Transfer:
    require_visible(request.user, "sourcing.view_transfers")
    transfers.transfer_agree(
        actor=request.user, transfer=_transfer(request, transfer_id), now=timezone.now()
    )
    return _transfer(request, transfer_id)


@router.post(
    "/transfers/{transfer_id}/withdraw",
    response=TransferOut,
    summary="Withdraw a transfer before its date",
)
def transfer_withdraw(request: HttpRequest, transfer_id: int, payload: WithdrawIn) -> Transfer:
    require_visible(request.user, "sourcing.view_transfers")
    transfers.transfer_withdraw(
        actor=request.user,
        transfer=_transfer(request, transfer_id),
        reason=payload.reason,
        now=timezone.now(),
    )
    return _transfer(request, transfer_id)


class BestPlacedOut(Schema):
    provider_id: int
    provider: str
    tier: int
    position: int
    within_1km: int | None
    within_2km: int | None
    within_5km: int | None
    nearest_km: Decimal | None
    calls_fitting: list[str]


@router.get(
    "/packages/{package_id}/best-placed",
    response=list[BestPlacedOut],
    summary="The lot's providers ordered by round fit, beside their ranked-list place (council)",
)
def best_placed_list(request: HttpRequest, package_id: int) -> list[BestPlacedOut]:
    require_visible(request.user, "sourcing.view_packages")
    package = _package(package_id)
    return [
        BestPlacedOut(
            provider_id=r.provider_id,
            provider=r.name,
            tier=r.tier,
            position=r.position,
            within_1km=r.fit.within_1km if r.fit else None,
            within_2km=r.fit.within_2km if r.fit else None,
            within_5km=r.fit.within_5km if r.fit else None,
            nearest_km=r.fit.nearest_km if r.fit else None,
            calls_fitting=r.fit.calls_fitting if r.fit else [],
        )
        for r in best_placed(package=package, on=timezone.localdate())
    ]
