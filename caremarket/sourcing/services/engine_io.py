"""Between the database and the pure engine: load a package's state, run a step, save the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from caremarket.audit.services import audit_record
from caremarket.common.errors import Conflict
from caremarket.framework.models import Provider
from caremarket.framework.selectors.providers import provider_users
from caremarket.framework.selectors.ranked_lists import ranked_list_in_force
from caremarket.framework.services.purchase_orders import purchase_order_issue
from caremarket.notifications.services import notification_send
from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.model import (
    Decision,
    Outcome,
    PackageState,
    RankedList,
    Route,
    Stage,
)
from caremarket.sourcing.engine.model import (
    Offer as EngineOffer,
)
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE, SourcingRules
from caremarket.sourcing.models import Offer, Package, SourcingDecision
from caremarket.sourcing.selectors.batching import interested_providers
from caremarket.sourcing.selectors.handbacks import providers_passed_over

_FRAMEWORK_ROUTES = {Route.TIER1.value, Route.BATCHING.value, Route.TIER2.value}


def sourcing_rules() -> SourcingRules:
    """The timetable in force: the council's, unless settings name another."""
    path = getattr(settings, "SOURCING_RULES", None)
    return import_string(path) if path else COUNCIL_TIMETABLE


def package_lock(package_id: int) -> Package:
    # Serialises every change to one package: two answers can never both win.
    return Package.objects.select_for_update().select_related("lot__district").get(pk=package_id)


def ranked_for(package: Package, now: dt.datetime) -> RankedList:
    listed = ranked_list_in_force(lot=package.lot, on=sourcing_rules().calendar.local(now).date())
    # A provider handing this person's care back is not offered it again (decision 0092).
    passed_over = providers_passed_over(package=package)
    return RankedList(
        version_id=listed.version_id or 0,
        tier1=tuple(e.provider_id for e in listed.tier1 if e.provider_id not in passed_over),
        tier2=tuple(e.provider_id for e in listed.tier2 if e.provider_id not in passed_over),
    )


def state_of(package: Package) -> PackageState:
    offers = [
        EngineOffer(
            provider_id=o.provider_id,
            stage=Stage(o.stage),
            offered_at=o.offered_at,
            deadline=o.deadline,
            list_version_id=o.list_version_id,
            outcome=Outcome(o.outcome) if o.outcome else None,
            answered_at=o.answered_at,
            reason=o.reason,
        )
        for o in package.offers.order_by("seq")
    ]
    return PackageState(
        id=package.pk,
        created_at=package.created_at,
        stage=Stage(package.stage),
        offers=offers,
        queue=[],
        awaiting_batching=package.awaiting_batching,
        batching_closes_at=package.batching_closes_at,
        awaiting_available_list=package.awaiting_available_list,
        placed_with=None,
        placed_at=package.placed_at,
        route=Route(package.route) if package.route else None,
    )


def run_step(
    *,
    package: Package,
    step: Callable[[PackageState, RankedList, SourcingRules], list[Decision]],
    now: dt.datetime,
    actor: Any,
    action: str,
    answered_by: Any = None,
) -> list[Decision]:
    """Run one engine step on a locked package and persist everything it changed."""
    rules = sourcing_rules()
    ranked = ranked_for(package, now)
    state = state_of(package)
    state.queue = rebuild_queue(package, state, ranked)
    try:
        decisions = step(state, ranked, rules)
    except decide.EngineError as exc:
        raise Conflict(str(exc)) from None
    save_state(
        package=package,
        state=state,
        decisions=decisions,
        now=now,
        actor=actor,
        answered_by=answered_by,
    )
    if decisions:
        audit_record(
            actor=actor,
            action=action,
            obj=package,
            at=now,
            changes={"stage": [None, state.stage.value]},
            data={"decisions": [d.reason for d in decisions]},
        )
    return decisions


def rebuild_queue(package: Package, state: PackageState, ranked: RankedList) -> list[int]:
    tried = {o.provider_id for o in state.offers if o.stage == state.stage}
    if state.stage == Stage.TIER1:
        return [p for p in ranked.tier1 if p not in tried]
    if state.stage == Stage.TIER2:
        return [p for p in ranked.tier2 if p not in tried]
    if state.stage == Stage.BATCHING and state.batching_closes_at is None:
        interested = set(interested_providers(package=package))
        return [p for p in ranked.tier1 if p in interested and p not in tried]
    return []


def save_state(
    *,
    package: Package,
    state: PackageState,
    decisions: list[Decision],
    now: dt.datetime,
    actor: Any,
    answered_by: Any = None,
) -> None:
    previous_stage = package.stage
    package.stage = state.stage.value
    package.awaiting_batching = state.awaiting_batching
    package.awaiting_available_list = state.awaiting_available_list
    package.batching_closes_at = state.batching_closes_at
    package.placed_at = state.placed_at
    package.route = state.route.value if state.route else ""
    if state.placed_with is not None and state.route and state.route.value in _FRAMEWORK_ROUTES:
        package.placed_with = Provider.objects.get(pk=state.placed_with).organisation
    package.save()
    existing = {o.seq: o for o in package.offers.all()}
    new_offers = []
    for seq, offer in enumerate(state.offers):
        row = existing.get(seq)
        outcome = offer.outcome.value if offer.outcome else ""
        if row is None:
            row = Offer.objects.create(
                package=package,
                seq=seq,
                provider_id=offer.provider_id,
                stage=offer.stage.value,
                offered_at=offer.offered_at,
                deadline=offer.deadline,
                list_version_id=offer.list_version_id or None,
                outcome=outcome,
                answered_at=offer.answered_at,
                reason=offer.reason,
            )
            new_offers.append(row)
        elif row.outcome != outcome:
            row.outcome = outcome
            row.answered_at = offer.answered_at
            row.reason = offer.reason
            if answered_by is not None and outcome in (
                Outcome.ACCEPTED.value,
                Outcome.DECLINED.value,
            ):
                row.answered_by = answered_by
            row.save(update_fields=["outcome", "answered_at", "reason", "answered_by"])
    SourcingDecision.objects.bulk_create(
        [
            SourcingDecision(
                package=package,
                at=d.at,
                kind=d.kind,
                stage=d.stage.value,
                reason=d.reason,
                provider_id=d.provider_id
                if d.provider_id and d.kind in ("offer", "declined", "lapsed")
                else None,
                list_version_id=d.list_version_id or None,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                strategic_partner=d.strategic_partner,
                round_fit_used=d.round_fit_used,
            )
            for d in decisions
        ]
    )
    for offer_row in new_offers:
        _notify_offer(offer_row, now)
    if package.stage == Stage.PLACED.value and previous_stage != Stage.PLACED.value:
        _on_placed(package, now)


def _notify_offer(offer: Offer, now: dt.datetime) -> None:
    package = offer.package
    notification_send(
        recipients=provider_users(providers=[offer.provider]),
        event="sourcing.offer_made",
        subject=f"Package offered to you: {package.lot} ({package.hours_per_week} hours a week)",
        body=(
            f"{package.reference} in {package.outward_code}, "
            f"starting {package.start_date:%d %B %Y}, "
            f"{package.visit_pattern}. "
            f"Please answer by {timezone.localtime(offer.deadline):%H:%M on %A %d %B}."
        ),
        url=reverse("sourcing:offer-list"),
        now=now,
    )


def _on_placed(package: Package, now: dt.datetime) -> None:
    if package.route in _FRAMEWORK_ROUTES:
        provider = Provider.objects.get(organisation=package.placed_with)
        # Issued by the platform on acceptance, at the rate in force on the start date.
        purchase_order_issue(
            package_reference=package.reference,
            provider=provider,
            lot=package.lot,
            hours_per_week=package.hours_per_week,
            starts_on=package.start_date,
            actor=None,
            now=now,
        )
    # The broker is not told of each placement: only exceptions reach them (issue 16 item 9).
