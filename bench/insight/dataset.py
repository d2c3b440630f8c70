"""An Essex-scale adult social care market for the insight benchmark, written with bulk_create.

This is a benchmark dataset, not the platform's own record: rows go straight into the tables
with bulk_create, skipping the services (their checks, audit records and notifications), so a
year of a county's market loads in well under a minute. The sizes follow the council's
published figures: 332 home care providers registered with the CQC in the area, 115 of them on
the Live at Home framework; about 7,465 adults receiving about 128,000 commissioned hours a
week; about 10,000 packages sourced a year; about 15,000 care home rooms in about 330 homes,
87% of them occupied.

The book of care on the last day (today) is made of
- purchase orders carried over from before the framework (2025-11-09), each without a Package
  row (the platform holds no person for them), some ending during the year;
- the year's packages: referred on working days, placed through tier 1, the Batching List,
  tier 2, the Available Packages list, mini-competition or spot, framework placements with a
  new_package purchase order (some later superseded by a change_of_hours order), many of them
  short (hospital discharge, reablement) and ended within weeks;
- spot packages placed before the platform began, with an agreed hourly rate and no order;
- about 20 packages still being sourced, for the demand endpoint.

The number of carried-over orders and their hours are solved for, so the live book lands on the
planned adults and hours. Everything comes from one seeded random generator and today's date.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

SEED = 2026
PLATFORM_START = dt.date(2025, 11, 9)  # the framework began; every provider joined then
PRICE_YEAR_2 = dt.date(2026, 11, 9)  # rates for new orders rose 4% from here

CQC_HOME_CARE_PROVIDERS = 332  # registered in the council's area
FRAMEWORK_PROVIDERS = 115
SPOT_ORGANISATIONS = 72  # non-framework agencies the council has placed with
DORMANT_FRAMEWORK = 7  # on the framework, no package yet
PAST_SPOT = 15  # spot agencies whose council-funded care all ended in the year
OUT_OF_AREA_AGENCIES = 40  # in the CQC file, branches outside the area (filtered out)
GOOD_SHARE = 0.89
TARGET_ADULTS = 7465
TARGET_HOURS = 128_000
REFERRALS_IN_52_WEEKS = 10_000
UNSOURCED = 20
LEGACY_SPOT = 700  # spot packages placed before the platform began
CARRIED_OVER_ENDING = 0.30  # share of carried-over orders whose care ended in the year
CARE_HOMES = 330
ROOMS_PER_HOME = 45.5
CARE_HOME_PROVIDERS = 180

# Rough populations (thousands): where people, packages and homes are.
DISTRICT_WEIGHTS = {
    "Basildon": 188,
    "Braintree": 157,
    "Brentwood": 77,
    "Castle Point": 90,
    "Chelmsford": 181,
    "Colchester": 195,
    "Epping Forest": 134,
    "Harlow": 94,
    "Maldon": 66,
    "Rochford": 88,
    "Tendring": 148,
    "Uttlesford": 92,
}
RURAL = ("Maldon", "Uttlesford")
INWARD = "ABDEFGHJLNPQRSTUWXYZ"

# service type: (share of packages, unit, framework rate bands 2025/26)
SERVICES = {
    "personal_care": (0.905, "hour", ("23.50", "24.25", "25.00", "25.75")),
    "night_sleep": (0.035, "night", ("95.00", "102.50", "110.00")),
    "night_awake": (0.030, "night", ("165.00", "172.50", "180.00")),
    "live_in": (0.030, "week", ("1150.00", "1225.00", "1300.00")),
}
# Rates carried over from the previous contracts were lower.
OLD_RATES = {
    "personal_care": ("20.50", "21.20", "21.80", "22.40", "23.00"),
    "night_sleep": ("88.00", "92.00", "96.00"),
    "night_awake": ("150.00", "158.00", "165.00"),
    "live_in": ("1050.00", "1100.00", "1150.00"),
}
# Agreed outside the matrix, by the hour (the placement forms ask so).
HOURLY_AGREED = {
    "personal_care": (25.0, 32.0),
    "night_sleep": (12.0, 14.5),
    "night_awake": (20.0, 23.0),
    "live_in": (7.5, 9.0),
}
# route: (share of placements, working hours to place (low, high))
ROUTES = {
    "tier1": (0.52, (0.2, 6.0)),
    "batching": (0.13, (17.0, 26.0)),
    "tier2": (0.25, (8.0, 40.0)),
    "available": (0.035, (30.0, 110.0)),
    "mini_competition": (0.005, (60.0, 150.0)),
    "spot": (0.06, (20.0, 90.0)),
}
FRAMEWORK_ROUTES = ("tier1", "batching", "tier2")  # placed at matrix rates, with an order
CANCELLED_SHARE = 0.04


@dataclass
class Care:
    """One package of care as planned: an order's span, a package's, or both."""

    reference: str
    person: str | None  # None: carried over, no Package row
    district_id: int
    outward: str
    service: str
    cohort: str
    hours: Decimal  # the hours in force on the last day (or when the care ended)
    starts_on: dt.date
    last_day: dt.date | None  # inclusive; None while the care goes on
    organisation_id: int
    provider_id: int | None  # a framework provider: the care is under purchase orders
    route: str
    rate: Decimal  # the order's rate, or the agreed hourly rate
    created_at: dt.datetime | None = None
    placed_at: dt.datetime | None = None
    urgent: bool = False
    change_on: dt.date | None = None  # a change of hours took effect on this day
    hours_before: Decimal | None = None

    def live_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.last_day is None or self.last_day >= day)


def _quarter_hours(value: float) -> Decimal:
    return Decimal(max(1, round(value * 4))) / 4


def _hours_for(rng: random.Random, service: str) -> Decimal:
    if service == "personal_care":
        return _quarter_hours(min(70.0, max(1.75, rng.lognormvariate(2.2, 0.6))))
    if service in ("night_sleep", "night_awake"):
        return Decimal(8 * rng.choice((3, 4, 5, 5, 7, 7, 7)))
    return Decimal(rng.choice((112, 140, 168)))


def _pick_service(rng: random.Random) -> str:
    return rng.choices(list(SERVICES), [s[0] for s in SERVICES.values()])[0]


def _duration_days(rng: random.Random) -> int:
    """Many packages are short (after a hospital stay); the rest last years."""
    if rng.random() < 0.55:
        return 7 + int(rng.expovariate(1 / 35))
    return 28 + int(rng.expovariate(1 / 900))


class Market:
    """The generator's state; `generate` drives it."""

    def __init__(self, seed: int, now: dt.datetime) -> None:
        from caremarket.sourcing.engine.calendar import LONDON, WorkingCalendar

        self.rng = random.Random(seed)
        self.now = now
        self.today = now.astimezone(LONDON).date()
        self.calendar = WorkingCalendar()
        self.counts: Counter[str] = Counter()

    # -- places ----------------------------------------------------------------------------

    def places(self) -> None:
        from caremarket.geography.models import District, OutwardCode

        self.districts = list(District.objects.filter(in_council_area=True).order_by("name"))
        self.district_weights = [DISTRICT_WEIGHTS.get(d.name, 100) for d in self.districts]
        self.outwards: dict[int, list[str]] = defaultdict(list)
        self.foreign_outwards: list[str] = []
        council_ids = {d.pk for d in self.districts}
        for code, district_id in OutwardCode.objects.order_by("code").values_list(
            "code", "district_id"
        ):
            if district_id in council_ids:
                self.outwards[district_id].append(code)
            else:
                self.foreign_outwards.append(code)
        self.rural = {d.pk for d in self.districts if d.name in RURAL}

    def postcode(self, outward: str) -> str:
        rng = self.rng
        return f"{outward} {rng.randint(1, 9)}{rng.choice(INWARD)}{rng.choice(INWARD)}"

    def district(self) -> tuple[int, str]:
        district = self.rng.choices(self.districts, self.district_weights)[0]
        return district.pk, self.rng.choice(self.outwards[district.pk])

    # -- organisations, people, the CQC directory -------------------------------------------

    def organisations(self) -> None:
        from django.contrib.auth.hashers import make_password

        from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
        from caremarket.cqc.models import CqcLocation, CqcRating
        from caremarket.framework.models import Provider

        rng, now = self.rng, self.now
        self.council = Organisation.objects.create(
            name="Essex County Council", kind=OrganisationKind.COUNCIL, reference="E10000012"
        )
        unusable = make_password(None)
        self.broker = User.objects.create(
            email="broker@bench.example",
            full_name="Bench Broker",
            organisation=self.council,
            role=Role.BROKER,
            password=unusable,
        )
        # The CQC register: every home care provider in the area, some with two branches.
        providers = []
        good = set(
            rng.sample(range(CQC_HOME_CARE_PROVIDERS), round(GOOD_SHARE * CQC_HOME_CARE_PROVIDERS))
        )
        for n in range(CQC_HOME_CARE_PROVIDERS):
            kind = (
                "framework"
                if n < FRAMEWORK_PROVIDERS
                else "spot"
                if n < FRAMEWORK_PROVIDERS + SPOT_ORGANISATIONS
                else "registered"
            )
            home_district, _ = self.district()
            serves = {home_district}
            while len(serves) < rng.choice((1, 2, 2, 3, 4)):
                serves.add(self.district()[0])
            providers.append(
                {
                    "n": n,
                    "kind": kind,
                    "cqc_id": f"1-2{n:09d}",
                    "name": f"Bench Home Care {n + 1} Ltd",
                    "serves": sorted(serves),
                    "branches": 2 if kind == "framework" and rng.random() < 0.25 else 1,
                    "good": n in good,
                    "size": rng.paretovariate(1.3),
                }
            )
        locations, ratings = [], []

        def rate(location_id: str, overall: str) -> None:
            published = self.today - dt.timedelta(days=rng.randint(60, 1100))
            ratings.append(
                CqcRating(
                    location_id=location_id,
                    domain="Overall",
                    rating=overall,
                    published_on=published,
                )
            )
            for domain in ("Safe", "Effective", "Caring", "Responsive", "Well-led"):
                ratings.append(
                    CqcRating(
                        location_id=location_id,
                        domain=domain,
                        rating=rng.choice(("Good", "Good", "Good", overall)),
                        published_on=published,
                    )
                )

        for p in providers:
            for b in range(p["branches"]):
                district_id = p["serves"][b % len(p["serves"])]
                location_id = f"1-1{p['n']:06d}{b:03d}"
                locations.append(
                    CqcLocation(
                        location_id=location_id,
                        provider_id=p["cqc_id"],
                        name=f"{p['name'].removesuffix(' Ltd')} - branch {b + 1}",
                        address=f"{rng.randint(1, 200)} High Street",
                        postcode=self.postcode(rng.choice(self.outwards[district_id])),
                        service_types=["Homecare agencies"],
                        provider_name=p["name"],
                        local_authority="Essex",
                        region="East",
                        registered=True,
                        updated_at=now,
                    )
                )
                if p["good"]:
                    overall = rng.choice(("Good",) * 6 + ("Outstanding",))
                else:  # one weaker branch is enough to fall short
                    overall = rng.choice(("Requires improvement",) * 5 + ("Inadequate",))
                    if b:
                        overall = "Good"
                rate(location_id, overall)
        # Agencies registered just outside the area (Southend, Thurrock, ...): filtered out.
        for n in range(OUT_OF_AREA_AGENCIES):
            location_id = f"1-8{n:09d}"
            locations.append(
                CqcLocation(
                    location_id=location_id,
                    provider_id=f"1-9{n:09d}",
                    name=f"Neighbouring Care {n + 1}",
                    postcode=self.postcode(rng.choice(self.foreign_outwards)),
                    service_types=["Homecare agencies"],
                    provider_name=f"Neighbouring Care {n + 1} Ltd",
                    registered=True,
                    updated_at=now,
                )
            )
            rate(location_id, rng.choice(("Good", "Good", "Requires improvement")))
        self.cqc_locations, self.cqc_ratings = locations, ratings

        # The platform's home care organisations: framework providers and spot agencies.
        organisations = [
            Organisation(
                name=p["name"],
                kind=OrganisationKind.HOME_CARE_PROVIDER,
                reference=p["cqc_id"],
                email=f"office{p['n']}@homecare.bench.example",
            )
            for p in providers
            if p["kind"] != "registered"
        ]
        Organisation.objects.bulk_create(organisations)
        for p, org in zip(providers, organisations, strict=False):
            p["organisation_id"] = org.pk
        framework = [p for p in providers if p["kind"] == "framework"]
        rows = Provider.objects.bulk_create(
            [
                Provider(
                    organisation_id=p["organisation_id"],
                    cqc_provider_id=p["cqc_id"],
                    joined_on=PLATFORM_START,
                    tier1_eligible=p["good"],
                )
                for p in framework
            ]
        )
        for p, row in zip(framework, rows, strict=True):
            p["provider_id"] = row.pk
            # Each provider chose one band a year for its lots; rural districts pay £1.50 more.
            p["band"] = rng.randrange(4)
        self.framework = framework
        self.spot = [p for p in providers if p["kind"] == "spot"]
        # Not everyone works: a few framework providers have won nothing yet, and some spot
        # agencies only had care from before the platform, all of which ended in the year.
        for p in sorted(framework, key=lambda p: p["size"])[:DORMANT_FRAMEWORK]:
            p["size"] = 0
        self.past_spot = self.spot[-PAST_SPOT:]
        for p in self.past_spot:
            p["size"] = 0
        self.by_district: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for p in framework + self.spot:
            for district_id in p["serves"]:
                self.by_district[(p["kind"], district_id)].append(p)
        # A provider's office user, for the demand endpoint (providers plan with it).
        self.provider_user = User.objects.create(
            email="office@homecare.bench.example",
            full_name="Bench Provider Office",
            organisation_id=framework[0]["organisation_id"],
            role=Role.PROVIDER_USER,
            password=unusable,
        )
        self.counts["cqc_home_care_providers"] = len(providers)
        self.counts["framework_providers"] = len(framework)
        self.counts["spot_organisations"] = len(self.spot)

    def provider_for(self, kind: str, district_id: int) -> dict:
        """A provider serving the district, larger ones more often; dormant ones never."""
        members = [p for p in self.by_district.get((kind, district_id), []) if p["size"]]
        if not members:
            members = [
                p for p in (self.framework if kind == "framework" else self.spot) if p["size"]
            ]
        return self.rng.choices(members, [p["size"] for p in members])[0]

    def matrix_rate(self, p: dict, service: str, district_id: int, on: dt.date) -> Decimal:
        bands = SERVICES[service][2]
        amount = Decimal(bands[min(p["band"], len(bands) - 1)])
        if on >= PRICE_YEAR_2:
            amount = (amount * Decimal("1.04")).quantize(Decimal("0.01"))
        if service == "personal_care" and district_id in self.rural:
            amount += Decimal("1.50")
        return amount

    def agreed_rate(self, service: str) -> Decimal:
        low, high = HOURLY_AGREED[service]
        return Decimal(str(round(self.rng.uniform(low, high), 2)))

    # -- the book of care --------------------------------------------------------------------

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        days, day = [], start
        while day <= end:
            if self.calendar.is_working_day(day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def referrals(self) -> list[Care]:
        """The platform's packages: referred on working days since the framework began."""
        from caremarket.insight.selectors.periods import range_preset

        rng, cal = self.rng, self.calendar
        year = range_preset("52w", today=self.today)
        per_day = REFERRALS_IN_52_WEEKS / len(self.working_days(year.starts_on, year.ends_on))
        recent_personal: list[str] = []
        self.person_count = 0
        cares: list[Care] = []
        self.cancelled: list[tuple[Care, dt.datetime]] = []
        for day in self.working_days(PLATFORM_START, self.today):
            for _ in range(max(0, round(rng.gauss(per_day, math.sqrt(per_day))))):
                created = cal.at(day, dt.time(9)) + dt.timedelta(minutes=rng.randrange(8 * 60))
                if created >= self.now:
                    continue
                service = _pick_service(rng)
                cohort = "older_people" if rng.random() < 0.8 else "ld_autism"
                district_id, outward = self.district()
                if service != "personal_care" and recent_personal and rng.random() < 0.7:
                    person = rng.choice(recent_personal[-300:])  # night care beside day care
                else:
                    self.person_count += 1
                    person = f"AS-{self.person_count:06d}"
                    if service == "personal_care":
                        recent_personal.append(person)
                urgent = rng.random() < 0.25
                route = rng.choices(list(ROUTES), [r[0] for r in ROUTES.values()])[0]
                low, high = ROUTES[route][1]
                placed = cal.add_working_time(created, dt.timedelta(hours=rng.uniform(low, high)))
                if placed > self.now:  # still being sourced: the unsourced few are added later
                    continue
                care = Care(
                    reference="",
                    person=person,
                    district_id=district_id,
                    outward=outward,
                    service=service,
                    cohort=cohort,
                    hours=_hours_for(rng, service),
                    starts_on=dt.date.min,
                    last_day=None,
                    organisation_id=0,
                    provider_id=None,
                    route=route,
                    rate=Decimal(0),
                    created_at=created,
                    placed_at=None,
                    urgent=urgent,
                )
                if rng.random() < CANCELLED_SHARE:
                    self.cancelled.append(
                        (
                            care,
                            cal.add_working_time(created, dt.timedelta(hours=rng.uniform(1, 30))),
                        )
                    )
                    continue
                placed_on = cal.local(placed).date()
                care.placed_at = placed
                care.starts_on = placed_on + dt.timedelta(
                    days=rng.randint(0, 1) if urgent else rng.randint(1, 10)
                )
                last = care.starts_on + dt.timedelta(days=_duration_days(rng) - 1)
                care.last_day = last if last < self.today else None
                self.place(care)
                cares.append(care)
        return cares

    def place(self, care: Care) -> None:
        # Available Packages go to framework providers too, at a rate they propose.
        framework = care.route in (*FRAMEWORK_ROUTES, "mini_competition") or (
            care.route == "available" and self.rng.random() < 0.4
        )
        p = self.provider_for("framework" if framework else "spot", care.district_id)
        care.organisation_id = p["organisation_id"]
        if care.route in FRAMEWORK_ROUTES:
            care.provider_id = p["provider_id"]
            care.rate = self.matrix_rate(p, care.service, care.district_id, care.starts_on)
            self.maybe_change_hours(care)
        else:
            care.rate = self.agreed_rate(care.service)

    def maybe_change_hours(self, care: Care, share: float = 0.12) -> None:
        """Some long packages change hours: the order ends and a successor starts."""
        rng = self.rng
        end = min(self.today, care.last_day or self.today)
        if (end - care.starts_on).days < 90 or rng.random() >= share:
            return
        if care.service != "personal_care":
            return
        care.change_on = care.starts_on + dt.timedelta(
            days=rng.randint(30, (end - care.starts_on).days - 1)
        )
        care.hours_before = care.hours
        care.hours = _quarter_hours(float(care.hours) * rng.choice((0.75, 1.25, 1.5)))

    def legacy_spot(self) -> list[Care]:
        """Spot packages placed before the platform began, carried onto it as packages."""
        rng, cal = self.rng, self.calendar
        cares = []
        for _ in range(LEGACY_SPOT):
            starts = PLATFORM_START - dt.timedelta(days=rng.randint(20, 5 * 365))
            created = cal.at(starts - dt.timedelta(days=7), dt.time(11))
            past = rng.random() < 0.12
            ends = past or rng.random() < CARRIED_OVER_ENDING
            service = "personal_care" if rng.random() < 0.95 else "night_sleep"
            district_id, outward = self.district()
            self.person_count += 1
            care = Care(
                reference="",
                person=f"AS-{self.person_count:06d}",
                district_id=district_id,
                outward=outward,
                service=service,
                cohort="older_people" if rng.random() < 0.8 else "ld_autism",
                hours=_hours_for(rng, service),
                starts_on=starts,
                last_day=(
                    PLATFORM_START
                    + dt.timedelta(days=rng.randrange((self.today - PLATFORM_START).days))
                    if ends
                    else None
                ),
                organisation_id=(
                    rng.choice(self.past_spot) if past else self.provider_for("spot", district_id)
                )["organisation_id"],
                provider_id=None,
                route="spot",
                rate=self.agreed_rate(service),
                created_at=created,
                placed_at=created + dt.timedelta(days=2),
            )
            cares.append(care)
        return cares

    def carried_over(self, live_adults: int, live_hours: Decimal) -> list[Care]:
        """Orders carried over from the previous contracts: as many as the planned adults
        need, with their hours scaled so the live book lands on the planned hours."""
        rng = self.rng
        live = max(0, TARGET_ADULTS - live_adults)
        total = round(live / (1 - CARRIED_OVER_ENDING))
        ending = set(rng.sample(range(total), total - live))
        cares = []
        for n in range(total):
            district_id, outward = self.district()
            service = _pick_service(rng)
            p = self.provider_for("framework", district_id)
            ends = n in ending
            care = Care(
                reference=f"CO-{n + 1:06d}",
                person=None,
                district_id=district_id,
                outward=outward,
                service=service,
                cohort="older_people" if rng.random() < 0.8 else "ld_autism",
                hours=_hours_for(rng, service),
                starts_on=PLATFORM_START - dt.timedelta(days=rng.randint(1, 6 * 365)),
                last_day=(
                    PLATFORM_START
                    + dt.timedelta(days=rng.randrange((self.today - PLATFORM_START).days))
                    if ends
                    else None
                ),
                organisation_id=p["organisation_id"],
                provider_id=p["provider_id"],
                route="",
                rate=Decimal(rng.choice(OLD_RATES[service])),
            )
            cares.append(care)
        for c in cares:
            # A change of hours comes after the framework's start.
            saved = c.starts_on
            c.starts_on = PLATFORM_START - dt.timedelta(days=1)
            self.maybe_change_hours(c, share=0.08)
            c.starts_on = saved
        # Scale the personal care hours of the live carried-over orders to meet the target.
        personal = [c for c in cares if c.last_day is None and c.service == "personal_care"]
        other = sum(
            (c.hours for c in cares if c.last_day is None and c not in personal), Decimal(0)
        )
        have = sum((c.hours for c in personal), Decimal(0))
        want = Decimal(TARGET_HOURS) - live_hours - other
        factor = float(want / have) if have else 1.0
        self.counts["carried_over_hours_factor_x100"] = round(factor * 100)
        factor = min(1.6, max(0.6, factor))
        for c in personal:
            c.hours = _quarter_hours(float(c.hours) * factor)
            if c.hours_before is not None:
                c.hours_before = _quarter_hours(float(c.hours_before) * factor)
        return cares

    def unsourced(self) -> list[tuple[Care, str]]:
        """Packages still being sourced now: mostly referred in the last few working days."""
        rng, cal = self.rng, self.calendar
        recent = self.working_days(self.today - dt.timedelta(days=21), self.today)
        stages = ["tier1"] * 7 + ["batching"] * 5 + ["tier2"] * 3 + ["available"] * 5
        waiting = []
        for n in range(UNSOURCED):
            stage = stages[n % len(stages)]
            back = rng.randint(0, 2) if stage != "available" else rng.randint(3, len(recent) - 1)
            day = recent[-1 - min(back, len(recent) - 1)]
            created = cal.at(day, dt.time(9)) + dt.timedelta(minutes=rng.randrange(7 * 60))
            if created >= self.now:
                created = self.now - dt.timedelta(hours=rng.uniform(0.5, 5))
            district_id, outward = self.district()
            service = _pick_service(rng)
            self.person_count += 1
            care = Care(
                reference="",
                person=f"AS-{self.person_count:06d}",
                district_id=district_id,
                outward=outward,
                service=service,
                cohort="older_people" if rng.random() < 0.8 else "ld_autism",
                hours=_hours_for(rng, service),
                starts_on=cal.local(created).date() + dt.timedelta(days=rng.randint(1, 7)),
                last_day=None,
                organisation_id=0,
                provider_id=None,
                route="",
                rate=Decimal(0),
                created_at=created,
                urgent=rng.random() < 0.3,
            )
            waiting.append((care, stage))
        return waiting

    def write_book(self) -> None:
        from caremarket.framework.models import Lot, PurchaseOrder
        from caremarket.framework.services.lots import lot_create_all
        from caremarket.sourcing.models import Package

        lot_create_all(actor=None, now=self.now)
        lots = {
            (lot.district_id, lot.service_type, lot.cohort): lot.pk for lot in Lot.objects.all()
        }
        self.counts["lots"] = len(lots)
        placed = self.referrals() + self.legacy_spot()
        live = [c for c in placed if c.live_on(self.today)]
        live_adults = len({c.person for c in live})
        live_hours = sum((c.hours for c in live), Decimal(0))
        carried = self.carried_over(live_adults, live_hours)
        waiting = self.unsourced()

        packages: list[tuple[dt.datetime, Package, Care | None]] = []
        visits = ("2 calls a day, 7 days", "4 calls a day, 7 days", "1 call a day, weekdays")

        def package(care: Care, **fields: object) -> Package:
            return Package(
                person_reference=care.person,
                postcode=self.postcode(care.outward),
                outward_code=care.outward,
                district_id=care.district_id,
                lot_id=lots[(care.district_id, care.service, care.cohort)],
                hours_per_week=care.hours_before or care.hours,
                visit_pattern=self.rng.choice(visits),
                start_date=care.starts_on,
                urgency="urgent" if care.urgent else "routine",
                created_by=self.broker,
                created_at=care.created_at,
                **fields,
            )

        for care in placed:
            ended = care.last_day is not None
            packages.append(
                (
                    care.created_at,
                    package(
                        care,
                        stage="ended" if ended else "placed",
                        placed_with_id=care.organisation_id,
                        placed_at=care.placed_at,
                        route=care.route,
                        agreed_rate=None if care.provider_id else care.rate,
                        ended_on=care.last_day,
                        closed_reason="Care ended" if ended else "",
                    ),
                    care,
                )
            )
        for care, cancelled_at in self.cancelled:
            care.starts_on = cal_date(cancelled_at) + dt.timedelta(days=3)
            packages.append(
                (
                    care.created_at,
                    package(
                        care,
                        stage="cancelled",
                        cancelled_at=cancelled_at,
                        closed_reason="No longer needed",
                    ),
                    None,
                )
            )
        for care, stage in waiting:
            packages.append(
                (
                    care.created_at,
                    package(
                        care,
                        stage=stage,
                        awaiting_batching=stage == "batching",
                        awaiting_available_list=stage == "available",
                    ),
                    None,
                )
            )
        packages.sort(key=lambda row: row[0])
        for n, (_, row, care) in enumerate(packages, start=1):
            row.reference = f"PKG-{n:06d}"
            if care is not None:
                care.reference = row.reference
        Package.objects.bulk_create([row for _, row, _ in packages], batch_size=2000)

        # Purchase orders: carried over, and the framework placements of the year.
        orders, successors = [], []
        units = {s: v[1] for s, v in SERVICES.items()}
        counter = 0
        for care in carried + [c for c in placed if c.provider_id]:
            counter += 1
            lot_id = lots[(care.district_id, care.service, care.cohort)]
            first_end = care.last_day
            if care.change_on:
                first_end = care.change_on - dt.timedelta(days=1)
            issued = (
                self.calendar.at(PLATFORM_START, dt.time(9))
                if care.person is None
                else care.placed_at
            )
            order = PurchaseOrder(
                reference=f"PO-{counter:07d}",
                package_reference=care.reference,
                provider_id=care.provider_id,
                lot_id=lot_id,
                hours_per_week=care.hours_before or care.hours,
                rate=care.rate,
                unit=units[care.service],
                reason="carried_over" if care.person is None else "new_package",
                starts_on=care.starts_on,
                ends_on=first_end,
                issued_by=None if care.person is None else self.broker,
                issued_at=issued,
            )
            orders.append(order)
            if care.change_on:
                successors.append((order, care))
        PurchaseOrder.objects.bulk_create(orders, batch_size=2000)
        later = []
        for order, care in successors:
            counter += 1
            later.append(
                PurchaseOrder(
                    reference=f"PO-{counter:07d}",
                    package_reference=care.reference,
                    provider_id=care.provider_id,
                    lot_id=order.lot_id,
                    hours_per_week=care.hours,
                    rate=care.rate,
                    unit=order.unit,
                    reason="change_of_hours",
                    starts_on=care.change_on,
                    ends_on=care.last_day,
                    supersedes=order,
                    issued_by=self.broker,
                    issued_at=self.calendar.at(care.change_on - dt.timedelta(days=3), dt.time(10)),
                )
            )
        PurchaseOrder.objects.bulk_create(later, batch_size=2000)

        every = carried + placed
        live_all = [c for c in every if c.live_on(self.today)]
        self.counts.update(
            {
                "packages": len(packages),
                "packages_placed": len(placed),
                "packages_cancelled": len(self.cancelled),
                "packages_unsourced": len(waiting),
                "purchase_orders": len(orders) + len(later),
                "carried_over_orders": len(carried),
                "change_of_hours_orders": len(later),
                "live_packages": len(live_all),
                "live_adults": len({c.person or c.reference for c in live_all}),
                "live_hours": int(sum((c.hours for c in live_all), Decimal(0))),
                "live_framework_providers": len(
                    {c.organisation_id for c in live_all if c.provider_id}
                ),
                "live_organisations": len({c.organisation_id for c in live_all}),
                "packages_referred_since_platform_start": sum(
                    1 for at, _, _ in packages if at.date() >= PLATFORM_START
                ),
            }
        )

    # -- care homes --------------------------------------------------------------------------

    def care_homes(self) -> None:
        from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
        from caremarket.carehomes.models import Booking, CareHome, Room, Suspension
        from caremarket.cqc.models import CqcLocation, CqcRating
        from caremarket.geography.models import OutwardCode

        rng, now, today = self.rng, self.now, self.today
        owners = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench Care Homes {n + 1}", kind=OrganisationKind.CARE_HOME_PROVIDER
                )
                for n in range(CARE_HOME_PROVIDERS)
            ]
        )
        recorder = User.objects.create(
            email="manager@carehomes.bench.example",
            full_name="Bench Home Manager",
            organisation=owners[0],
            role=Role.PROVIDER_ADMIN,
            password=self.broker.password,
        )
        positions = {o.code: (o.lat, o.lng) for o in OutwardCode.objects.all()}
        owner_weights = [rng.paretovariate(1.1) for _ in owners]
        beta_b = 1.2 * (110 / (ROOMS_PER_HOME - 10) - 1)
        homes, home_rooms = [], []
        long_ago = dt.datetime(2015, 4, 1, 9, tzinfo=dt.UTC)
        for h in range(CARE_HOMES):
            district_id, outward = self.district()
            lat, lng = positions[outward]
            older = rng.random() < 0.85
            care = (1 if older else 2) | (4 if rng.random() < 0.45 else 0)
            care |= sum(1 << b for b in range(3, 10) if rng.random() < 0.1)
            # A few homes opened during the year and are still filling up.
            opened = now - dt.timedelta(days=rng.randint(90, 330)) if h % 110 == 7 else long_ago
            stale = rng.random() < 0.06
            homes.append(
                CareHome(
                    provider=rng.choices(owners, owner_weights)[0],
                    cqc_location_id=f"1-3{h:09d}",
                    name=f"Bench Care Home {h + 1}",
                    address=f"{h + 1} Church Lane",
                    postcode=self.postcode(outward),
                    district_id=district_id,
                    lat=lat + rng.gauss(0, 0.02),
                    lng=lng + rng.gauss(0, 0.03),
                    care_types=care,
                    facilities=rng.getrandbits(10),
                    provides_nursing=rng.random() < 0.35,
                    cqc_overall_rating=rng.choice(
                        ("Good",) * 7 + ("Outstanding", "Requires improvement")
                    ),
                    is_active=True,
                    created_at=opened,
                    details_updated_at=now,
                    vacancies_updated_at=now
                    - dt.timedelta(
                        days=rng.randint(8, 40) if stale else 0, hours=rng.randint(1, 96)
                    ),
                )
            )
            home_rooms.append(10 + int(rng.betavariate(1.2, beta_b) * 110))
        CareHome.objects.bulk_create(homes)
        self.counts["care_homes"] = len(homes)
        self.counts["care_homes_stale"] = sum(
            1 for home in homes if (now - home.vacancies_updated_at).days >= 8
        )
        locations, ratings = [], []
        for home in homes:
            kind = "with" if home.provides_nursing else "without"
            locations.append(
                CqcLocation(
                    location_id=home.cqc_location_id,
                    provider_id=f"1-4{home.provider_id:09d}",
                    name=home.name,
                    postcode=home.postcode,
                    service_types=[f"Care home service {kind} nursing"],
                    provider_name=home.provider.name,
                    registered=True,
                    updated_at=now,
                )
            )
            ratings.append(
                CqcRating(
                    location_id=home.cqc_location_id,
                    domain="Overall",
                    rating=home.cqc_overall_rating,
                )
            )
        CqcLocation.objects.bulk_create(self.cqc_locations + locations, batch_size=2000)
        CqcRating.objects.bulk_create(self.cqc_ratings + ratings, batch_size=2000)

        rooms: list[Room] = []
        holds: list[list[tuple]] = []
        for home, count in zip(homes, home_rooms, strict=True):
            for n in range(1, count + 1):
                rooms.append(
                    Room(
                        home=home,
                        name=f"Room {n}",
                        contract_type="spot",
                        accepts_la_rate=rng.random() < 0.7,
                        accepts_top_up=rng.random() < 0.4,
                        features=sum(
                            1 << b
                            for b, p in enumerate((0.6, 0.3, 0.3, 0.05, 0.35, 0.3, 0.1, 0.04))
                            if rng.random() < p
                        ),
                        created_at=home.created_at,
                        updated_at=now,
                    )
                )
                free_from, room_holds = self.room_holds(cal_date(home.created_at))
                rooms[-1].free_from = free_from
                holds.append(room_holds)
        Room.objects.bulk_create(rooms, batch_size=5000)
        bookings, suspensions = [], []
        for room, room_holds in zip(rooms, holds, strict=True):
            for kind, starts, ends, status, asked in room_holds:
                if kind == "suspension":
                    suspensions.append(
                        Suspension(
                            room=room,
                            starts_on=starts,
                            ends_on=ends,
                            reason=rng.choice(("decoration", "decoration", "infection_control")),
                            created_at=cal_at(starts - dt.timedelta(days=2)),
                        )
                    )
                    continue
                requested = cal_at(asked) + dt.timedelta(minutes=rng.randrange(480))
                decided = (
                    None
                    if status == "requested"
                    else requested + dt.timedelta(hours=rng.uniform(1, 40))
                )
                bookings.append(
                    Booking(
                        room=room,
                        status=status,
                        starts_on=starts,
                        ends_on=ends,
                        person_reference=f"CH-{len(bookings) + 1:07d}",
                        funding=rng.choice(
                            ("local_authority",) * 5 + ("self_funder",) * 3 + ("nhs",)
                        ),
                        requested_by=self.broker,
                        requester_organisation=self.council,
                        requested_at=requested,
                        decided_by=None if status == "requested" else recorder,
                        decided_at=decided,
                        rejection_stage="after_assessment" if status == "rejected" else "",
                        rejection_reason=(
                            rng.choice(("needs_not_met", "no_staff", "funding", "room_unsuitable"))
                            if status == "rejected"
                            else ""
                        ),
                        ended_by=recorder if status == "ended" else None,
                        ended_at=cal_at(ends) if status == "ended" and ends else None,
                    )
                )
        Booking.objects.bulk_create(bookings, batch_size=5000)
        Suspension.objects.bulk_create(suspensions, batch_size=5000)
        statuses = Counter(b.status for b in bookings)
        self.counts.update(
            {
                "rooms": len(rooms),
                "bookings": len(bookings),
                **{f"bookings_{k}": v for k, v in sorted(statuses.items())},
                "suspensions": len(suspensions),
                "rooms_occupied_today": sum(
                    1
                    for room_holds in holds
                    if any(
                        k == "booking"
                        and s in ("accepted", "ended")
                        and a <= today
                        and (e is None or e > today)
                        for k, a, e, s, _ in room_holds
                    )
                ),
            }
        )

    def room_holds(self, opened: dt.date) -> tuple[dt.date | None, list[tuple]]:
        """A room's holds end to end over two years (and a stay in progress two years ago):
        (kind, starts_on, ends_on exclusive, status, asked on). Rejected requests hold nothing
        but reserve the room while the home decides."""
        rng, today = self.rng, self.today
        holds: list[tuple] = []
        window = today - dt.timedelta(days=730)
        if opened > window:
            day = opened + dt.timedelta(days=rng.randint(0, 75))
        else:
            day = window - dt.timedelta(days=rng.randint(0, 300))
        free_since = held_until = opened
        while True:
            stay = int(rng.expovariate(1 / 300)) + 14
            asked = max(free_since, day - dt.timedelta(days=rng.randint(0, 4)))
            if day + dt.timedelta(days=stay) <= today:
                end = day + dt.timedelta(days=stay)
                holds.append(("booking", day, end, "ended", asked))
                gap = rng.randint(1, 89)
                if rng.random() < 0.2 and gap > 3:  # a request the home turned down
                    on = end + dt.timedelta(days=rng.randint(0, gap - 2))
                    if on < today:
                        holds.append(("booking", on, None, "rejected", on))
                free_since = end
                if rng.random() < 0.05 and gap > 20:  # redecorated between residents
                    holds.append(("suspension", end, end + dt.timedelta(days=14), "", end))
                    held_until = end + dt.timedelta(days=14)
                else:
                    held_until = end
                day = end + dt.timedelta(days=gap)
                continue
            break
        if day <= today:  # a resident today, most with no end date yet
            if rng.random() < 0.05:
                end = today + dt.timedelta(days=rng.randint(1, 60))
                holds.append(("booking", day, end, "accepted", asked))
                return end, holds
            holds.append(("booking", day, None, "accepted", asked))
            return None, holds
        roll = rng.random()
        if roll < 0.12:  # vacant, a request awaits the home's answer
            start = max(held_until, today + dt.timedelta(days=rng.randint(1, 5)))
            holds.append(("booking", start, None, "requested", today - dt.timedelta(days=1)))
            return None, holds
        if roll < 0.16 and held_until <= today:  # vacant but out of use for a while
            start = max(held_until, today - dt.timedelta(days=rng.randint(0, 10)))
            end = None if rng.random() < 0.3 else today + dt.timedelta(days=rng.randint(3, 21))
            holds.append(("suspension", start, end, "", start))
            return end, holds
        if roll < 0.30:  # booked to arrive soon (reserved today)
            holds.append(
                ("booking", day, None, "accepted", max(free_since, today - dt.timedelta(days=2)))
            )
            return None, holds
        return free_since, holds


def cal_date(at: dt.datetime) -> dt.date:
    from caremarket.sourcing.engine.calendar import LONDON

    return at.astimezone(LONDON).date()


def cal_at(day: dt.date) -> dt.datetime:
    from caremarket.sourcing.engine.calendar import LONDON

    return dt.datetime.combine(day, dt.time(10), tzinfo=LONDON)


def generate(*, seed: int = SEED, now: dt.datetime | None = None) -> dict[str, int]:
    """Write the market into the (migrated, empty) database Django is configured with."""
    from django.db import connection, transaction
    from django.utils import timezone

    started = time.perf_counter()
    market = Market(seed, now or timezone.now())
    with transaction.atomic():
        market.places()
        market.organisations()
        market.write_book()
        market.care_homes()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    market.counts["build_seconds"] = round(time.perf_counter() - started)
    return dict(market.counts)
