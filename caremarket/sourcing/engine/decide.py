"""What happens next to a package. Each function changes the package state and returns the
decisions it took, with reasons, so the caller can record them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from caremarket.sourcing.engine.calendar import WorkingCalendar
from caremarket.sourcing.engine.model import (
    Decision,
    Offer,
    Outcome,
    PackageState,
    PassedOver,
    RankedList,
    Route,
    Stage,
)
from caremarket.sourcing.engine.rules import SourcingRules
from caremarket.sourcing.engine.timetable import is_late

# Instants read back from the database are UTC; every time in a message is the council's.
local = WorkingCalendar.local


class EngineError(Exception):
    """A request that the package's state does not allow; the message says why."""


_ROUTE_FOR_STAGE = {
    Stage.TIER1: Route.TIER1,
    Stage.BATCHING: Route.BATCHING,
    Stage.TIER2: Route.TIER2,
    Stage.AVAILABLE: Route.AVAILABLE,
}


def _stage(
    pkg: PackageState, stage: Stage, now: dt.datetime, reason: str, ranked: RankedList | None
) -> Decision:
    pkg.stage = stage
    return Decision(
        at=now,
        kind="stage",
        reason=reason,
        stage=stage,
        list_version_id=ranked.version_id if ranked else None,
    )


def _offer_next(
    pkg: PackageState, ranked: RankedList, now: dt.datetime, rules: SourcingRules
) -> list[Decision]:
    """Offer to the next provider in the current queue, or say what the exhausted queue means."""
    tried = {o.provider_id for o in pkg.offers if o.stage == pkg.stage}
    while pkg.queue and pkg.queue[0] in tried:
        pkg.queue.pop(0)
    if pkg.queue:
        provider = pkg.queue.pop(0)
        tier = 2 if pkg.stage == Stage.TIER2 else 1
        position = ranked.position(provider)
        deadline = rules.offer_deadline(now=now, tier=tier, urgent=pkg.urgent)
        pkg.offers.append(
            Offer(
                provider_id=provider,
                stage=pkg.stage,
                offered_at=now,
                deadline=deadline,
                list_version_id=ranked.version_id,
                tier=position[0] if position else None,
                position=position[1] if position else None,
            )
        )
        where = f"tier {position[0]} position {position[1]}" if position else "not on the list"
        why = {
            Stage.TIER1: "next in rank order on tier 1",
            Stage.BATCHING: "best-ranked provider interested on the Batching List",
            Stage.TIER2: "next in rank order on tier 2",
        }.get(pkg.stage, "offer")
        return [
            Decision(
                at=now,
                kind="offer",
                reason=f"Offered to {where} ({why}); answer due {local(deadline):%a %d %b %H:%M}.",
                stage=pkg.stage,
                provider_id=provider,
                list_version_id=ranked.version_id,
            )
        ]
    if pkg.stage == Stage.TIER1:
        if rules.batching_enabled:
            pkg.awaiting_batching = True
            return [
                Decision(
                    at=now,
                    kind="wait",
                    stage=pkg.stage,
                    list_version_id=ranked.version_id,
                    reason=(
                        "Every tier-1 provider has been offered the package; "
                        "it waits for the next Batching List."
                    ),
                )
            ]
        return _enter_tier2(
            pkg, ranked, now, rules, "Tier 1 exhausted and batching is switched off."
        )
    if pkg.stage == Stage.BATCHING:
        return _enter_tier2(
            pkg,
            ranked,
            now,
            rules,
            "No interested tier-1 provider took the package from the Batching List.",
        )
    if pkg.stage == Stage.TIER2:
        pkg.awaiting_available_list = True
        out = [
            _stage(
                pkg,
                Stage.AVAILABLE,
                now,
                "Every tier-2 provider has been offered the package; "
                "it goes on the next Available Packages list.",
                ranked,
            )
        ]
        return out
    raise EngineError(f"Nothing to offer at stage {pkg.stage}.")


def _enter_tier2(
    pkg: PackageState, ranked: RankedList, now: dt.datetime, rules: SourcingRules, reason: str
) -> list[Decision]:
    pkg.awaiting_batching = False
    pkg.batching_closes_at = None
    pkg.queue = list(ranked.tier2)
    out = [_stage(pkg, Stage.TIER2, now, reason, ranked)]
    return out + _offer_next(pkg, ranked, now, rules)


def package_start(
    pkg: PackageState,
    *,
    ranked: RankedList,
    now: dt.datetime,
    rules: SourcingRules,
    partner_id: int | None = None,
    partner_area: str = "",
) -> list[Decision]:
    """Start at tier 1; with a strategic partner for the area, offer it the package first."""
    if pkg.stage != Stage.NEW:
        raise EngineError("The package has already started sourcing.")
    pkg.queue = list(ranked.tier1)
    out = [
        _stage(
            pkg,
            Stage.TIER1,
            now,
            f"Sourcing started on ranked list version {ranked.version_id}.",
            ranked,
        )
    ]
    if partner_id is not None:
        return out + _offer_partner(pkg, partner_id, partner_area, ranked, now, rules)
    return out + _offer_next(pkg, ranked, now, rules)


def _offer_partner(
    pkg: PackageState,
    partner_id: int,
    area: str,
    ranked: RankedList,
    now: dt.datetime,
    rules: SourcingRules,
) -> list[Decision]:
    """One offer with tier 1's answer window. It is a tier-1 stage offer, so if the partner
    declines or lets it lapse the ranked list carries on without offering it again."""
    deadline = rules.offer_deadline(now=now, tier=1, urgent=pkg.urgent)
    position = ranked.position(partner_id)
    pkg.offers.append(
        Offer(
            provider_id=partner_id,
            stage=Stage.TIER1,
            offered_at=now,
            deadline=deadline,
            list_version_id=ranked.version_id,
            tier=position[0] if position else None,
            position=position[1] if position else None,
        )
    )
    pkg.queue = [p for p in pkg.queue if p != partner_id]
    where = f" for {area}" if area else ""
    return [
        Decision(
            at=now,
            kind="offer",
            reason=(
                f"Offered first to the strategic partner{where}; if it declines or the offer "
                "lapses, tier 1 follows in rank order. "
                f"Answer due {local(deadline):%a %d %b %H:%M}."
            ),
            stage=Stage.TIER1,
            provider_id=partner_id,
            list_version_id=ranked.version_id,
            strategic_partner=True,
        )
    ]


def offer_answer(
    pkg: PackageState,
    *,
    provider_id: int,
    accept: bool,
    reason: str,
    ranked: RankedList,
    now: dt.datetime,
    rules: SourcingRules,
) -> list[Decision]:
    offer = pkg.open_offer
    if offer is None or offer.provider_id != provider_id:
        raise EngineError("This provider has no open offer for the package.")
    if now > offer.deadline:
        raise EngineError(
            f"The offer closed at {local(offer.deadline):%H:%M on %d %b %Y}; "
            "it can no longer be answered."
        )
    offer.answered_at = now
    offer.reason = reason
    if accept:
        offer.outcome = Outcome.ACCEPTED
        return _place(
            pkg,
            provider_id=provider_id,
            route=_ROUTE_FOR_STAGE[offer.stage],
            now=now,
            ranked=ranked,
            reason=f"Accepted by the provider{': ' + reason if reason else ''}.",
        )
    offer.outcome = Outcome.DECLINED
    offer.passed_over = PassedOver.DECLINED
    out = [
        Decision(
            at=now,
            kind="declined",
            stage=pkg.stage,
            provider_id=provider_id,
            list_version_id=ranked.version_id,
            reason=f"Declined: {reason or 'no reason given'}.",
        )
    ]
    if pkg.stage == Stage.BATCHING and pkg.batching_closes_at is not None:
        return out  # a tier-1 offer still open at 16:00 ends; the Batching List decides next
    return out + _offer_next(pkg, ranked, now, rules)


def offer_lapse(
    pkg: PackageState, *, ranked: RankedList, now: dt.datetime, rules: SourcingRules
) -> list[Decision]:
    """Close an open offer whose deadline has passed and move on."""
    offer = pkg.open_offer
    if offer is None or now < offer.deadline:
        return []
    offer.outcome = Outcome.LAPSED
    offer.passed_over = PassedOver.LAPSED
    offer.answered_at = offer.deadline
    out = [
        Decision(
            at=now,
            kind="lapsed",
            stage=pkg.stage,
            provider_id=offer.provider_id,
            list_version_id=ranked.version_id,
            reason=f"No answer by {local(offer.deadline):%H:%M on %d %b}: the offer lapsed.",
        )
    ]
    if pkg.stage == Stage.BATCHING and pkg.batching_closes_at is not None:
        return out
    return out + _offer_next(pkg, ranked, now, rules)


def offer_withdraw(
    pkg: PackageState,
    *,
    provider_id: int,
    because: PassedOver,
    reason: str,
    ranked: RankedList,
    now: dt.datetime,
    rules: SourcingRules,
) -> list[Decision]:
    """The council withdraws a provider's open offer (say, its agreement ended) and moves on,
    exactly as after a decline: the next provider in rank order is offered the package."""
    offer = pkg.open_offer
    if offer is None or offer.provider_id != provider_id:
        return []
    offer.outcome = Outcome.WITHDRAWN
    offer.passed_over = because
    offer.answered_at = now
    offer.reason = reason
    out = [
        Decision(
            at=now,
            kind="withdrawn",
            stage=pkg.stage,
            provider_id=provider_id,
            list_version_id=ranked.version_id,
            reason=f"Offer withdrawn: {reason}",
        )
    ]
    if pkg.stage == Stage.BATCHING and pkg.batching_closes_at is not None:
        return out  # the Batching List's close decides who is offered it next
    return out + _offer_next(pkg, ranked, now, rules)


def batching_issue(
    packages: Iterable[PackageState],
    *,
    now: dt.datetime,
    rules: SourcingRules,
    due_at: dt.datetime | None = None,
) -> tuple[list[PackageState], dt.datetime | None, dict[int, list[Decision]]]:
    """Put every package still at tier 1 on the Batching List. No list when nothing is left.

    A list issued late (`due_at` before `now`) closes when the list due then would have: the
    returns window belongs to the timetable, not to when the worker came back.
    """
    listed = [p for p in packages if p.stage == Stage.TIER1]
    if not listed:
        return [], None, {}
    due = due_at or now
    late = is_late(due_at=due, done_at=now)
    closes = rules.batching_close(due)
    decisions: dict[int, list[Decision]] = {}
    for pkg in listed:
        pkg.stage = Stage.BATCHING
        pkg.awaiting_batching = False
        pkg.batching_closes_at = closes
        pkg.queue = []
        decisions[pkg.id] = [
            Decision(
                at=now,
                kind="batching",
                stage=Stage.BATCHING,
                reason=(
                    f"Still unsourced at {local(due):%H:%M}: on the Batching List "
                    f"to tier-1 providers, returns due {local(closes):%a %d %b %H:%M}."
                    + (f" Issued late, at {local(now):%H:%M}." if late else "")
                ),
            )
        ]
    return listed, closes, decisions


def batching_close(
    pkg: PackageState,
    *,
    interested: Iterable[int],
    ranked: RankedList,
    now: dt.datetime,
    rules: SourcingRules,
) -> list[Decision]:
    """Returns are in: offer to the best-ranked interested tier-1 provider, then the next."""
    if pkg.stage != Stage.BATCHING or pkg.batching_closes_at is None:
        return []
    pkg.batching_closes_at = None
    open_offer = pkg.open_offer
    tier1 = [p for p in ranked.tier1 if p in set(interested)]
    out = [
        Decision(
            at=now,
            kind="batching_closed",
            stage=pkg.stage,
            list_version_id=ranked.version_id,
            reason=(f"Batching List returns closed: {len(tier1)} interested tier-1 provider(s)."),
        )
    ]
    if open_offer is not None:
        # An offer made before 16:00 is still running; its answer decides first.
        pkg.queue = [p for p in tier1 if p != open_offer.provider_id]
        return out
    pkg.queue = tier1
    return out + _offer_next(pkg, ranked, now, rules)


def available_list_issue(
    packages: Iterable[PackageState], *, now: dt.datetime
) -> list[PackageState]:
    listed = [p for p in packages if p.stage == Stage.AVAILABLE and p.awaiting_available_list]
    for pkg in listed:
        pkg.awaiting_available_list = False
    return listed


def _place(
    pkg: PackageState,
    *,
    provider_id: int,
    route: Route,
    now: dt.datetime,
    ranked: RankedList | None,
    reason: str,
) -> list[Decision]:
    for offer in pkg.offers:
        if offer.is_open and offer.provider_id != provider_id:
            offer.outcome = Outcome.WITHDRAWN
            offer.answered_at = now
    pkg.placed_with = provider_id
    pkg.placed_at = now
    pkg.route = route
    pkg.queue = []
    pkg.awaiting_batching = pkg.awaiting_available_list = False
    pkg.batching_closes_at = None
    return [
        _stage(
            pkg, Stage.PLACED, now, f"Placed ({route.value.replace('_', ' ')}). {reason}", ranked
        )
    ]


def package_place_directly(
    pkg: PackageState, *, provider_id: int, route: Route, now: dt.datetime, reason: str
) -> list[Decision]:
    """A broker places a package from the Available Packages list, a mini-competition or spot."""
    if not pkg.is_open:
        raise EngineError(f"The package is {pkg.stage.value}; it cannot be placed.")
    if (
        route in (Route.AVAILABLE, Route.MINI_COMPETITION, Route.SPOT)
        and pkg.stage != Stage.AVAILABLE
    ):
        raise EngineError(
            "Only a package on the Available Packages list goes to a proposal, "
            "mini-competition or spot purchase."
        )
    return _place(pkg, provider_id=provider_id, route=route, now=now, ranked=None, reason=reason)


def package_cancel(pkg: PackageState, *, now: dt.datetime, reason: str) -> list[Decision]:
    if not pkg.is_open:
        raise EngineError(f"The package is {pkg.stage.value}; it cannot be cancelled.")
    for offer in pkg.offers:
        if offer.is_open:
            offer.outcome = Outcome.WITHDRAWN
            offer.answered_at = now
    pkg.queue = []
    return [_stage(pkg, Stage.CANCELLED, now, f"Cancelled: {reason}", None)]
