"""Between the database and the pure engine: load a package's state, run a step, save the result."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record, audit_record_changes
from caremarket.common.errors import Conflict
from caremarket.framework.models import Provider
from caremarket.framework.selectors.providers import provider_users
from caremarket.framework.selectors.ranked_lists import (
    RankedEntry,
    ranked_list_in_force,
    ranked_lists_in_force,
)
from caremarket.framework.selectors.ranked_lists import RankedList as InForce
from caremarket.framework.services.purchase_orders import purchase_order_issue
from caremarket.notifications.services import Message, notification_send, notification_send_many
from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.model import (
    Decision,
    Outcome,
    PackageState,
    PassedOver,
    RankedList,
    Route,
    Stage,
)
from caremarket.sourcing.engine.model import (
    Offer as EngineOffer,
)
from caremarket.sourcing.engine.rules import COUNCIL_TIMETABLE, SourcingRules
from caremarket.sourcing.models import Offer, Package, SourcingDecision, Urgency
from caremarket.sourcing.selectors.batching import (
    interested_providers,
    interested_providers_many,
    round_fit_shown_on_lists,
)
from caremarket.sourcing.selectors.handbacks import (
    providers_passed_over,
    providers_passed_over_many,
)

logger = logging.getLogger(__name__)

_FRAMEWORK_ROUTES = {Route.TIER1.value, Route.BATCHING.value, Route.TIER2.value}


def sourcing_rules() -> SourcingRules:
    """The timetable in force: the council's, unless settings name another."""
    path = getattr(settings, "SOURCING_RULES", None)
    return import_string(path) if path else COUNCIL_TIMETABLE


def package_lock(package_id: int) -> Package:
    # Serialises every change to one package: two answers can never both win.
    return Package.objects.select_for_update().select_related("lot__district").get(pk=package_id)


@dataclass(frozen=True)
class SetAside:
    """A provider on the issued list that sourcing offers nothing, and why (decision 0073)."""

    entry: RankedEntry
    because: PassedOver

    @property
    def reason(self) -> str:
        place = f"tier {self.entry.tier}, position {self.entry.position}"
        if self.because == PassedOver.LEFT_FRAMEWORK:
            left = self.entry.left_on
            assert left is not None
            return f"Not offered ({place}): left the framework on {left.day} {left:%B %Y}."
        return f"Not offered ({place}): no longer meets the tier-1 standard."


def ranked_and_set_aside(package: Package, now: dt.datetime) -> tuple[RankedList, list[SetAside]]:
    """The engine's list for the package, with the issued positions, and who was left out."""
    listed = ranked_list_in_force(lot=package.lot, on=sourcing_rules().calendar.local(now).date())
    # A provider handing this person's care back is not offered it again (decision 0092).
    return _ranked(listed, providers_passed_over(package=package))


def _ranked(listed: InForce, handed_back: set[int]) -> tuple[RankedList, list[SetAside]]:
    set_aside = [SetAside(e, PassedOver.LEFT_FRAMEWORK) for e in listed.set_aside]
    # Tier 1 is for providers meeting its standard: one that stopped meeting it is passed over
    # on tier 1 until it meets it again or the next issued version moves it.
    set_aside += [
        SetAside(e, PassedOver.NO_LONGER_ELIGIBLE) for e in listed.tier1 if e.eligibility_lost
    ]
    skipped = handed_back | {s.entry.provider_id for s in set_aside}
    ranked = RankedList(
        version_id=listed.version_id or 0,
        tier1=tuple(e.provider_id for e in listed.tier1 if e.provider_id not in skipped),
        tier2=tuple(e.provider_id for e in listed.tier2 if e.provider_id not in skipped),
        positions={e.provider_id: (e.tier, e.position) for e in listed.entries},
    )
    return ranked, set_aside


def ranked_for(package: Package, now: dt.datetime) -> RankedList:
    return ranked_and_set_aside(package, now)[0]


def state_of(package: Package, offers: list[Offer] | None = None) -> PackageState:
    """The engine's view of the package; `offers` are its rows in `seq` order, if read already."""
    rows = offers if offers is not None else package.offers.order_by("seq")
    engine_offers = [
        EngineOffer(
            provider_id=o.provider_id,
            stage=Stage(o.stage),
            offered_at=o.offered_at,
            deadline=o.deadline,
            list_version_id=o.list_version_id,
            outcome=Outcome(o.outcome) if o.outcome else None,
            answered_at=o.answered_at,
            reason=o.reason,
            tier=o.tier,
            position=o.position,
            passed_over=PassedOver(o.passed_over) if o.passed_over else None,
        )
        for o in rows
    ]
    return PackageState(
        id=package.pk,
        created_at=package.created_at,
        stage=Stage(package.stage),
        offers=engine_offers,
        queue=[],
        awaiting_batching=package.awaiting_batching,
        batching_closes_at=package.batching_closes_at,
        awaiting_available_list=package.awaiting_available_list,
        placed_with=None,
        placed_at=package.placed_at,
        route=Route(package.route) if package.route else None,
        urgent=package.urgency == Urgency.URGENT,
    )


def run_step(
    *,
    package: Package,
    step: Callable[[PackageState, RankedList, SourcingRules], list[Decision]],
    now: dt.datetime,
    actor: User | None,
    action: str,
    answered_by: Any = None,
) -> list[Decision]:
    """Run one engine step on a locked package and persist everything it changed."""
    rules = sourcing_rules()
    ranked, set_aside = ranked_and_set_aside(package, now)
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
        set_aside=set_aside,
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


def offers_of(packages: list[Package]) -> dict[int, list[Offer]]:
    """Every package's offer rows, in `seq` order, in one query."""
    result: dict[int, list[Offer]] = {p.pk: [] for p in packages}
    for offer in Offer.objects.filter(package__in=[p.pk for p in packages]).order_by(
        "package_id", "seq"
    ):
        result[offer.package_id].append(offer)
    return result


@dataclass
class Stepped:
    """One package's part in a step over many: its new state, the decisions, who was left out."""

    package: Package
    state: PackageState
    decisions: list[Decision]
    set_aside: list[SetAside]


def run_steps(
    *,
    packages: list[Package],
    step_for: Callable[
        [Package], Callable[[PackageState, RankedList, SourcingRules], list[Decision]]
    ],
    now: dt.datetime,
    action: str,
) -> dict[int, list[Decision]]:
    """`run_step` for many locked packages in one go, as the system: what each package gets
    and the rows written are the same, but the ranked lists, hand-backs and offers are read
    once for all of them and the rows are inserted together (the timetable's list steps)."""
    rules = sourcing_rules()
    on = rules.calendar.local(now).date()
    lists = ranked_lists_in_force(lots=list({p.lot_id: p.lot for p in packages}.values()), on=on)
    handed_back = providers_passed_over_many(packages=packages)
    offers = offers_of(packages)
    # Only a package back from a closed list rebuilds its queue from the returns.
    interested = interested_providers_many(
        packages=[p for p in packages if _queue_from_returns(p.stage, p.batching_closes_at)]
    )
    stepped = []
    for package in packages:
        ranked, set_aside = _ranked(lists[package.lot_id], handed_back[package.pk])
        state = state_of(package, offers[package.pk])
        state.queue = rebuild_queue(package, state, ranked, interested.get(package.pk))
        try:
            decisions = step_for(package)(state, ranked, rules)
        except decide.EngineError as exc:
            raise Conflict(str(exc)) from None
        stepped.append(Stepped(package, state, decisions, set_aside))
    states_save(stepped=stepped, offers=offers, now=now)
    audit_record_changes(
        actor=None,
        action=action,
        records=[
            (
                s.package,
                {"stage": [None, s.state.stage.value]},
                {"decisions": [d.reason for d in s.decisions]},
            )
            for s in stepped
            if s.decisions
        ],
        at=now,
    )
    return {s.package.pk: s.decisions for s in stepped}


def run_steps_isolated(
    *,
    packages: list[Package],
    step_for: Callable[
        [Package], Callable[[PackageState, RankedList, SourcingRules], list[Decision]]
    ],
    now: dt.datetime,
    action: str,
) -> dict[int, list[Decision]]:
    """`run_steps` inside the caller's transaction, but one package the engine cannot step
    does not hold back the rest: stepped together, its failure would roll back the whole set,
    and the timetable would retry and fail the same way every minute after. The set is then
    stepped one package at a time, each in its own savepoint; a package that still fails is
    logged and left as it was, for the next run (or a person) to put right."""
    try:
        with transaction.atomic():
            return run_steps(packages=packages, step_for=step_for, now=now, action=action)
    except Exception:
        logger.exception("%s: stepping %d packages together failed", action, len(packages))
    done: dict[int, list[Decision]] = {}
    for package in packages:
        try:
            with transaction.atomic():
                # Read again: the failed attempt may have changed the instance in memory.
                fresh = package_lock(package.pk)
                done.update(run_steps(packages=[fresh], step_for=step_for, now=now, action=action))
        except Exception:
            logger.exception("Package %s: %s could not be stepped at %s", package.pk, action, now)
    return done


def _queue_from_returns(stage: str, batching_closes_at: dt.datetime | None) -> bool:
    return stage == Stage.BATCHING.value and batching_closes_at is None


def rebuild_queue(
    package: Package,
    state: PackageState,
    ranked: RankedList,
    interested: set[int] | None = None,
) -> list[int]:
    """The providers still to try at the package's stage. `interested` are the providers who
    ticked it on its latest Batching List, if read already (read here otherwise)."""
    tried = {o.provider_id for o in state.offers if o.stage == state.stage}
    if state.stage == Stage.TIER1:
        return [p for p in ranked.tier1 if p not in tried]
    if state.stage == Stage.TIER2:
        return [p for p in ranked.tier2 if p not in tried]
    if _queue_from_returns(state.stage.value, state.batching_closes_at):
        if interested is None:
            interested = set(interested_providers(package=package))
        return [p for p in ranked.tier1 if p in interested and p not in tried]
    return []


def save_state(
    *,
    package: Package,
    state: PackageState,
    decisions: list[Decision],
    now: dt.datetime,
    actor: User | None,
    answered_by: Any = None,
    set_aside: list[SetAside] | None = None,
) -> None:
    previous_stage = package.stage
    _apply(package, state)
    # The whole row: a caller may have changed other fields for this same step.
    package.save()
    _save_rest(
        stepped=[Stepped(package, state, decisions, set_aside or [])],
        offers={package.pk: list(package.offers.all())},
        previous_stage={package.pk: previous_stage},
        now=now,
        actor=actor,
        answered_by=answered_by,
    )


def states_save(
    *,
    stepped: list[Stepped],
    offers: dict[int, list[Offer]],
    now: dt.datetime,
    actor: User | None = None,
) -> None:
    """`save_state` for many packages: one UPDATE of the engine's fields, bulk inserts for the
    new offers, decisions and notifications. `offers` are the rows read before the step."""
    previous_stage = {s.package.pk: s.package.stage for s in stepped}
    for s in stepped:
        _apply(s.package, s.state)
    _update_grouped(Package, [s.package for s in stepped], _ENGINE_FIELDS)
    _save_rest(
        stepped=stepped,
        offers=offers,
        previous_stage=previous_stage,
        now=now,
        actor=actor,
        answered_by=None,
    )


_ENGINE_FIELDS = [
    "stage",
    "awaiting_batching",
    "awaiting_available_list",
    "batching_closes_at",
    "placed_at",
    "route",
    "placed_with",
]


def _update_grouped(model: Any, rows: list[Any], fields: list[str]) -> None:
    """Save `fields` of many rows with one UPDATE per set of new values (decision 0100): a
    step moves its packages and offers to a handful of states, and `bulk_update`'s CASE per
    row and field cost a list of hundreds of packages hundreds of milliseconds in Django
    alone (issue 13)."""
    attnames = [model._meta.get_field(f).attname for f in fields]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        groups.setdefault(tuple(getattr(row, a) for a in attnames), []).append(row.pk)
    for values, ids in groups.items():
        model.objects.filter(pk__in=ids).update(**dict(zip(attnames, values, strict=True)))


def _apply(package: Package, state: PackageState) -> None:
    package.stage = state.stage.value
    package.awaiting_batching = state.awaiting_batching
    package.awaiting_available_list = state.awaiting_available_list
    package.batching_closes_at = state.batching_closes_at
    package.placed_at = state.placed_at
    package.route = state.route.value if state.route else ""
    if state.placed_with is not None and state.route and state.route.value in _FRAMEWORK_ROUTES:
        package.placed_with = Provider.objects.get(pk=state.placed_with).organisation


def _save_rest(
    *,
    stepped: list[Stepped],
    offers: dict[int, list[Offer]],
    previous_stage: dict[int, str],
    now: dt.datetime,
    actor: User | None,
    answered_by: Any,
) -> None:
    new_offers: dict[int, list[Offer]] = {}
    answered: list[Offer] = []
    for s in stepped:
        package, state = s.package, s.state
        existing = {o.seq: o for o in offers[package.pk]}
        new_offers[package.pk] = []
        for seq, offer in enumerate(state.offers):
            row = existing.get(seq)
            outcome = offer.outcome.value if offer.outcome else ""
            if row is None:
                new_offers[package.pk].append(
                    Offer(
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
                        tier=offer.tier,
                        position=offer.position,
                        passed_over=offer.passed_over.value if offer.passed_over else "",
                    )
                )
            elif row.outcome != outcome:
                row.outcome = outcome
                row.answered_at = offer.answered_at
                row.reason = offer.reason
                row.passed_over = offer.passed_over.value if offer.passed_over else ""
                if answered_by is not None and outcome in (
                    Outcome.ACCEPTED.value,
                    Outcome.DECLINED.value,
                ):
                    row.answered_by = answered_by
                answered.append(row)
    # The answered rows before the inserts: a package has at most one open offer at a time.
    _update_grouped(
        Offer, answered, ["outcome", "answered_at", "reason", "answered_by", "passed_over"]
    )
    for row in answered:
        if row.outcome == Outcome.WITHDRAWN.value and row.passed_over:
            _notify_withdrawn(row, now)
    Offer.objects.bulk_create([o for rows in new_offers.values() for o in rows])
    recorded = _passed_over_recorded(stepped, new_offers)
    _batching_round_fit_mark(stepped)
    decision_rows = []
    for s in stepped:
        decision_rows += [
            SourcingDecision(
                package=s.package,
                at=d.at,
                kind=d.kind,
                stage=d.stage.value,
                reason=d.reason,
                provider_id=d.provider_id
                if d.provider_id and d.kind in ("offer", "declined", "lapsed", "withdrawn")
                else None,
                list_version_id=d.list_version_id or None,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                strategic_partner=d.strategic_partner,
                round_fit_used=d.round_fit_used,
            )
            for d in s.decisions
        ]
        # The engine never decides "passed_over" itself, so these read the same rows whether
        # the decisions above are inserted yet or not.
        decision_rows += _passed_over(
            s.package,
            new_offers[s.package.pk],
            s.set_aside,
            now,
            recorded_before=recorded,
            offered={o.provider_id for o in [*offers[s.package.pk], *new_offers[s.package.pk]]},
        )
    SourcingDecision.objects.bulk_create(decision_rows)
    _notify_offers([o for rows in new_offers.values() for o in rows], now)
    for s in stepped:
        package = s.package
        if package.stage == Stage.PLACED.value and previous_stage[package.pk] != Stage.PLACED.value:
            _on_placed(package, now)


def _batching_chooser(s: Stepped, d: Decision) -> int | None:
    """The provider a Batching List decision offers or places the package with, if any: the
    one whose ticks made that choice."""
    if d.kind == "offer" and d.stage == Stage.BATCHING:
        return d.provider_id
    if d.kind == "stage" and d.stage == Stage.PLACED and s.state.route == Route.BATCHING:
        return s.state.placed_with
    return None


def _batching_round_fit_mark(stepped: list[Stepped]) -> None:
    """A Batching List offer or placement records whether that provider's list showed it
    round fit for the package (decision 0094), read for every such decision at once and only
    when there is one, so other steps send nothing more."""
    chosen = [
        (d, s.package.pk, provider_id)
        for s in stepped
        for d in s.decisions
        if d.round_fit_used is None and (provider_id := _batching_chooser(s, d)) is not None
    ]
    if not chosen:
        return
    shown = round_fit_shown_on_lists(pairs={(pkg, provider) for _, pkg, provider in chosen})
    for d, package_id, provider_id in chosen:
        d.round_fit_used = shown.get((package_id, provider_id))


def _above(offer: Offer, set_aside: list[SetAside]) -> list[SetAside]:
    if offer.stage not in (Stage.TIER1.value, Stage.TIER2.value) or offer.position is None:
        return []
    return [
        s for s in set_aside if s.entry.tier == offer.tier and s.entry.position < offer.position
    ]


def _passed_over_recorded(stepped: list[Stepped], new_offers: dict[int, list[Offer]]) -> Any:
    """Per package and list version, the providers already recorded as passed over: read once
    for every package that may record more."""
    maybe = [
        s.package.pk
        for s in stepped
        if any(_above(o, s.set_aside) for o in new_offers[s.package.pk])
    ]
    recorded: dict[tuple[int, int | None], set[int]] = {}
    if maybe:
        for package_id, version_id, provider_id in SourcingDecision.objects.filter(
            package__in=maybe, kind="passed_over"
        ).values_list("package_id", "list_version_id", "provider_id"):
            recorded.setdefault((package_id, version_id), set()).add(provider_id)
    return recorded


def _passed_over(
    package: Package,
    new_offers: list[Offer],
    set_aside: list[SetAside],
    now: dt.datetime,
    *,
    recorded_before: dict[tuple[int, int | None], set[int]],
    offered: set[int],
) -> list[SourcingDecision]:
    """Providers ranked above a new offer's provider on its tier that were not offered it:
    recorded once per package and version, so the history says why instead of renumbering.
    `offered` is every provider the package has been offered, the new offers included."""
    rows = []
    for offer in new_offers:
        above = _above(offer, set_aside)
        if not above:
            continue
        # A provider offered the package already has its reason on its offer.
        recorded = set(recorded_before.get((package.pk, offer.list_version_id), set())) | offered
        for s in sorted(above, key=lambda s: s.entry.position):
            if s.entry.provider_id in recorded:
                continue
            recorded.add(s.entry.provider_id)
            rows.append(
                SourcingDecision(
                    package=package,
                    at=now,
                    kind="passed_over",
                    stage=offer.stage,
                    reason=s.reason,
                    provider_id=s.entry.provider_id,
                    list_version_id=offer.list_version_id,
                    tier=s.entry.tier,
                    position=s.entry.position,
                    passed_over=s.because.value,
                )
            )
    return rows


def _notify_withdrawn(offer: Offer, now: dt.datetime) -> None:
    package = offer.package
    notification_send(
        recipients=provider_users(providers=[offer.provider]),
        event="sourcing.offer_withdrawn",
        subject=f"Offer withdrawn: {package.reference}",
        body=(
            f"The council has withdrawn its offer of {package.reference} ({package.lot}): "
            f"{offer.reason} It moves on to the next provider in rank order."
        ),
        url=reverse("sourcing:offer-list"),
        now=now,
    )


def _notify_offers(offers: list[Offer], now: dt.datetime) -> None:
    """Tell each new offer's provider, every message in one insert."""
    if not offers:
        return
    providers = list(Provider.objects.filter(pk__in={o.provider_id for o in offers}))
    organisation_of = {p.pk: p.organisation_id for p in providers}
    staff: dict[int, list[User]] = {}
    for user in provider_users(providers=providers):
        staff.setdefault(user.organisation_id, []).append(user)
    messages = []
    for offer in offers:
        package = offer.package
        messages.append(
            Message(
                recipients=staff.get(organisation_of[offer.provider_id], []),
                event="sourcing.offer_made",
                subject=(
                    f"Package offered to you: {package.lot} ({package.hours_per_week} hours a week)"
                ),
                body=(
                    f"{package.reference} in {package.outward_code}, "
                    f"starting {package.start_date:%d %B %Y}, "
                    f"{package.visit_pattern}. "
                    f"Please answer by {timezone.localtime(offer.deadline):%H:%M on %A %d %B}."
                ),
                url=reverse("sourcing:offer-list"),
            )
        )
    notification_send_many(messages=messages, now=now)


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
