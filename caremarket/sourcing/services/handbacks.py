"""Handbacks: a provider gives notice on a package; the council re-sources it with no gap."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import Role, User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotFound, NotPermitted, ValidationFailed
from caremarket.notifications.services import notification_send
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.engine.visit_pattern import CallRow
from caremarket.sourcing.models import (
    Handback,
    HandbackReason,
    HandbackStatus,
    Package,
    SourcingDecision,
)
from caremarket.sourcing.selectors.handbacks import (
    handback_open_for,
    handbacks_due_to_end,
    handbacks_gap_unwarned,
)
from caremarket.sourcing.selectors.visit_patterns import package_calls
from caremarket.sourcing.services.engine_io import package_lock
from caremarket.sourcing.services.packages import package_create, package_end
from caremarket.sourcing.services.visit_patterns import package_visit_pattern_set

NOT_HELD = "No such package among the packages you deliver."
NOT_BROKER = "Only brokers acknowledge handbacks."
REASONS = "Choose a reason: capacity, staffing, safety, the person's choice or other."


def notice_days() -> int:
    """The notice the framework sets for handing a package back (configurable)."""
    return int(getattr(settings, "HANDBACK_NOTICE_DAYS", 28))


def gap_warning_days() -> int:
    return int(getattr(settings, "HANDBACK_GAP_WARNING_DAYS", 3))


def _brokers() -> list[User]:
    return list(User.objects.filter(role=Role.BROKER, is_active=True))


def _provider_users(organisation_id: int) -> list[User]:
    return list(User.objects.filter(organisation_id=organisation_id, is_active=True))


@transaction.atomic
def handback_give(
    *,
    actor: User | None,
    package: Package,
    reason: str,
    details: str = "",
    last_day: dt.date,
    now: dt.datetime,
) -> Handback:
    """The provider's notice: it will deliver the package up to and including `last_day`."""
    if actor is None or not actor.has_perm("sourcing.give_handback"):
        raise NotPermitted("Only staff of the provider delivering a package can hand it back.")
    package = package_lock(package.pk)
    if package.stage != Stage.PLACED.value or package.placed_with_id != actor.organisation_id:
        raise NotFound(NOT_HELD, field="package")
    if reason not in HandbackReason.values:
        raise ValidationFailed(
            {
                "reason": [
                    "Choose a reason: capacity, staffing, safety, the person's choice or other."
                ]
            }
        )
    details = details.strip()
    if reason == HandbackReason.OTHER and not details:
        raise ValidationFailed({"details": ["Say what the reason is when you choose other."]})
    today = timezone.localdate(now)
    earliest = today + dt.timedelta(days=notice_days())
    if last_day < earliest:
        raise ValidationFailed(
            {
                "last_day": [
                    f"The framework asks for {notice_days()} days' notice: the last day of care"
                    f" can be {earliest:%d %B %Y} at the earliest, not {last_day:%d %B %Y}."
                ]
            }
        )
    if last_day < package.start_date:
        raise ValidationFailed({"last_day": [f"The care starts on {package.start_date:%d %B %Y}."]})
    if handback_open_for(package=package) is not None:
        raise ValidationFailed(
            {"package": [f"You have already given notice on {package.reference}."]}
        )
    handback = Handback.objects.create(
        package=package,
        organisation_id=actor.organisation_id,
        reason=reason,
        details=details[:500],
        last_day=last_day,
        given_at=now,
        given_by=actor,
    )
    audit_record(
        actor=actor,
        action="handback.given",
        obj=handback,
        at=now,
        data={"package": package.reference, "reason": reason, "last_day": last_day},
    )
    notification_send(
        recipients=_brokers(),
        event="sourcing.handback_given",
        subject=f"{package.reference} handed back by {handback.organisation}",
        body=(
            f"{handback.organisation} will deliver {package.reference} ({package.lot}) until"
            f" {last_day:%A %d %B %Y}. Reason: {handback.get_reason_display()}"
            f"{': ' + details if details else ''}. Acknowledge it to re-source the package."
        ),
        url=reverse("sourcing:handback-list"),
        now=now,
    )
    return handback


@transaction.atomic
def handback_withdraw(*, actor: User | None, handback: Handback, now: dt.datetime) -> Handback:
    """The provider takes its notice back, before the council has acted on it."""
    handback = Handback.objects.select_for_update().get(pk=handback.pk)
    if actor is None or actor.organisation_id != handback.organisation_id:
        raise NotFound("No such handback.")
    if handback.status != HandbackStatus.GIVEN:
        raise ValidationFailed(
            "The council has already acknowledged this handback and is re-sourcing the package:"
            " ask the broker to stop it."
            if handback.status == HandbackStatus.ACKNOWLEDGED
            else "This handback has already been withdrawn."
        )
    handback.status = HandbackStatus.WITHDRAWN
    handback.withdrawn_at = now
    handback.save(update_fields=["status", "withdrawn_at"])
    audit_record(actor=actor, action="handback.withdrawn", obj=handback, at=now)
    notification_send(
        recipients=_brokers(),
        event="sourcing.handback_withdrawn",
        subject=f"Handback of {handback.package.reference} withdrawn",
        body=f"{handback.organisation} will go on delivering {handback.package.reference}.",
        url=reverse("sourcing:handback-list"),
        now=now,
    )
    return handback


@transaction.atomic
def handback_acknowledge(*, actor: User | None, handback: Handback, now: dt.datetime) -> Handback:
    """The council accepts the notice and re-sources the care through the normal call-off,
    starting the day after the last day, passing over the provider handing it back."""
    if actor is not None and not actor.has_perm("sourcing.manage_packages"):
        raise NotPermitted(NOT_BROKER)
    handback = Handback.objects.select_for_update().select_related("package").get(pk=handback.pk)
    if handback.status != HandbackStatus.GIVEN:
        raise ValidationFailed(
            f"This handback is {handback.get_status_display().lower()}: nothing to acknowledge."
        )
    old = handback.package
    if old.stage != Stage.PLACED.value:
        raise ValidationFailed(f"{old.reference} is no longer placed: nothing to re-source.")
    starts = handback.last_day + dt.timedelta(days=1)
    if starts <= timezone.localdate(now):
        raise ValidationFailed(
            f"The last day ({handback.last_day:%d %B %Y}) has passed: record the end of care"
            " and create a new package."
        )
    handback.status = HandbackStatus.ACKNOWLEDGED
    handback.acknowledged_at = now
    handback.acknowledged_by = actor
    # Open before the new package starts sourcing, so the first offer already passes over it.
    handback.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    calls = package_calls(package=old)
    new = package_create(
        actor=actor,
        person_reference=old.person_reference,
        postcode=old.postcode,
        service_type=old.lot.service_type,
        cohort=old.lot.cohort,
        hours_per_week=old.hours_per_week,
        visit_pattern=old.visit_pattern,
        start_date=starts,
        needs=old.needs,
        urgency=old.urgency,
        now=now,
    )
    if calls:
        package_visit_pattern_set(
            actor=actor,
            package=new,
            rows=[
                CallRow(
                    weekdays=frozenset({c.weekday}),
                    start=c.start,
                    minutes=c.minutes,
                    carers=c.carers,
                )
                for c in calls
            ],
            now=now,
        )
    SourcingDecision.objects.create(
        package=new,
        at=now,
        kind="passed_over",
        stage=new.stage,
        reason=(
            f"Re-sourcing {old.reference}, handed back by {handback.organisation}"
            f" ({handback.get_reason_display().lower()}), whose last day is"
            f" {handback.last_day:%d %B %Y}: that provider is passed over."
        ),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    handback.replacement = new
    handback.save(update_fields=["replacement"])
    audit_record(
        actor=actor,
        action="handback.acknowledged",
        obj=handback,
        at=now,
        data={"package": old.reference, "replacement": new.reference, "starts_on": starts},
    )
    notification_send(
        recipients=_provider_users(handback.organisation_id),
        event="sourcing.handback_acknowledged",
        subject=f"Handback of {old.reference} acknowledged",
        body=(
            f"The council has acknowledged your notice on {old.reference}. Please deliver the"
            f" care until {handback.last_day:%A %d %B %Y}; your purchase order ends that day."
        ),
        url=reverse("sourcing:handback-list"),
        now=now,
    )
    return handback


def handbacks_settle(*, now: dt.datetime) -> dict[str, int]:
    """Daily (safe to run often): end handed-back packages after their last day, and warn
    brokers, once, the day a gap in someone's care becomes likely."""
    today = timezone.localdate(now)
    ended = warned = 0
    for handback in handbacks_due_to_end(today=today):
        with transaction.atomic():
            package_end(
                actor=None,
                package=handback.package,
                ends_on=handback.last_day,
                reason=(f"Handed back by {handback.organisation}: {handback.get_reason_display()}")[
                    :300
                ],
                now=now,
            )
            ended += 1
    for handback in handbacks_gap_unwarned():
        new = handback.replacement
        if new is None or new.stage == Stage.PLACED.value:
            continue
        days_left = (handback.last_day - today).days
        if days_left > gap_warning_days() and new.stage != Stage.AVAILABLE.value:
            continue
        with transaction.atomic():
            locked = Handback.objects.select_for_update().get(pk=handback.pk)
            if locked.gap_warned_at is not None:
                continue
            locked.gap_warned_at = now
            locked.save(update_fields=["gap_warned_at"])
            audit_record(
                actor=None,
                action="handback.gap_warned",
                obj=locked,
                at=now,
                data={"replacement": new.reference, "stage": new.stage, "days_left": days_left},
            )
            notification_send(
                recipients=_brokers(),
                event="sourcing.handback_gap_likely",
                subject=f"A gap in care is likely: {new.reference} is not placed",
                body=(
                    f"{handback.organisation}'s last day on {handback.package.reference} is"
                    f" {handback.last_day:%A %d %B %Y} and {new.reference} is"
                    f" {new.get_stage_display().lower()}. Consider a mini-competition, a spot"
                    " purchase or asking the provider to stay on."
                ),
                url=reverse("sourcing:package-detail", args=[new.pk]),
                now=now,
            )
            warned += 1
    return {"ended": ended, "warned": warned}
