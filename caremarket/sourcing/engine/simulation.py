"""Replay generated referrals, with provider behaviour, through the real engine.

Event-driven: a heap of timed events (referrals, provider answers, deadlines, Batching List
issue and close, Available Packages lists) drives the same functions the service layer calls.
Each run follows one policy (`simulation_market.Policy`); the demand is drawn before the run,
so every policy is given the same referrals at the same places.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.model import PackageState, RankedList, Route, Stage
from caremarket.sourcing.engine.rules import SourcingRules
from caremarket.sourcing.engine.scatter import km_between
from caremarket.sourcing.engine.simulation_market import (
    COHORT_WEIGHTS,
    DISTRICT_WEIGHTS,
    SERVICE_WEIGHTS,
    Market,
    PartnerModel,
    Point,
    Policy,
    Referral,
    RoundFitModel,
    build_market,
    name_partners,
    point_in,
    weighted,
)

__all__ = ["Policy", "Report", "Scenario", "format_reports", "simulate"]


@dataclass
class Scenario:
    weeks: int
    seed: int
    start: dt.datetime
    packages_per_week: float = 200.0  # about 10,000 a year for the county
    tier1_per_lot: int = 8
    tier2_per_lot: int = 10
    providers: int = 115
    round_fit: RoundFitModel = field(default_factory=RoundFitModel)
    partners: PartnerModel = field(default_factory=PartnerModel)


@dataclass
class Report:
    label: str
    packages: int
    placed: int
    unsourced: int
    by_route: dict[str, int]
    median_hours: float | None
    p90_hours: float | None
    offers: int
    decisions: int
    batching_lists: int
    available_lists: int
    policy: str = Policy.RANKED.value
    # Mean km from each placed package to its provider's nearest other package in the
    # district (market insight's scatter figure), over the packages placed by the end.
    scatter_km: float | None = None
    scatter_by_district: dict[str, float] = field(default_factory=dict)
    partner_offers: int = 0
    partner_placed: int = 0

    def shares(self) -> dict[str, float]:
        return {
            route: (self.by_route.get(route, 0) / self.packages if self.packages else 0.0)
            for route in [r.value for r in Route]
        }


@dataclass(order=True)
class _Event:
    at: dt.datetime
    seq: int
    kind: str = field(compare=False)
    data: tuple = field(compare=False, default=())


def draw_referrals(scenario: Scenario, rules: SourcingRules) -> list[Referral]:
    """Referrals through office hours on working days, each with its lot and place."""
    rng = random.Random(scenario.seed * 7919 + 1)
    cal = rules.calendar
    end = scenario.start + dt.timedelta(weeks=scenario.weeks)
    out: list[Referral] = []
    day = cal.local(scenario.start).date()
    ids = itertools.count(1)
    per_day = scenario.packages_per_week / 5
    while cal.at(day, cal.day_starts) < end:
        if cal.is_working_day(day):
            for _ in range(int(rng.gauss(per_day, per_day**0.5)) if per_day > 0 else 0):
                at = cal.at(day, cal.day_starts) + dt.timedelta(minutes=rng.uniform(0, 8 * 60))
                lot = (
                    weighted(rng, DISTRICT_WEIGHTS),
                    weighted(rng, SERVICE_WEIGHTS),
                    weighted(rng, COHORT_WEIGHTS),
                )
                out.append(Referral(at, next(ids), lot, point_in(rng, lot[0])))
        day += dt.timedelta(days=1)
    return out


class _Run:
    """One policy's run: the state the event handlers share."""

    def __init__(self, scenario: Scenario, rules: SourcingRules, policy: Policy) -> None:
        self.scenario, self.rules, self.policy = scenario, rules, policy
        self.cal = rules.calendar
        self.end = scenario.start + dt.timedelta(weeks=scenario.weeks)
        # Provider behaviour is drawn apart from the demand and from the run's own choices.
        self.rng = random.Random(scenario.seed * 104729 + 7)
        self.market: Market = build_market(
            seed=scenario.seed,
            weeks=scenario.weeks,
            providers=scenario.providers,
            tier1_per_lot=scenario.tier1_per_lot,
            tier2_per_lot=scenario.tier2_per_lot,
        )
        if policy == Policy.PARTNERS:
            name_partners(self.market, scenario.partners)
        self.heap: list[_Event] = []
        self.seq = itertools.count()
        self.packages: dict[int, PackageState] = {}
        self.open_packages: dict[int, PackageState] = {}
        self.referrals: dict[int, Referral] = {}
        self.lots: dict[int, RankedList] = {}
        self.interest: dict[int, set[int]] = {}
        self.taken: Counter[int] = Counter()
        # Each provider's clients by district: (package id, point), for round fit and scatter.
        self.clients: dict[int, list[Point]] = defaultdict(list)
        self.partner_of: dict[int, int] = {}
        self.decisions = self.offers = self.batching_lists = self.available_lists = 0
        self.partner_offers = 0

    def push(self, at: dt.datetime, kind: str, *data: object) -> None:
        heapq.heappush(self.heap, _Event(at, next(self.seq), kind, tuple(data)))

    def schedule(self, referrals: list[Referral]) -> None:
        for ref in referrals:
            self.push(ref.at, "referral", ref)
        t = self.scenario.start
        while (nxt := self.rules.next_batching_issue(t)) is not None and nxt < self.end:
            self.push(nxt, "batching_issue")
            t = nxt
        t = self.scenario.start
        while (nxt := self.rules.next_available_list(t)) < self.end:
            self.push(nxt, "available_list")
            t = nxt

    # Behaviour -----------------------------------------------------------------------------

    def capacity(self, provider: int) -> float:
        base = self.market.behaviours[provider].capacity
        if provider in self.market.partners.values():
            return base * self.scenario.partners.capacity_factor
        return base

    def _fits(self, provider: int, package_id: int) -> bool:
        near = self.scenario.round_fit.nearby_km
        here = self.referrals[package_id].point
        return any(km_between(here, p) <= near for p in self.clients[provider])

    def _with_round_fit(self, provider: int, package_id: int, base: float) -> float:
        if self.policy != Policy.ROUND_FIT:
            return base
        model = self.scenario.round_fit
        if self._fits(provider, package_id):
            return min(model.cap, base * model.fit_factor)
        return base * model.misfit_factor

    def accepts(self, provider: int, package_id: int) -> bool:
        if self.taken[provider] >= self.capacity(provider):
            return False
        if self.partner_of.get(package_id) == provider and not self._offered_twice(package_id):
            return self.rng.random() < self.scenario.partners.accept_probability
        base = self.market.behaviours[provider].accept_probability
        return self.rng.random() < self._with_round_fit(provider, package_id, base)

    def _offered_twice(self, package_id: int) -> bool:
        return len(self.packages[package_id].offers) > 1

    def interested(self, provider: int, package_id: int) -> bool:
        if self.taken[provider] >= self.capacity(provider):
            return False
        base = self.market.behaviours[provider].batching_interest
        return self.rng.random() < self._with_round_fit(provider, package_id, base)

    def placed(self, pkg: PackageState) -> None:
        if pkg.placed_with is not None:
            self.taken[pkg.placed_with] += 1
            self.clients[pkg.placed_with].append(self.referrals[pkg.id].point)

    # Events --------------------------------------------------------------------------------

    def schedule_offer(self, pkg: PackageState, now: dt.datetime) -> None:
        offer = pkg.open_offer
        if offer is None or offer.offered_at != now:
            return
        self.offers += 1
        b = self.market.behaviours[offer.provider_id]
        self.push(offer.deadline, "deadline", pkg.id, offer.provider_id)
        if self.rng.random() < b.answers_probability:
            wait = dt.timedelta(minutes=self.rng.expovariate(1 / b.mean_answer_minutes))
            answer_at = self.cal.add_working_time(now, wait)
            if answer_at <= offer.deadline:
                self.push(answer_at, "answer", pkg.id, offer.provider_id)

    def on_referral(self, now: dt.datetime, ref: Referral) -> None:
        pkg = PackageState(id=ref.package_id, created_at=now)
        self.packages[pkg.id] = self.open_packages[pkg.id] = pkg
        self.referrals[pkg.id] = ref
        self.lots[pkg.id] = self.market.lists[ref.lot]
        partner = self.market.partners.get((ref.area, ref.lot[1]))
        if partner is not None:
            self.partner_of[pkg.id] = partner
            self.partner_offers += 1
        made = decide.package_start(
            pkg,
            ranked=self.lots[pkg.id],
            now=now,
            rules=self.rules,
            partner_id=partner,
            partner_area=ref.area,
        )
        self.decisions += len(made)
        self.schedule_offer(pkg, now)

    def on_answer(self, now: dt.datetime, package_id: int, provider: int) -> None:
        pkg = self.packages[package_id]
        offer = pkg.open_offer
        if offer is None or offer.provider_id != provider:
            return
        accept = self.accepts(provider, package_id)
        self.decisions += len(
            decide.offer_answer(
                pkg,
                provider_id=provider,
                accept=accept,
                reason="" if accept else "no capacity in the area",
                ranked=self.lots[package_id],
                now=now,
                rules=self.rules,
            )
        )
        if accept:
            self.placed(pkg)
        self.schedule_offer(pkg, now)

    def on_deadline(self, now: dt.datetime, package_id: int, provider: int) -> None:
        pkg = self.packages[package_id]
        offer = pkg.open_offer
        if offer is None or offer.provider_id != provider:
            return
        self.decisions += len(
            decide.offer_lapse(pkg, ranked=self.lots[package_id], now=now, rules=self.rules)
        )
        self.schedule_offer(pkg, now)

    def on_batching_issue(self, now: dt.datetime) -> None:
        listed, closes, made = decide.batching_issue(
            self.open_packages.values(), now=now, rules=self.rules
        )
        if not listed or closes is None:
            return
        self.batching_lists += 1
        self.decisions += sum(len(d) for d in made.values())
        for pkg in listed:
            self.interest[pkg.id] = {
                p for p in self.lots[pkg.id].tier1 if self.interested(p, pkg.id)
            }
        self.push(closes, "batching_close", tuple(p.id for p in listed))

    def on_batching_close(self, now: dt.datetime, ids: tuple[int, ...]) -> None:
        for package_id in ids:
            pkg = self.packages[package_id]
            self.decisions += len(
                decide.batching_close(
                    pkg,
                    interested=self.interest.pop(package_id, set()),
                    ranked=self.lots[package_id],
                    now=now,
                    rules=self.rules,
                )
            )
            self.schedule_offer(pkg, now)

    def on_available_list(self, now: dt.datetime) -> None:
        listed = decide.available_list_issue(self.open_packages.values(), now=now)
        if not listed:
            return
        self.available_lists += 1
        for pkg in listed:
            # Framework and spot providers may propose a rate; otherwise the broker buys spot.
            roll = self.rng.random()
            route = (
                Route.AVAILABLE
                if roll < 0.6
                else Route.MINI_COMPETITION
                if roll < 0.7
                else Route.SPOT
            )
            hours = dt.timedelta(hours=self.rng.uniform(4, 16))
            self.push(self.cal.add_working_time(now, hours), "place", pkg.id, route)

    def on_place(self, now: dt.datetime, package_id: int, route: Route) -> None:
        pkg = self.packages[package_id]
        if pkg.stage != Stage.AVAILABLE:
            return
        provider = (
            self.rng.choice(list(self.market.behaviours))
            if route != Route.SPOT
            else 10_000 + package_id
        )
        self.decisions += len(
            decide.package_place_directly(
                pkg, provider_id=provider, route=route, now=now, reason="simulated"
            )
        )
        self.placed(pkg)

    def run(self) -> None:
        handlers: dict[str, Callable[..., None]] = {
            "referral": self.on_referral,
            "answer": self.on_answer,
            "deadline": self.on_deadline,
            "batching_close": self.on_batching_close,
            "place": self.on_place,
        }
        while self.heap:
            ev = heapq.heappop(self.heap)
            if ev.kind in ("answer", "deadline", "place"):
                touched = self.packages[ev.data[0]]
                if not touched.is_open:
                    self.open_packages.pop(touched.id, None)
                    continue
            if ev.kind == "batching_issue":
                if ev.at < self.end:
                    self.on_batching_issue(ev.at)
            elif ev.kind == "available_list":
                if ev.at < self.end:
                    self.on_available_list(ev.at)
            else:
                handlers[ev.kind](ev.at, *ev.data)

    # Figures -------------------------------------------------------------------------------

    def scatter(self) -> tuple[float | None, dict[str, float]]:
        """Mean km to the same provider's nearest other package in the district, per district
        (over its packages) and overall; a provider's lone package there has no figure."""
        groups: dict[tuple[str, int], list[Point]] = defaultdict(list)
        for pkg in self.packages.values():
            if pkg.stage == Stage.PLACED and pkg.placed_with is not None:
                ref = self.referrals[pkg.id]
                groups[(ref.lot[0], pkg.placed_with)].append(ref.point)
        nearest: dict[str, list[float]] = defaultdict(list)
        for (district, _), points in groups.items():
            for i, p in enumerate(points):
                others = [km_between(p, q) for j, q in enumerate(points) if j != i]
                if others:
                    nearest[district].append(min(others))
        every = [km for kms in nearest.values() for km in kms]
        by_district = {d: statistics.fmean(kms) for d, kms in sorted(nearest.items())}
        return (statistics.fmean(every) if every else None), by_district

    def report(self, label: str) -> Report:
        placed = [p for p in self.packages.values() if p.stage == Stage.PLACED]
        hours = sorted(
            self.cal.working_hours_between(p.created_at, p.placed_at) for p in placed if p.placed_at
        )
        overall, by_district = self.scatter()
        return Report(
            label=label,
            packages=len(self.packages),
            placed=len(placed),
            unsourced=len(self.packages) - len(placed),
            by_route=dict(Counter(p.route.value for p in placed if p.route)),
            median_hours=statistics.median(hours) if hours else None,
            p90_hours=hours[int(0.9 * (len(hours) - 1))] if hours else None,
            offers=self.offers,
            decisions=self.decisions,
            batching_lists=self.batching_lists,
            available_lists=self.available_lists,
            policy=self.policy.value,
            scatter_km=overall,
            scatter_by_district=by_district,
            partner_offers=self.partner_offers,
            partner_placed=sum(
                1
                for p in placed
                if p.placed_with is not None and self.partner_of.get(p.id) == p.placed_with
            ),
        )


def simulate(
    scenario: Scenario,
    rules: SourcingRules,
    *,
    label: str = "",
    policy: Policy = Policy.RANKED,
) -> Report:
    run = _Run(scenario, rules, policy)
    run.schedule(draw_referrals(scenario, rules))
    run.run()
    return run.report(label or policy.value)


def _hours(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "-"


def format_reports(reports: list[Report]) -> str:
    rows = [("", *[r.label for r in reports])]
    rows.append(("packages", *[str(r.packages) for r in reports]))
    rows.append(("placed", *[str(r.placed) for r in reports]))
    rows.append(("still unsourced", *[str(r.unsourced) for r in reports]))
    rows.append(("median time to source (working h)", *[_hours(r.median_hours) for r in reports]))
    rows.append(("90th percentile (working h)", *[_hours(r.p90_hours) for r in reports]))
    for route in Route:
        rows.append(
            (
                f"placed via {route.value.replace('_', ' ')}",
                *[f"{r.shares()[route.value]:.1%}" for r in reports],
            )
        )
    rows.append(("offers made", *[str(r.offers) for r in reports]))
    rows.append(("Batching Lists issued", *[str(r.batching_lists) for r in reports]))
    rows.append(("Available Packages lists", *[str(r.available_lists) for r in reports]))
    if any(r.partner_offers for r in reports):
        rows.append(("offered first to a partner", *[str(r.partner_offers) for r in reports]))
        rows.append(("placed with that partner", *[str(r.partner_placed) for r in reports]))
    rows.append(("scatter at the end, all (km)", *[_km(r.scatter_km) for r in reports]))
    districts = sorted({d for r in reports for d in r.scatter_by_district})
    for district in districts:
        rows.append(
            (
                f"  scatter, {district} (km)",
                *[_km(r.scatter_by_district.get(district)) for r in reports],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows)


def _km(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def describe_models(scenario: Scenario) -> str:
    """The behaviour models behind the round-fit and partner columns, for the output."""
    return "\n".join(
        [
            f"Model: {scenario.round_fit.describe()}.",
            f"Model: {scenario.partners.describe()}.",
            "Providers without round fit accept at their own base rate wherever the package is.",
        ]
    )
