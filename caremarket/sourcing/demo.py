"""A realistic working week of sourcing, replayed through the real services up to now.

Packages arrive through office hours; providers answer, decline or let offers lapse; the 16:00
Batching List, the 10:00 close and the Monday and Thursday lists run on the council's timetable.
So a broker and a provider see a live working day straight after `make run`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from decimal import Decimal
from typing import Any

from caremarket.accounts.models import User
from caremarket.framework.models import Cohort, Provider, RankedListEntry, ServiceType
from caremarket.framework.selectors.ranked_lists import (
    ranked_list_in_force,
    ranked_list_version_in_force,
)
from caremarket.geography.models import District, Postcode
from caremarket.sourcing.models import Offer, Package
from caremarket.sourcing.services import available, batching, offers, packages
from caremarket.sourcing.services.engine_io import sourcing_rules

WORKING_DAYS = 5
PACKAGES_PER_DAY = 7
VISITS = (
    "1 call a day, 45 minutes",
    "2 calls a day, 30 minutes",
    "3 calls a day, 30 minutes",
    "4 calls a day, 30 minutes",
    "4 calls a day, double-handed",
)
NEEDS = (
    "Help to wash, dress and take medication",
    "Meal preparation and prompting",
    "Support after a fall",
    "Personal care after hospital discharge",
    "Continence care and skin checks",
)


def _staff_of(organisation_id: int) -> User | None:
    return (
        User.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk").first()
    )


def load(*, rng: random.Random, now: dt.datetime, **_: Any) -> list[str]:
    if Package.objects.exists():
        return ["Sourcing demo already loaded."]
    broker = User.objects.filter(email="broker@council.example").first()
    if broker is None or ranked_list_version_in_force(on=now.date()) is None:
        return ["Sourcing demo skipped: no broker or no ranked list in force."]
    rules = sourcing_rules()
    cal = rules.calendar
    days: list[dt.date] = []
    day = cal.local(now).date()
    while len(days) < WORKING_DAYS:
        if cal.is_working_day(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    days.reverse()
    start = cal.at(days[0], cal.day_starts)
    postcodes: dict[str, list[str]] = {}
    for oslaua, code in Postcode.objects.filter(
        oslaua__in=District.objects.filter(in_council_area=True).values("code")
    ).values_list("oslaua", "postcode"):
        postcodes.setdefault(oslaua, []).append(code)
    by_code = {d.code: d for d in District.objects.filter(in_council_area=True)}
    heap: list[tuple[dt.datetime, int, str, tuple[Any, ...]]] = []
    seq = itertools.count()

    def push(at: dt.datetime, kind: str, *data: Any) -> None:
        if at <= now:
            heapq.heappush(heap, (at, next(seq), kind, data))

    for d in days:
        for _n in range(PACKAGES_PER_DAY):
            push(
                cal.at(d, cal.day_starts) + dt.timedelta(minutes=rng.randint(0, 7 * 60)), "referral"
            )
    t = start
    while (nxt := rules.next_batching_issue(t)) is not None and nxt <= now:
        push(nxt, "batching")
        push(rules.batching_close(nxt), "close")
        t = nxt
    t = start - dt.timedelta(days=7)
    while (nxt := rules.next_available_list(t)) <= now:
        push(nxt, "available")
        t = nxt

    def schedule_answers(at: dt.datetime) -> None:
        for offer in Offer.objects.filter(outcome="", offered_at=at):
            push(offer.deadline, "lapse")
            roll = rng.random()
            if roll < 0.85:  # most providers answer; the rest let the offer lapse
                answer_at = cal.add_working_time(at, dt.timedelta(minutes=rng.randint(5, 110)))
                if answer_at < offer.deadline:
                    push(answer_at, "answer", offer.pk, roll < 0.3)

    created = 0
    while heap:
        at, _seq, kind, data = heapq.heappop(heap)
        if kind == "referral":
            code = rng.choice(list(by_code))
            if not postcodes.get(code):
                continue
            service = rng.choices([s.value for s in ServiceType], weights=[90, 3, 3, 4])[0]
            package = packages.package_create(
                actor=broker,
                now=at,
                person_reference=f"AS-{rng.randint(100000, 999999)}",
                postcode=rng.choice(postcodes[code]),
                service_type=service,
                cohort=rng.choices([c.value for c in Cohort], weights=[69, 31])[0],
                hours_per_week=Decimal(rng.choice([3.5, 5, 7, 10.5, 14, 21]))
                if service == "personal_care"
                else Decimal(56),
                visit_pattern=rng.choice(VISITS),
                start_date=cal.local(at).date() + dt.timedelta(days=rng.randint(1, 14)),
                needs=rng.choice(NEEDS),
                urgency="urgent" if rng.random() < 0.2 else "routine",
            )
            created += 1
            schedule_answers(at)
            if rng.random() < 0.03:
                packages.package_cancel(
                    actor=broker, package=package, reason="The person went into hospital.", now=at
                )
        elif kind == "answer":
            offer_id, accept = data
            offer = Offer.objects.select_related("provider").get(pk=offer_id)
            if not offer.is_open:
                continue
            staff = _staff_of(offer.provider.organisation_id)
            if accept:
                offers.offer_accept(actor=staff, offer=offer, now=at)
            else:
                offers.offer_decline(
                    actor=staff,
                    offer=offer,
                    now=at,
                    reason=rng.choice(
                        [
                            "No carers free in the area",
                            "Cannot cover the call times",
                            "Round is full until next month",
                        ]
                    ),
                )
            schedule_answers(at)
        elif kind == "lapse":
            offers.offers_lapse_due(now=at)
            schedule_answers(at)
        elif kind == "batching":
            listed = batching.batching_list_issue(now=at)
            if listed is None:
                continue
            for package in listed.packages.all():
                for entry in ranked_list_in_force(lot=package.lot, on=cal.local(at).date()).tier1:
                    if rng.random() < 0.2:
                        batching.batching_return_record(
                            actor=None,
                            batching_list=listed,
                            provider=Provider.objects.get(pk=entry.provider_id),
                            interested={package.pk},
                            now=at + dt.timedelta(hours=1),
                        )
        elif kind == "close":
            batching.batching_lists_close_due(now=at)
            schedule_answers(at)
        elif kind == "available":
            available.available_list_issue(now=at)
    _an_offer_for_the_demo_provider(broker=broker, rng=rng, now=now)
    counts = {
        s: Package.objects.filter(stage=s).count()
        for s in ("tier1", "batching", "tier2", "available", "placed")
    }
    return [
        f"{created + 1} packages over {WORKING_DAYS} working days: "
        + ", ".join(f"{n} {s}" for s, n in counts.items())
        + "."
    ]


def _an_offer_for_the_demo_provider(*, broker: User, rng: random.Random, now: dt.datetime) -> None:
    """So the demo provider's inbox has something to answer when someone signs in."""
    entry = (
        RankedListEntry.objects.select_related("lot__district")
        .filter(
            provider__organisation__users__email="manager@brightpath.example",
            tier=1,
            position=1,
            lot__service_type=ServiceType.PERSONAL_CARE,
            version=ranked_list_version_in_force(on=now.date()),
        )
        .order_by("lot__district__name", "lot__cohort")
        .first()
    )
    if entry is None:
        return
    codes = list(
        Postcode.objects.filter(oslaua=entry.lot.district.code).values_list("postcode", flat=True)[
            :20
        ]
    )
    if not codes:
        return
    packages.package_create(
        actor=broker,
        now=now,
        person_reference="AS-204518",
        postcode=rng.choice(codes),
        service_type=entry.lot.service_type,
        cohort=entry.lot.cohort,
        hours_per_week=Decimal("10.5"),
        visit_pattern="3 calls a day, 30 minutes",
        start_date=now.date() + dt.timedelta(days=3),
        needs="Personal care after hospital discharge",
        urgency="urgent",
    )
