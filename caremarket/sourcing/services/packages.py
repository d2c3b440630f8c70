"""Creating, placing, cancelling and ending packages."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotPermitted, ValidationFailed
from caremarket.common.services import model_full_clean
from caremarket.framework.models import Lot, Provider
from caremarket.framework.services.purchase_orders import (
    purchase_order_change_hours,
    purchase_order_end,
    purchase_order_issue_agreed,
)
from caremarket.geography.selectors import postcode_locate
from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.model import Decision, Route, Stage
from caremarket.sourcing.models import Package, RateProposal
from caremarket.sourcing.selectors.handbacks import providers_passed_over
from caremarket.sourcing.selectors.partners import partnership_for
from caremarket.sourcing.services.engine_io import package_lock, run_step

NOT_BROKER = "Only brokers can create and place packages."
MAX_HOURS = Decimal("168")


def _require_broker(actor: User | None) -> None:
    if actor is not None and not actor.has_perm("sourcing.manage_packages"):
        raise NotPermitted(NOT_BROKER)


def provisional_reference() -> str:
    """A placeholder until the row has its number: reading max+1 first lets two creates race."""
    return f"new-{uuid.uuid4().hex[:12]}"


def package_reference_assign(package: Package) -> None:
    """The reference is the row's number, as purchase orders do it (decision 0070)."""
    package.reference = f"PKG-{package.pk:06d}"
    package.save(update_fields=["reference"])


@transaction.atomic
def package_create(
    *,
    actor: User | None,
    person_reference: str,
    postcode: str,
    service_type: str,
    cohort: str,
    hours_per_week: Decimal,
    visit_pattern: str,
    start_date: dt.date,
    needs: str = "",
    urgency: str = "routine",
    now: dt.datetime,
) -> Package:
    """Record a package and start sourcing it at once through the ranked list in force."""
    _require_broker(actor)
    where = postcode_locate(postcode=postcode)
    if where.district is None or not where.district.in_council_area:
        raise ValidationFailed({"postcode": [f"{postcode.upper()} is not in the council's area."]})
    if not Decimal("0") < hours_per_week <= MAX_HOURS:
        raise ValidationFailed(
            {"hours_per_week": ["Hours a week must be more than 0 and at most 168."]}
        )
    if start_date < timezone.localdate(now):
        raise ValidationFailed({"start_date": ["The start date cannot be in the past."]})
    lot = Lot.objects.filter(
        district=where.district, service_type=service_type, cohort=cohort
    ).first()
    if lot is None:
        raise ValidationFailed(
            {
                "service_type": [
                    f"There is no framework lot for {service_type} / {cohort} in {where.district}."
                ]
            }
        )
    package = Package(
        reference=provisional_reference(),
        person_reference=person_reference.strip(),
        postcode=where.postcode or postcode.upper(),
        outward_code=where.outward_code,
        district=where.district,
        lot=lot,
        hours_per_week=hours_per_week,
        visit_pattern=visit_pattern.strip(),
        start_date=start_date,
        needs=needs.strip(),
        urgency=urgency,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )
    model_full_clean(package)
    package.save()
    package_reference_assign(package)
    audit_record(
        actor=actor,
        action="package.created",
        obj=package,
        at=now,
        data={
            "lot": str(lot),
            "hours_per_week": hours_per_week,
            "start_date": start_date,
            "exact_postcode": where.exact,
        },
    )
    partner_id, area = _partner_first(package, now)
    run_step(
        package=package,
        now=now,
        actor=actor,
        action="package.sourcing_started",
        step=lambda state, ranked, rules: decide.package_start(
            state, ranked=ranked, now=now, rules=rules, partner_id=partner_id, partner_area=area
        ),
    )
    return package


def _partner_first(package: Package, now: dt.datetime) -> tuple[int | None, str]:
    """The area's strategic partner, unless it has left the framework or handed this care back."""
    today = timezone.localdate(now)
    partnership = partnership_for(package=package, on=today)
    if partnership is None:
        return None, ""
    partner = partnership.provider
    if not partner.is_active or (partner.left_on is not None and partner.left_on <= today):
        return None, ""
    if partner.pk in providers_passed_over(package=package):
        return None, ""
    return partner.pk, package.outward_code


@transaction.atomic
def package_cancel(
    *, actor: User | None, package: Package, reason: str, now: dt.datetime
) -> Package:
    _require_broker(actor)
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why the package is cancelled."]})
    package = package_lock(package.pk)
    run_step(
        package=package,
        now=now,
        actor=actor,
        action="package.cancelled",
        step=lambda state, ranked, rules: decide.package_cancel(
            state, now=now, reason=reason.strip()
        ),
    )
    package.closed_reason = reason.strip()
    package.cancelled_at = now
    package.save(update_fields=["closed_reason", "cancelled_at"])
    return package


@transaction.atomic
def package_end(
    *, actor: User | None, package: Package, ends_on: dt.date, reason: str, now: dt.datetime
) -> Package:
    """The care has finished (the person moved, went into a care home, or died).

    `ends_on` is the last day of care. The current purchase order ends with it, so the
    market figures and the provider's orders agree on when the care stopped.
    """
    _require_broker(actor)
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why the care has ended."]})
    package = package_lock(package.pk)
    if package.stage != Stage.PLACED.value:
        raise ValidationFailed(
            f"{package.reference} is {package.get_stage_display().lower()}: "
            "only a placed package can be ended."
        )
    if ends_on < package.start_date:
        raise ValidationFailed(
            {
                "ends_on": [
                    f"The last day of care cannot be before the start date, "
                    f"{package.start_date:%d %B %Y}. Cancel the package if care never started."
                ]
            }
        )
    if ends_on > timezone.localdate(now):
        raise ValidationFailed(
            {"ends_on": ["The last day of care cannot be in the future: record it once it ends."]}
        )
    purchase_order_end(
        package_reference=package.reference, ends_on=ends_on, reason=reason, actor=actor, now=now
    )
    package.stage = Stage.ENDED.value
    package.ended_on = ends_on
    package.closed_reason = reason.strip()
    package.save(update_fields=["stage", "ended_on", "closed_reason"])
    audit_record(
        actor=actor,
        action="package.ended",
        obj=package,
        at=now,
        changes={"stage": [Stage.PLACED.value, Stage.ENDED.value], "ended_on": [None, ends_on]},
        data={"reason": reason.strip()},
    )
    return package


def _round_fit_marked(decisions: list[Decision], used: bool | None) -> list[Decision]:
    """The broker's choice records whether round fit was in front of them (decision 0094)."""
    for d in decisions:
        d.round_fit_used = used
    return decisions


def _place_at_agreed_rate(
    *,
    actor: User | None,
    package: Package,
    organisation: Any,
    rate: Decimal,
    route: Route,
    reason: str,
    now: dt.datetime,
    round_fit_used: bool | None = None,
) -> None:
    """Placements outside the price matrix are ordered at the agreed rate (decision 0074).

    A spot purchase, or a proposal from an agency without a framework agreement, is bought
    off the framework: its order is marked spot.
    """
    package.placed_with = organisation
    package.agreed_rate = rate
    package.save(update_fields=["placed_with", "agreed_rate"])
    run_step(
        package=package,
        now=now,
        actor=actor,
        action="package.placed",
        step=lambda state, ranked, rules: _round_fit_marked(
            decide.package_place_directly(
                state, provider_id=organisation.pk, route=route, now=now, reason=reason
            ),
            round_fit_used,
        ),
    )
    on_framework = Provider.objects.filter(organisation=organisation, is_active=True).exists()
    purchase_order_issue_agreed(
        package_reference=package.reference,
        organisation=organisation,
        lot=package.lot,
        hours_per_week=package.hours_per_week,
        rate=rate,
        spot=route == Route.SPOT or not on_framework,
        starts_on=package.start_date,
        actor=actor,
        now=now,
    )


@transaction.atomic
def package_place_from_proposal(
    *,
    actor: User | None,
    proposal: RateProposal,
    now: dt.datetime,
    round_fit_used: bool | None = None,
) -> Package:
    """Take a provider's proposal from the Available Packages list."""
    _require_broker(actor)
    package = package_lock(proposal.package_id)
    proposal = RateProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != RateProposal.Status.OPEN:
        raise ValidationFailed("This proposal is no longer open.")
    _place_at_agreed_rate(
        actor=actor,
        package=package,
        organisation=proposal.organisation,
        rate=proposal.rate,
        route=Route.AVAILABLE,
        now=now,
        round_fit_used=round_fit_used,
        reason=f"Proposal from {proposal.organisation} at £{proposal.rate} accepted.",
    )
    RateProposal.objects.filter(package=package, status=RateProposal.Status.OPEN).exclude(
        pk=proposal.pk
    ).update(status=RateProposal.Status.NOT_TAKEN)
    proposal.status = RateProposal.Status.ACCEPTED
    proposal.save(update_fields=["status"])
    return package


@transaction.atomic
def package_place_directly(
    *,
    actor: User | None,
    package: Package,
    organisation: Any,
    rate: Decimal,
    route: str,
    note: str,
    now: dt.datetime,
    round_fit_used: bool | None = None,
) -> Package:
    """Place after a mini-competition, or buy spot at the provider's own price: the last resorts."""
    _require_broker(actor)
    if route not in (Route.MINI_COMPETITION.value, Route.SPOT.value):
        raise ValidationFailed({"route": ["Choose mini-competition or spot purchase."]})
    if rate <= 0:
        raise ValidationFailed({"rate": ["The agreed rate must be more than £0."]})
    package = package_lock(package.pk)
    _place_at_agreed_rate(
        actor=actor,
        package=package,
        organisation=organisation,
        rate=rate,
        route=Route(route),
        now=now,
        round_fit_used=round_fit_used,
        reason=f"{organisation} at £{rate}. {note}".strip(),
    )
    return package


@transaction.atomic
def package_change_hours(
    *,
    actor: User | None,
    package: Package,
    hours_per_week: Decimal,
    starts_on: dt.date,
    now: dt.datetime,
) -> Package:
    """A placed package's hours change from a date: its current order ends the day before and
    the next is issued (at the rate then in force, or the agreed rate kept, decision 0074).

    The package's own hours follow, so every page and figure reads the hours of the order.
    """
    _require_broker(actor)
    package = package_lock(package.pk)
    if package.stage != Stage.PLACED.value:
        raise ValidationFailed(
            f"{package.reference} is {package.get_stage_display().lower()}: "
            "only a placed package can change its hours."
        )
    if hours_per_week <= 0 or hours_per_week > MAX_HOURS:
        raise ValidationFailed(
            {"hours_per_week": [f"Hours a week must be more than 0 and at most {MAX_HOURS}."]}
        )
    if starts_on < timezone.localdate(now):
        raise ValidationFailed(
            {"starts_on": ["The change cannot take effect in the past: give today or later."]}
        )
    before = package.hours_per_week
    purchase_order_change_hours(
        package_reference=package.reference,
        hours_per_week=hours_per_week,
        starts_on=starts_on,
        actor=actor,
        now=now,
    )
    if hours_per_week != before:
        package.hours_per_week = hours_per_week
        package.save(update_fields=["hours_per_week"])
        audit_record(
            actor=actor,
            action="package.hours_changed",
            obj=package,
            at=now,
            changes={"hours_per_week": [before, hours_per_week]},
            data={"from": starts_on},
        )
    return package
