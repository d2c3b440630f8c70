"""Setting a package's visit pattern as calls; its weekly hours follow from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.engine.visit_pattern import (
    CallRow,
    calls_from_rows,
    calls_problems,
    hours_disagreement,
    pattern_summary,
    week_mask,
    weekly_hours,
)
from caremarket.sourcing.models import Package, VisitCall, VisitWeek
from caremarket.sourcing.models.rounds import WEEK_BYTES
from caremarket.sourcing.selectors.visit_patterns import package_calls
from caremarket.sourcing.services.engine_io import package_lock

NOT_BROKER = "Only brokers can change a package's visit pattern."
CLOSED = "{reference} is {stage}: its visit pattern can no longer change."
PLACED_HOURS = (
    "{reference} is placed at {current} hours a week and these calls add up to {derived}."
    " A change of hours issues a new purchase order: change the hours first, then the calls."
)
MAX_HOURS = Decimal("168")


@transaction.atomic
def package_visit_pattern_set(
    *,
    actor: User | None,
    package: Package,
    rows: Sequence[CallRow],
    stated_hours: Decimal | None = None,
    now: dt.datetime,
) -> Package:
    """Replace the package's calls. Before placement the weekly hours become the calls' total;
    once placed the calls must describe the hours already ordered (old packages, re-entered)."""
    if actor is not None and not actor.has_perm("sourcing.manage_packages"):
        raise NotPermitted(NOT_BROKER)
    package = package_lock(package.pk)
    if package.stage in (Stage.CANCELLED.value, Stage.ENDED.value):
        stage = package.get_stage_display().lower()
        raise ValidationFailed({"calls": [CLOSED.format(reference=package.reference, stage=stage)]})
    calls = calls_from_rows(rows)
    problems = calls_problems(calls)
    if problems:
        raise ValidationFailed({"calls": problems})
    derived = weekly_hours(calls)
    if stated_hours is not None:
        disagreement = hours_disagreement(calls=calls, stated=stated_hours)
        if disagreement:
            raise ValidationFailed({"hours_per_week": [disagreement]})
    if derived > MAX_HOURS:
        raise ValidationFailed(
            {"calls": [f"The calls add up to {derived} hours a week; the most is 168."]}
        )
    current = package.hours_per_week.quantize(Decimal("0.01"))
    if package.stage == Stage.PLACED.value and derived != current:
        raise ValidationFailed(
            {
                "calls": [
                    PLACED_HOURS.format(
                        reference=package.reference, current=current, derived=derived
                    )
                ]
            }
        )
    before = {
        "calls": [c.label + f" {c.minutes}m x{c.carers}" for c in package_calls(package=package)],
        "hours_per_week": current,
        "visit_pattern": package.visit_pattern,
    }
    VisitCall.objects.filter(package=package).delete()
    VisitCall.objects.bulk_create(
        VisitCall(
            package=package,
            weekday=c.weekday,
            start=c.start,
            minutes=c.minutes,
            carers=c.carers,
        )
        for c in calls
    )
    mask = week_mask(calls)
    VisitWeek.objects.update_or_create(
        package=package, defaults={"minutes": mask.to_bytes(WEEK_BYTES, "little")}
    )
    package.hours_per_week = derived
    package.visit_pattern = pattern_summary(calls)
    package.save(update_fields=["hours_per_week", "visit_pattern"])
    audit_record(
        actor=actor,
        action="package.visit_pattern_set",
        obj=package,
        at=now,
        changes={
            "hours_per_week": [before["hours_per_week"], derived],
            "visit_pattern": [before["visit_pattern"], package.visit_pattern],
        },
        data={
            "calls_before": before["calls"],
            "calls": [c.label + f" {c.minutes}m x{c.carers}" for c in calls],
        },
    )
    return package
