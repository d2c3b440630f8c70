"""The API for visit patterns and round work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require_visible
from caremarket.sourcing.engine.visit_pattern import WEEKDAY_NAMES, WEEKDAYS, Call, CallRow
from caremarket.sourcing.models import Package
from caremarket.sourcing.selectors.round_fit import packages_open_to, round_fit_for_user
from caremarket.sourcing.selectors.visit_patterns import package_calls
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
