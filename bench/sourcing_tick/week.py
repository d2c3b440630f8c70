"""One simulated week, run in a child process whose DATABASE_URL is a copy of the demo."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import json
import random
import resource
import sys
import time
from collections import Counter
from decimal import Decimal
from typing import Any

from bench.support import load_average, percentile


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"median": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0, "n": 0}
    return {
        "median": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values),
        "n": len(values),
    }


def run_week(*, scale: int, days: int, per_day: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from caremarket.accounts.models import User
    from caremarket.accounts.services import api_token_create
    from caremarket.framework.models import Cohort, Provider, ServiceType
    from caremarket.geography.models import District, Postcode
    from caremarket.sourcing.demo import NEEDS, VISITS
    from caremarket.sourcing.models import BatchingList, Offer
    from caremarket.sourcing.services.engine_io import sourcing_rules
    from caremarket.sourcing.services.timetable import timetable_tick

    rng = random.Random(2026 + scale)
    rules = sourcing_rules()
    cal = rules.calendar
    real_now = django.utils.timezone.now
    clock = [real_now().replace(second=0, microsecond=0) + dt.timedelta(minutes=1)]
    # Every `timezone.now()` in views, services and field defaults reads the simulated minute.
    timezone.now = lambda: clock[0]

    broker = User.objects.get(email="broker@council.example")
    _, broker_key = api_token_create(actor=broker, name="bench", now=clock[0])
    brokers = Client(HTTP_AUTHORIZATION=f"Bearer {broker_key}")
    provider_clients: dict[int, Client] = {}
    for provider in Provider.objects.select_related("organisation"):
        staff = (
            User.objects.filter(organisation_id=provider.organisation_id, is_active=True)
            .order_by("pk")
            .first()
        )
        if staff is None:
            # The demo gives only two providers users; every provider answers here.
            staff = User.objects.create_user(
                email=f"bench-{provider.pk}@provider.example",
                organisation_id=provider.organisation_id,
                role="provider_user",
                full_name=f"Bench user {provider.pk}",
            )
        _, key = api_token_create(actor=staff, name="bench", now=clock[0])
        provider_clients[provider.pk] = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    postcodes: dict[str, list[str]] = {}
    for oslaua, code in Postcode.objects.filter(
        oslaua__in=District.objects.filter(in_council_area=True).values("code")
    ).values_list("oslaua", "postcode"):
        postcodes.setdefault(oslaua, []).append(code)
    districts = [d for d in postcodes if postcodes[d]]

    heap: list[tuple[dt.datetime, int, str, tuple[Any, ...]]] = []
    seq = itertools.count()

    def push(at: dt.datetime, kind: str, *data: Any) -> None:
        heapq.heappush(heap, (at, next(seq), kind, data))

    start = clock[0]
    end = start + dt.timedelta(days=days)
    day = cal.local(start).date()
    while cal.at(day, dt.time(0)) < end:
        if cal.is_working_day(day):
            for _ in range(per_day * scale):
                at = cal.at(day, dt.time(8)) + dt.timedelta(minutes=rng.randint(0, 9 * 60 - 1))
                if start <= at < end:
                    push(at, "referral")
        day += dt.timedelta(days=1)

    seen_offer = Offer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    seen_list = BatchingList.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    tick_ms: list[float] = []
    worst_by_step: dict[str, tuple[float, int]] = {}
    answer_ms: list[float] = []
    create_ms: list[float] = []
    return_ms: list[float] = []
    counts: Counter[str] = Counter()
    first_tick_ms = 0.0

    def schedule_new_offers(now: dt.datetime) -> None:
        nonlocal seen_offer
        for offer_id, provider_id, deadline in (
            Offer.objects.filter(pk__gt=seen_offer, outcome="")
            .order_by("pk")
            .values_list("pk", "provider_id", "deadline")
        ):
            seen_offer = max(seen_offer, offer_id)
            counts["offers"] += 1
            roll = rng.random()
            if roll < 0.85 and provider_id in provider_clients:
                at = cal.add_working_time(now, dt.timedelta(minutes=rng.randint(5, 110)))
                at = at.replace(second=0, microsecond=0)
                if at < deadline:
                    push(at, "answer", offer_id, provider_id, roll < 0.28)

    def schedule_returns(now: dt.datetime) -> None:
        nonlocal seen_list
        for list_id, closes_at in (
            BatchingList.objects.filter(pk__gt=seen_list)
            .order_by("pk")
            .values_list("pk", "closes_at")
        ):
            seen_list = max(seen_list, list_id)
            morning = cal.at(cal.next_working_day(cal.local(now).date()), dt.time(8, 30))
            for provider_id in provider_clients:
                at = morning + dt.timedelta(minutes=rng.randint(0, 80))
                if at < closes_at:
                    push(at, "return", provider_id)

    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    load_before = load_average()
    wall = time.perf_counter()
    minute = start
    while minute < end:
        clock[0] = minute
        while heap and heap[0][0] <= minute:
            _at, _n, kind, data = heapq.heappop(heap)
            if kind == "referral":
                code = rng.choice(districts)
                service = rng.choices([s.value for s in ServiceType], weights=[90, 3, 3, 4])[0]
                body = {
                    "person_reference": f"AS-{rng.randint(100000, 999999)}",
                    "postcode": rng.choice(postcodes[code]),
                    "service_type": service,
                    "cohort": rng.choices([c.value for c in Cohort], weights=[69, 31])[0],
                    "hours_per_week": str(
                        Decimal(rng.choice(["3.5", "5", "7", "10.5", "14", "21"]))
                        if service == "personal_care"
                        else Decimal(56)
                    ),
                    "visit_pattern": rng.choice(VISITS),
                    "start_date": (
                        cal.local(minute).date() + dt.timedelta(days=rng.randint(1, 14))
                    ).isoformat(),
                    "needs": rng.choice(NEEDS),
                    "urgency": "urgent" if rng.random() < 0.2 else "routine",
                }
                t0 = time.perf_counter()
                r = brokers.post("/api/v1/packages", json.dumps(body), "application/json")
                create_ms.append((time.perf_counter() - t0) * 1000)
                counts["created" if r.status_code == 201 else f"create {r.status_code}"] += 1
            elif kind == "answer":
                offer_id, provider_id, accept = data
                client = provider_clients[provider_id]
                t0 = time.perf_counter()
                if accept:
                    r = client.post(f"/api/v1/offers/{offer_id}/accept")
                else:
                    r = client.post(
                        f"/api/v1/offers/{offer_id}/decline",
                        json.dumps({"reason": "No carers free in the area"}),
                        "application/json",
                    )
                if r.status_code == 200:
                    answer_ms.append((time.perf_counter() - t0) * 1000)
                    counts["answers"] += 1
                else:
                    # Answered too late (the offer lapsed or moved on): refused, as it should be.
                    counts[f"answer {r.status_code}"] += 1
            elif kind == "return":
                client = provider_clients[data[0]]
                t0 = time.perf_counter()
                r = client.get("/api/v1/batching-list")
                if r.status_code == 200:
                    listed = [p["id"] for p in r.json()["packages"]]
                    wanted = [p for p in listed if rng.random() < 1 / 6]
                    r = client.put(
                        "/api/v1/batching-list/return",
                        json.dumps({"interested": wanted}),
                        "application/json",
                    )
                    if listed:
                        return_ms.append((time.perf_counter() - t0) * 1000)
                        counts["batching_returns"] += 1
                counts[f"batching {r.status_code}"] += 1
            schedule_new_offers(minute)

        queries[0] = 0
        t0 = time.perf_counter()
        with connection.execute_wrapper(count):
            steps = timetable_tick(now=minute)
        elapsed = (time.perf_counter() - t0) * 1000
        if minute == start:
            first_tick_ms = elapsed
        else:
            tick_ms.append(elapsed)
            for step in {getattr(s, "kind", str(s)) for s in steps}:
                name = str(getattr(step, "value", step))
                if elapsed > worst_by_step.get(name, (0.0, 0))[0]:
                    worst_by_step[name] = (elapsed, queries[0])
        if steps:
            schedule_new_offers(minute)
            schedule_returns(minute)
        if minute.minute == 0 and minute.hour % 3 == 0:
            print(  # progress, on stderr: a 10x week takes a while
                f"{cal.local(minute):%a %H:%M} ticks {len(tick_ms)}, "
                f"worst {max(tick_ms or [0]):.0f} ms, {dict(counts)}, "
                f"{time.perf_counter() - wall:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        minute += dt.timedelta(minutes=1)
    wall_s = time.perf_counter() - wall
    timezone.now = real_now
    return {
        "scale": scale,
        "days": days,
        "packages_created": counts["created"],
        "offers": counts["offers"],
        "answers": counts["answers"],
        "batching_returns": counts["batching_returns"],
        "other": {k: v for k, v in counts.items() if " " in k},
        "ticks": len(tick_ms),
        "tick_ms": _summary(tick_ms),
        "worst_by_step": worst_by_step,
        "answer_ms": _summary(answer_ms),
        "create_ms": _summary(create_ms),
        "return_ms": _summary(return_ms),
        "first_tick_ms": first_tick_ms,
        "wall_s": wall_s,
        "load_before": load_before,
        "load_after": load_average(),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
