"""Six working weeks of sourcing, replayed through the real services up to now.

Packages arrive through office hours; providers answer, decline or let offers lapse; the 16:00
Batching List, the 10:00 close and the Monday and Thursday lists run on the council's timetable;
spot providers outside the framework propose rates for the Available Packages, and some care
ends. So a broker and a provider see a live working day straight after `make run`, and the
market figures have weeks of history.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
from caremarket.accounts.services import organisation_create, user_create
from caremarket.cqc.demo import DemoLocation, DemoRating, cqc_demo_files_import
from caremarket.framework.models import Cohort, Provider, RankedListEntry, ServiceType
from caremarket.framework.selectors.ranked_lists import (
    ranked_list_in_force,
    ranked_list_version_in_force,
)
from caremarket.geography.models import District, Postcode
from caremarket.sourcing.engine.model import Stage
from caremarket.sourcing.models import Offer, Package, RateProposal
from caremarket.sourcing.services import available, batching, offers, packages
from caremarket.sourcing.services.engine_io import sourcing_rules

WORKING_DAYS = 30
PACKAGES_PER_DAY = 7
SPOT_AGENCIES = 40  # home care agencies in the area that are not on the framework
SPOT_WITH_USERS = 8  # of them, the ones that work with the council and answer the lists
ENDS = 0.1  # placed packages whose care ends within the weeks replayed
END_REASONS = ("Moved into a care home", "Died", "Care no longer needed", "Moved away")
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


def _spot_market(rng: random.Random, now: dt.datetime) -> list[User]:
    """Home care agencies registered in the area but not on the framework (the spot market),
    written to CQC files and imported like the real ones; a few work with the council."""
    postcodes = list(
        Postcode.objects.filter(
            oslaua__in=District.objects.filter(in_council_area=True).values("code")
        ).values_list("postcode", flat=True)
    )
    locations, ratings, agencies = [], [], []
    for n in range(1, SPOT_AGENCIES + 1):
        name = f"{rng.choice(SPOT_NAMES)} {rng.choice(SPOT_KINDS)} {n}"
        provider_id, location_id = f"1-7{n:08d}", f"1-7{n:04d}0001"
        locations.append(
            DemoLocation(
                location_id=location_id,
                provider_id=provider_id,
                name=name,
                provider_name=f"{name} Ltd",
                address=f"{rng.randint(1, 300)} Station Road",
                postcode=rng.choice(postcodes),
            )
        )
        overall = rng.choices(
            ["Outstanding", "Good", "Requires improvement", "Inadequate", ""],
            weights=[3, 55, 25, 4, 13],  # some agencies are new and not yet inspected
        )[0]
        if overall:
            published = timezone.localdate(now - dt.timedelta(days=rng.randint(30, 1000)))
            ratings.append(DemoRating(location_id, "Overall", overall, published))
        agencies.append((f"{name} Ltd", provider_id))
    cqc_demo_files_import(name="demo-spot-agencies", locations=locations, ratings=ratings, now=now)
    staff = []
    for name, provider_id in agencies[:SPOT_WITH_USERS]:
        org = Organisation.objects.filter(
            name=name, kind=OrganisationKind.HOME_CARE_PROVIDER
        ).first() or organisation_create(
            now=now,
            actor=None,
            name=name,
            kind=OrganisationKind.HOME_CARE_PROVIDER,
            reference=provider_id,
        )
        slug = "".join(c for c in name.lower() if c.isalnum())[:30]
        staff.append(
            user_create(
                now=now,
                actor=None,
                organisation=org,
                email=f"office@{slug}.example",
                full_name=f"{name.split()[0]} Office",
                role=Role.PROVIDER_ADMIN,
                send_invitation=False,
            )
        )
    return staff


SPOT_NAMES = ("Abbey", "Blossom", "Caring", "Coastal", "Dedham", "Essex", "Kindly", "Oak", "Valley")
SPOT_KINDS = ("Homecare", "Care at Home", "Domiciliary Care", "Support Services")


def load(*, rng: random.Random, now: dt.datetime, **_: Any) -> list[str]:
    if Package.objects.exists():
        return ["Sourcing demo already loaded."]
    broker = User.objects.filter(email="broker@council.example").first()
    if broker is None or ranked_list_version_in_force(on=timezone.localdate(now)) is None:
        return ["Sourcing demo skipped: no broker or no ranked list in force."]
    rules = sourcing_rules()
    cal = rules.calendar
    spot_staff = _spot_market(rng, now - dt.timedelta(days=60))
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

    def schedule_end(package_id: int) -> None:
        if rng.random() < ENDS:
            start = Package.objects.values_list("start_date", flat=True).get(pk=package_id)
            day = start + dt.timedelta(days=rng.randint(5, 30))
            push(cal.at(day, dt.time(11)), "end", package_id)

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
                schedule_end(offer.package_id)
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
            issued = available.available_list_issue(now=at)
            for package in issued.packages.all() if issued else []:
                roll = rng.random()
                if roll < 0.45 and spot_staff:  # a spot agency proposes, the broker takes it
                    proposer = rng.choice(spot_staff)
                    push(
                        at + dt.timedelta(hours=rng.randint(1, 5)), "propose", package.pk, proposer
                    )
                elif roll < 0.6 and spot_staff:  # bought spot after the calls round the market
                    push(cal.add_working_time(at, dt.timedelta(hours=9)), "spot", package.pk)
        elif kind == "propose":
            package_id, proposer = data
            package = Package.objects.get(pk=package_id)
            if package.stage != Stage.AVAILABLE.value or package.awaiting_available_list:
                continue
            proposal = available.rate_proposal_submit(
                actor=proposer,
                package=package,
                rate=Decimal(rng.choice(["24.50", "25.75", "26.50", "27.00"])),
                notes="We have carers in the area from next week.",
                now=at,
            )
            push(cal.add_working_time(at, dt.timedelta(hours=3)), "take", proposal.pk)
        elif kind == "take":
            proposal = RateProposal.objects.select_related("package").get(pk=data[0])
            if proposal.status != RateProposal.Status.OPEN:
                continue
            if proposal.package.stage != Stage.AVAILABLE.value:
                continue
            packages.package_place_from_proposal(actor=broker, proposal=proposal, now=at)
            schedule_end(proposal.package_id)
        elif kind == "spot":
            package = Package.objects.get(pk=data[0])
            if package.stage != Stage.AVAILABLE.value:
                continue
            packages.package_place_directly(
                actor=broker,
                package=package,
                organisation=rng.choice(spot_staff).organisation,
                rate=Decimal(rng.choice(["27.50", "28.00", "29.50"])),
                route="spot",
                note="No framework provider could cover the calls.",
                now=at,
            )
            schedule_end(package.pk)
        elif kind == "end":
            package = Package.objects.get(pk=data[0])
            last_day = cal.local(at).date() - dt.timedelta(days=1)
            if package.stage == Stage.PLACED.value and last_day >= package.start_date:
                packages.package_end(
                    actor=broker,
                    package=package,
                    ends_on=last_day,
                    reason=rng.choice(END_REASONS),
                    now=at,
                )
    _an_offer_for_the_demo_provider(broker=broker, rng=rng, now=now)
    counts = {
        s: Package.objects.filter(stage=s).count()
        for s in ("tier1", "batching", "tier2", "available", "placed", "ended", "cancelled")
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
            version=ranked_list_version_in_force(on=timezone.localdate(now)),
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
        start_date=timezone.localdate(now) + dt.timedelta(days=3),
        needs="Personal care after hospital discharge",
        urgency="urgent",
    )
