"""Replay generated referrals, with provider behaviour, through the real engine.

Event-driven: a heap of timed events (referrals, provider answers, deadlines, Batching List
issue and close, Available Packages lists) drives the same functions the service layer calls.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import statistics
from collections import Counter
from dataclasses import dataclass, field

from caremarket.sourcing.engine import decide
from caremarket.sourcing.engine.model import PackageState, RankedList, Route, Stage
from caremarket.sourcing.engine.rules import SourcingRules

DISTRICT_WEIGHTS = {  # roughly each Essex district's share of adults over 65
    "Basildon": 11,
    "Braintree": 10,
    "Brentwood": 5,
    "Castle Point": 7,
    "Chelmsford": 11,
    "Colchester": 12,
    "Epping Forest": 9,
    "Harlow": 5,
    "Maldon": 5,
    "Rochford": 6,
    "Tendring": 13,
    "Uttlesford": 6,
}
SERVICE_WEIGHTS = {"personal_care": 90, "night_awake": 3, "night_sleep": 3, "live_in": 4}
COHORT_WEIGHTS = {"older_people": 69, "ld_autism": 31}


@dataclass
class ProviderBehaviour:
    provider_id: int
    accept_probability: float
    answers_probability: float  # chance of answering at all before the deadline
    mean_answer_minutes: float
    batching_interest: float
    capacity: int  # packages it can take in the simulated period


@dataclass
class Scenario:
    weeks: int
    seed: int
    start: dt.datetime
    packages_per_week: float = 200.0  # about 10,000 a year for the county
    tier1_per_lot: int = 8
    tier2_per_lot: int = 10
    providers: int = 115


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


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build_market(
    scenario: Scenario,
) -> tuple[dict[tuple[str, str, str], RankedList], dict[int, ProviderBehaviour]]:
    rng = random.Random(scenario.seed)
    behaviours = {
        pid: ProviderBehaviour(
            provider_id=pid,
            accept_probability=rng.uniform(0.15, 0.55),
            answers_probability=rng.uniform(0.75, 0.98),
            mean_answer_minutes=rng.uniform(20, 150),
            batching_interest=rng.uniform(0.05, 0.35),
            capacity=rng.randint(10, 60) * max(1, scenario.weeks) // 8 + 3,
        )
        for pid in range(1, scenario.providers + 1)
    }
    lists: dict[tuple[str, str, str], RankedList] = {}
    ids = list(behaviours)
    version = itertools.count(1)
    for district in DISTRICT_WEIGHTS:
        pool = rng.sample(ids, scenario.tier1_per_lot + scenario.tier2_per_lot + 6)
        for service in SERVICE_WEIGHTS:
            for cohort in COHORT_WEIGHTS:
                chosen = rng.sample(pool, scenario.tier1_per_lot + scenario.tier2_per_lot)
                lists[(district, service, cohort)] = RankedList(
                    version_id=next(version),
                    tier1=tuple(chosen[: scenario.tier1_per_lot]),
                    tier2=tuple(chosen[scenario.tier1_per_lot :]),
                )
    return lists, behaviours


def simulate(scenario: Scenario, rules: SourcingRules, *, label: str = "") -> Report:
    rng = random.Random(scenario.seed * 7919 + 1)
    lists, behaviours = build_market(scenario)
    taken: Counter[int] = Counter()
    cal = rules.calendar
    end = scenario.start + dt.timedelta(weeks=scenario.weeks)
    heap: list[_Event] = []
    seq = itertools.count()

    def push(at: dt.datetime, kind: str, *data: object) -> None:
        heapq.heappush(heap, _Event(at, next(seq), kind, tuple(data)))

    # Referrals arrive through office hours on working days.
    packages: dict[int, PackageState] = {}
    lots: dict[int, RankedList] = {}
    day = cal.local(scenario.start).date()
    pid = itertools.count(1)
    per_day = scenario.packages_per_week / 5
    while cal.at(day, cal.day_starts) < end:
        if cal.is_working_day(day):
            for _ in range(int(rng.gauss(per_day, per_day**0.5)) if per_day > 0 else 0):
                minute = rng.uniform(0, 8 * 60)
                at = cal.at(day, cal.day_starts) + dt.timedelta(minutes=minute)
                push(at, "referral", next(pid))
        day += dt.timedelta(days=1)
    # The timetable's fixed events.
    t = scenario.start
    while (nxt := rules.next_batching_issue(t)) is not None and nxt < end:
        push(nxt, "batching_issue")
        t = nxt
    t = scenario.start
    while (nxt := rules.next_available_list(t)) < end:
        push(nxt, "available_list")
        t = nxt

    decisions = offers = batching_lists = available_lists = 0
    # Only open packages can move; keeping them apart keeps each list issue cheap.
    open_packages: dict[int, PackageState] = {}
    interest: dict[int, set[int]] = {}

    def schedule_offer(pkg: PackageState, now: dt.datetime) -> None:
        nonlocal offers
        offer = pkg.open_offer
        if offer is None or offer.offered_at != now:
            return
        offers += 1
        b = behaviours[offer.provider_id]
        push(offer.deadline, "deadline", pkg.id, offer.provider_id)
        if rng.random() < b.answers_probability:
            answer_at = cal.add_working_time(
                now, dt.timedelta(minutes=rng.expovariate(1 / b.mean_answer_minutes))
            )
            if answer_at <= offer.deadline:
                push(answer_at, "answer", pkg.id, offer.provider_id)

    while heap:
        ev = heapq.heappop(heap)
        now = ev.at
        if ev.data and ev.kind in ("answer", "deadline", "place"):
            touched = packages[ev.data[0]]
            if not touched.is_open:
                open_packages.pop(touched.id, None)
                continue
        if now >= end and ev.kind in ("batching_issue", "available_list"):
            continue
        if ev.kind == "referral":
            (package_id,) = ev.data
            pkg = PackageState(id=package_id, created_at=now)
            packages[package_id] = pkg
            open_packages[package_id] = pkg
            lot = (
                _weighted(rng, DISTRICT_WEIGHTS),
                _weighted(rng, SERVICE_WEIGHTS),
                _weighted(rng, COHORT_WEIGHTS),
            )
            lots[package_id] = lists[lot]
            decisions += len(
                decide.package_start(pkg, ranked=lots[package_id], now=now, rules=rules)
            )
            schedule_offer(pkg, now)
        elif ev.kind == "answer":
            package_id, provider = ev.data
            pkg = packages[package_id]
            offer = pkg.open_offer
            if offer is None or offer.provider_id != provider:
                continue
            b = behaviours[provider]
            accept = taken[provider] < b.capacity and rng.random() < b.accept_probability
            decisions += len(
                decide.offer_answer(
                    pkg,
                    provider_id=provider,
                    accept=accept,
                    reason="" if accept else "no capacity in the area",
                    ranked=lots[package_id],
                    now=now,
                    rules=rules,
                )
            )
            if accept:
                taken[provider] += 1
            schedule_offer(pkg, now)
        elif ev.kind == "deadline":
            package_id, provider = ev.data
            pkg = packages[package_id]
            offer = pkg.open_offer
            if offer is None or offer.provider_id != provider:
                continue
            decisions += len(decide.offer_lapse(pkg, ranked=lots[package_id], now=now, rules=rules))
            schedule_offer(pkg, now)
        elif ev.kind == "batching_issue":
            listed, closes, made = decide.batching_issue(
                open_packages.values(), now=now, rules=rules
            )
            if not listed or closes is None:
                continue
            batching_lists += 1
            decisions += sum(len(d) for d in made.values())
            for pkg in listed:
                ranked = lots[pkg.id]
                interest[pkg.id] = {
                    p
                    for p in ranked.tier1
                    if taken[p] < behaviours[p].capacity
                    and rng.random() < behaviours[p].batching_interest
                }
            push(closes, "batching_close", tuple(p.id for p in listed))
        elif ev.kind == "batching_close":
            (ids,) = ev.data
            for package_id in ids:
                pkg = packages[package_id]
                decisions += len(
                    decide.batching_close(
                        pkg,
                        interested=interest.pop(package_id, set()),
                        ranked=lots[package_id],
                        now=now,
                        rules=rules,
                    )
                )
                schedule_offer(pkg, now)
        elif ev.kind == "available_list":
            listed = decide.available_list_issue(open_packages.values(), now=now)
            if not listed:
                continue
            available_lists += 1
            for pkg in listed:
                # Framework and spot providers may propose a rate; otherwise the broker buys spot.
                roll = rng.random()
                route = (
                    Route.AVAILABLE
                    if roll < 0.6
                    else Route.MINI_COMPETITION
                    if roll < 0.7
                    else Route.SPOT
                )
                placed_at = cal.add_working_time(now, dt.timedelta(hours=rng.uniform(4, 16)))
                push(placed_at, "place", pkg.id, route)
        elif ev.kind == "place":
            package_id, route = ev.data
            pkg = packages[package_id]
            if pkg.stage == Stage.AVAILABLE:
                provider = (
                    rng.choice(list(behaviours)) if route != Route.SPOT else 10_000 + package_id
                )
                decisions += len(
                    decide.package_place_directly(
                        pkg, provider_id=provider, route=route, now=now, reason="simulated"
                    )
                )

    placed = [p for p in packages.values() if p.stage == Stage.PLACED]
    hours = sorted(
        cal.working_hours_between(p.created_at, p.placed_at) for p in placed if p.placed_at
    )
    by_route = Counter(p.route.value for p in placed if p.route)
    return Report(
        label=label,
        packages=len(packages),
        placed=len(placed),
        unsourced=len(packages) - len(placed),
        by_route=dict(by_route),
        median_hours=statistics.median(hours) if hours else None,
        p90_hours=hours[int(0.9 * (len(hours) - 1))] if hours else None,
        offers=offers,
        decisions=decisions,
        batching_lists=batching_lists,
        available_lists=available_lists,
    )


def format_reports(reports: list[Report]) -> str:
    labels = [r.label for r in reports]
    rows = [("", *labels)]
    rows.append(("packages", *[str(r.packages) for r in reports]))
    rows.append(("placed", *[str(r.placed) for r in reports]))
    rows.append(("still unsourced", *[str(r.unsourced) for r in reports]))
    rows.append(
        (
            "median time to source (working h)",
            *[f"{r.median_hours:.1f}" if r.median_hours is not None else "-" for r in reports],
        )
    )
    rows.append(
        (
            "90th percentile (working h)",
            *[f"{r.p90_hours:.1f}" if r.p90_hours is not None else "-" for r in reports],
        )
    )
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
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows)
