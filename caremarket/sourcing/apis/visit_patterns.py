"""A package's visit pattern: its calls, read and set through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require_visible
from caremarket.sourcing.apis.common import package_or_404, rounds_router
from caremarket.sourcing.engine.visit_pattern import WEEKDAY_NAMES, WEEKDAYS, Call, CallRow
from caremarket.sourcing.models import Package
from caremarket.sourcing.selectors.visit_patterns import package_calls
from caremarket.sourcing.services.visit_patterns import package_visit_pattern_set

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


@rounds_router.get(
    "/packages/{package_id}/visit-pattern",
    response=VisitPatternOut,
    summary="A package's visit pattern: its calls and the weekly hours they give",
    operation_id="caremarket_sourcing_rounds_apis_visit_pattern_get",
)
def visit_pattern_get(request: HttpRequest, package_id: int) -> VisitPatternOut:
    require_visible(request.user, "sourcing.view_packages")
    package = package_or_404(package_id)
    return _pattern_out(package, package_calls(package=package))


@rounds_router.put(
    "/packages/{package_id}/visit-pattern",
    response=VisitPatternOut,
    summary="Set a package's calls; the weekly hours follow from them",
    operation_id="caremarket_sourcing_rounds_apis_visit_pattern_put",
)
def visit_pattern_put(
    request: HttpRequest, package_id: int, payload: VisitPatternIn
) -> VisitPatternOut:
    require_visible(request.user, "sourcing.manage_packages")
    package = package_or_404(package_id)
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
        actor=current_user(request),
        package=package,
        rows=rows,
        stated_hours=payload.hours_per_week,
        now=timezone.now(),
    )
    return _pattern_out(package, package_calls(package=package))
