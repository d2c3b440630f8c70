"""About 115 framework providers across the 12 districts, their branches and CQC ratings,
two issued versions of every ranked list, a two-year price matrix, rate selections and a
few packages' purchase orders (some carried over from the previous framework).

Everything goes through the real services, with `now` set to when each step would have
happened (the framework began on 9 November 2025).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.accounts.services import organisation_create
from caremarket.audit.models import AuditEvent
from caremarket.audit.services import audit_event_build
from caremarket.cqc.demo import DemoLocation, DemoRating, cqc_demo_files_import
from caremarket.framework.models import (
    Cohort,
    Lot,
    MatrixRate,
    Provider,
    PurchaseOrder,
    RankedListVersion,
    RateSelection,
    RateUnit,
    ServiceType,
    Tier,
)
from caremarket.framework.selectors.ranked_lists import ranked_lists_of_version
from caremarket.framework.services.lots import lot_create_all
from caremarket.framework.services.prices import matrix_rate_create, price_year_create
from caremarket.framework.services.providers import (
    branch_add,
    provider_agreement_end,
    provider_create,
)
from caremarket.framework.services.purchase_orders import (
    purchase_order_carry_over,
    purchase_order_change_hours,
    purchase_order_issue,
)
from caremarket.framework.services.ranked_lists import (
    DraftEntry,
    ranked_list_draft_create,
    ranked_list_draft_rank_by_scores,
    ranked_list_issue,
)
from caremarket.geography.models import District, Postcode

PROVIDERS = 115
START = dt.date(2025, 11, 9)
BRIGHTPATH = "Brightpath Home Care Ltd"
FIRST = [
    "Acorn",
    "Amber",
    "Ash",
    "Beacon",
    "Birch",
    "Bluebell",
    "Bramble",
    "Cedar",
    "Clover",
    "Compass",
    "Cornerstone",
    "Crown",
    "Daisy",
    "Elm",
    "Evergreen",
    "Fern",
    "Greenway",
    "Harbour",
    "Hawthorn",
    "Heartwood",
    "Heather",
    "Holly",
    "Horizon",
    "Ivy",
    "Juniper",
    "Kestrel",
    "Lantern",
    "Laurel",
    "Lavender",
    "Lighthouse",
    "Linden",
    "Maple",
    "Meadowsweet",
    "Millbrook",
    "Oakleaf",
    "Orchard",
    "Pathway",
    "Primrose",
    "Riverside",
    "Rowan",
    "Sage",
    "Silverbirch",
    "Skylark",
    "Springfield",
    "Sunrise",
    "Swallow",
    "Thistle",
    "Willowbank",
    "Wren",
    "Yew",
]
SECOND = ("Home Care", "Care Services", "Homecare", "Community Care", "Support at Home")
BASE_RATES = {  # 2025/26 county-wide bands; 2026/27 rises 4%
    ServiceType.PERSONAL_CARE: (RateUnit.HOUR, ["23.50", "24.25", "25.00", "25.75"]),
    ServiceType.NIGHT_AWAKE: (RateUnit.NIGHT, ["165.00", "172.50", "180.00"]),
    ServiceType.NIGHT_SLEEP: (RateUnit.NIGHT, ["95.00", "102.50", "110.00"]),
    ServiceType.LIVE_IN: (RateUnit.WEEK, ["1150.00", "1225.00", "1300.00"]),
}
RURAL = ("Maldon", "Uttlesford")  # rural districts pay more for personal care
# The council's book of home care when the framework began, carried over at the old prices.
BOOK_PACKAGES = 1500
BOOK_ENDED = 0.3  # a share of them ends during the framework's first year
BOOK_HOURS = (3.5, 5, 7, 7, 10.5, 10.5, 14, 14, 17.5, 21, 28)
LEAVERS = 2  # framework providers whose agreements have since ended


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _names(rng: random.Random) -> list[str]:
    names = {f"{a} {b} Ltd" for a in FIRST for b in SECOND}
    return sorted(rng.sample(sorted(names), PROVIDERS - 1))


def _cqc_files(rng: random.Random, plan: list[dict], now: dt.datetime) -> None:
    """Write the providers' branches into CQC files and import them like the real ones."""
    locations, ratings = [], []
    for p in plan:
        for b in p["branches"]:
            locations.append(
                DemoLocation(
                    location_id=b["location_id"],
                    provider_id=p["cqc_id"],
                    name=b["name"],
                    provider_name=p["name"],
                    address=f"{rng.randint(1, 200)} High Street, {b['district'].name}",
                    postcode=b["postcode"],
                )
            )
            for domain, rating in b["ratings"].items():
                published = START - dt.timedelta(days=rng.randint(60, 900))
                ratings.append(DemoRating(b["location_id"], domain, rating, published))
    cqc_demo_files_import(name="demo-home-care", locations=locations, ratings=ratings, now=now)


def _ratings(rng: random.Random, good: bool) -> dict[str, str]:
    if good:
        overall = rng.choice(["Good"] * 5 + ["Outstanding"])
        return {
            d: overall if d == "Overall" else rng.choice(["Good", "Good", "Outstanding"])
            for d in ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")
        }
    weak = rng.choice(["Safe", "Well-led", "Overall"])
    return {
        d: "Requires improvement" if d in (weak, "Overall") else "Good"
        for d in ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")
    }


def _plan(rng: random.Random, districts: list[District]) -> list[dict]:
    postcodes: dict[str, list[str]] = defaultdict(list)
    for code, pc in Postcode.objects.values_list("oslaua", "postcode"):
        postcodes[code].append(pc)
    names = [BRIGHTPATH, *_names(rng)]
    plan = []
    for index, name in enumerate(names):
        home = districts[index % len(districts)]
        good = index == 0 or rng.random() < 0.8
        branches = []
        serves: set[int] = {home.pk}
        for n in range(1 + (rng.random() < 0.25)):
            district = home if n == 0 else rng.choice(districts)
            serves.add(district.pk)
            branches.append(
                {
                    "name": f"{name.removesuffix(' Ltd')} – {district.name}",
                    "district": district,
                    "postcode": rng.choice(postcodes[district.code] or ["CM1 1AA"]),
                    "location_id": f"1-5{index:04d}{n:04d}",
                    "ratings": _ratings(rng, good),
                }
            )
        if rng.random() < 0.5:
            serves.add(rng.choice(districts).pk)
        plan.append(
            {
                "name": name,
                "cqc_id": "1-000000002" if name == BRIGHTPATH else f"1-4{index:08d}",
                "branches": branches,
                "serves": serves,
                "night": name == BRIGHTPATH or rng.random() < 0.45,
                "live_in": name == BRIGHTPATH or rng.random() < 0.35,
                "ld_autism": name == BRIGHTPATH or rng.random() < 0.55,
                "price": Decimal(rng.randint(45, 100)),
                "quality": Decimal(rng.randint(45, 100)),
            }
        )
    return plan


def _entries(
    rng: random.Random,
    plan: list[dict],
    providers: dict[str, Provider],
    lots: list[Lot],
    drift: int,
) -> list[DraftEntry]:
    by_district: dict[int, list[dict]] = defaultdict(list)
    for p in plan:
        for district_id in p["serves"]:
            by_district[district_id].append(p)
    entries: list[DraftEntry] = []
    tier1: dict[int, set[str]] = {}
    for district_id, members in by_district.items():
        eligible = [p for p in members if providers[p["cqc_id"]].tier1_eligible]
        eligible.sort(key=lambda p: -(p["price"] + p["quality"] + rng.randint(0, drift)))
        tier1[district_id] = {p["cqc_id"] for p in eligible[:10]}
    for lot in lots:
        members = [
            p
            for p in by_district[lot.district_id]
            if (lot.service_type == ServiceType.PERSONAL_CARE or p["night"] or p["live_in"])
            and (lot.service_type != ServiceType.LIVE_IN or p["live_in"])
            and (lot.cohort == Cohort.OLDER_PEOPLE or p["ld_autism"])
        ] or by_district[lot.district_id][:1]
        counters = {Tier.ONE: 0, Tier.TWO: 0}
        for p in members:
            tier = Tier.ONE if p["cqc_id"] in tier1[lot.district_id] else Tier.TWO
            counters[tier] += 1
            entries.append(
                DraftEntry(
                    lot=lot,
                    provider=providers[p["cqc_id"]],
                    tier=tier,
                    position=counters[tier],
                    price_score=min(Decimal(100), p["price"] + rng.randint(-drift, drift)),
                    quality_score=min(Decimal(100), p["quality"] + rng.randint(-drift, drift)),
                )
            )
    return entries


def _prices(lots: list[Lot], providers: list[Provider], version: RankedListVersion) -> None:
    years = [
        price_year_create(
            actor=None,
            label="2025/26",
            starts_on=START,
            ends_on=dt.date(2026, 11, 8),
            now=_at(dt.date(2025, 9, 1)),
        ),
        price_year_create(
            actor=None,
            label="2026/27",
            starts_on=dt.date(2026, 11, 9),
            ends_on=dt.date(2027, 11, 8),
            now=_at(dt.date(2026, 9, 1)),
        ),
    ]
    rural = list(District.objects.filter(name__in=RURAL))
    for year, uplift in zip(years, (Decimal("1.00"), Decimal("1.04")), strict=True):
        set_on = _at(year.starts_on - dt.timedelta(days=60))
        for service_type, (unit, amounts) in BASE_RATES.items():
            for band, amount in zip("ABCD", amounts, strict=False):
                value = (Decimal(amount) * uplift).quantize(Decimal("0.01"))
                matrix_rate_create(
                    actor=None,
                    year=year,
                    service_type=service_type,
                    band=band,
                    amount=value,
                    unit=unit,
                    now=set_on,
                )
                if service_type == ServiceType.PERSONAL_CARE:
                    for district in rural:
                        matrix_rate_create(
                            actor=None,
                            year=year,
                            service_type=service_type,
                            band=band,
                            amount=value + Decimal("1.50"),
                            unit=unit,
                            district=district,
                            now=set_on,
                        )
    on_lists = {
        (e.provider_id, r.lot.pk)
        for r in ranked_lists_of_version(version=version, lots=lots)
        for e in r.entries
    }
    lot_by_pk = {lot.pk: lot for lot in lots}
    provider_by_pk = {
        p.pk: p
        for p in Provider.objects.filter(pk__in=[p.pk for p in providers]).select_related(
            "organisation"
        )
    }
    # Each selection is stored as `rate_select` stores it (the selection and its audit event),
    # but in two statements a year instead of 1,500 service calls each reading the matrix twice:
    # the matrix is read once a year here, and each lot's rates picked from it.
    for year in years:
        chosen_on = _at(year.starts_on - dt.timedelta(days=30))
        matrix: dict[tuple[str, int | None], list[MatrixRate]] = defaultdict(list)
        for rate in MatrixRate.objects.filter(year=year).order_by("amount", "pk"):
            rate.year = year
            matrix[(rate.service_type, rate.district_id)].append(rate)
        selections = []
        for provider_id, lot_id in sorted(on_lists):
            lot = lot_by_pk[lot_id]
            # The district's own rates, else the county-wide ones (as `matrix_rates_for_lot`).
            rates = matrix[(lot.service_type, lot.district_id)] or matrix[(lot.service_type, None)]
            selections.append(
                RateSelection(
                    provider=provider_by_pk[provider_id],
                    lot=lot,
                    year=year,
                    rate=rates[(provider_id + lot_id) % len(rates)],
                    selected_by=None,
                    selected_at=chosen_on,
                )
            )
        stored = RateSelection.objects.bulk_create(selections)
        if not all(s.pk for s in stored):  # backends that do not return ids from bulk inserts
            raise RuntimeError("The demo needs a database that returns ids from bulk inserts.")
        AuditEvent.objects.bulk_create(
            audit_event_build(
                actor=None,
                action="framework_rate.selected",
                obj=selection,
                changes={"amount": [None, selection.rate.amount]},
                data={"lot": selection.lot, "year": year, "band": selection.rate.band},
                at=chosen_on,
            )
            for selection in stored
        )


def _purchase_orders(providers: dict[str, Provider], lots: list[Lot]) -> int:
    """A few packages, so the price history of each kind is visible."""
    brightpath = providers["1-000000002"]
    personal = [
        lot
        for lot in lots
        if lot.service_type == ServiceType.PERSONAL_CARE and lot.cohort == Cohort.OLDER_PEOPLE
    ]
    own = [lot for lot in personal if brightpath.rate_selections.filter(lot=lot).exists()]
    others = [
        p
        for p in providers.values()
        if p != brightpath
        and p.rate_selections.filter(lot__service_type=ServiceType.PERSONAL_CARE).exists()
    ]
    count = 0
    for n, (hours, change) in enumerate(
        [(10, None), (14, dt.date(2026, 3, 2)), (7, dt.date(2026, 11, 16)), (21, None)], start=1
    ):
        provider = brightpath if n % 2 else others[n]
        selection = (
            provider.rate_selections.select_related("lot__district")
            .filter(lot__service_type=ServiceType.PERSONAL_CARE)
            .first()
        )
        assert selection is not None
        reference = f"PKG-2021-{n:04d}"
        purchase_order_carry_over(
            package_reference=reference,
            provider=provider,
            lot=selection.lot,
            hours_per_week=Decimal(hours),
            rate=Decimal("21.80"),
            starts_on=dt.date(2024, 6, 3),
            actor=None,
            now=_at(dt.date(2025, 11, 9)),
        )
        count += 1
        if change:
            purchase_order_change_hours(
                package_reference=reference,
                hours_per_week=Decimal(hours) + Decimal("3.5"),
                starts_on=change,
                actor=None,
                now=_at(change - dt.timedelta(days=3)),
            )
            count += 1
    new_packages: list[tuple[dt.date, str, dt.date | None]] = [
        (dt.date(2026, 1, 12), "12", None),
        (dt.date(2026, 4, 20), "8", dt.date(2026, 11, 16)),
        (dt.date(2026, 7, 6), "17.5", None),
        (dt.date(2026, 11, 12), "10.5", None),
    ]
    for n, (start, weekly, change) in enumerate(new_packages, start=1):
        lot = own[n % len(own)] if own else personal[0]
        reference = f"PKG-2026-{n:04d}"
        purchase_order_issue(
            package_reference=reference,
            provider=brightpath,
            lot=lot,
            hours_per_week=Decimal(weekly),
            starts_on=start,
            actor=None,
            now=_at(start - dt.timedelta(days=2)),
        )
        count += 1
        if change:
            purchase_order_change_hours(
                package_reference=reference,
                hours_per_week=Decimal(weekly) - 2,
                starts_on=change,
                actor=None,
                now=_at(change - dt.timedelta(days=3)),
            )
            count += 1
    return count


def _book_of_care(
    rng: random.Random, providers: list[Provider], lots: list[Lot], now: dt.datetime
) -> tuple[int, int]:
    """Packages that began before the framework, each kept at its old price (carried over).

    Tier-1-standard providers hold most of the book, as the council sources from them first;
    about a third of the packages end during the framework's first year.
    """
    today = timezone.localdate(now)
    weights = [3 if p.tier1_eligible else 1 for p in providers]
    by_district: dict[int, list[Lot]] = defaultdict(list)
    for lot in lots:
        by_district[lot.district_id].append(lot)
    served = {
        p.pk: sorted({e.lot.district_id for e in p.positions.select_related("lot")})
        for p in providers
    }
    orders: list[PurchaseOrder] = []
    endings: dict[int, tuple[str, dt.datetime]] = {}  # index in orders -> reason, when recorded
    for n in range(1, BOOK_PACKAGES + 1):
        provider = rng.choices(providers, weights=weights)[0]
        district_id = rng.choice(served[provider.pk] or list(by_district))
        service = rng.choices(list(BASE_RATES), weights=[90, 3, 3, 4])[0]
        cohort = rng.choices([Cohort.OLDER_PEOPLE, Cohort.LD_AUTISM], weights=[69, 31])[0]
        lot = next(
            lot
            for lot in by_district[district_id]
            if lot.service_type == service and lot.cohort == cohort
        )
        unit, amounts = BASE_RATES[service]
        hours = (
            Decimal(str(rng.choice(BOOK_HOURS)))
            if service == ServiceType.PERSONAL_CARE
            else Decimal(56 if unit == RateUnit.NIGHT else 168)
        )
        starts_on = dt.date(2021, 8, 2) + dt.timedelta(days=rng.randint(0, 1550))
        order = PurchaseOrder(
            reference=f"LAH21-{n:05d}",  # until the row's number is known, as the service does
            package_reference=f"LAH21-{n:05d}",
            provider=provider,
            organisation_id=provider.organisation_id,
            lot=lot,
            hours_per_week=hours,
            rate=(Decimal(amounts[0]) * Decimal("0.92")).quantize(Decimal("0.01")),
            unit=unit,
            starts_on=starts_on,
            reason=PurchaseOrder.Reason.CARRIED_OVER,
            pricing=PurchaseOrder.Pricing.MATRIX,
            issued_by=None,
            issued_at=_at(START),
        )
        if rng.random() < BOOK_ENDED:
            order.ends_on = START + dt.timedelta(days=rng.randint(0, (today - START).days - 1))
            reason = rng.choice(["Moved into a care home", "Died", "Moved out of the area"])
            endings[len(orders)] = (reason, _at(order.ends_on + dt.timedelta(days=1)))
        orders.append(order)
    _book_store(orders, endings)
    return BOOK_PACKAGES, len(endings)


def _book_store(orders: list[PurchaseOrder], endings: dict[int, tuple[str, dt.datetime]]) -> None:
    """Store the book as `purchase_order_carry_over` and `purchase_order_end` leave it (each
    order numbered from its row, its issue and end audited), in a few statements rather than
    two thousand service calls: the book is history that nobody acts on during the demo."""
    stored = PurchaseOrder.objects.bulk_create(orders)
    if not all(o.pk for o in stored):  # backends that do not return ids from bulk inserts
        raise RuntimeError("The demo needs a database that returns ids from bulk inserts.")
    for order in stored:
        order.reference = f"PO-{order.pk:07d}"
    PurchaseOrder.objects.bulk_update(stored, ["reference"])
    events = []
    for index, order in enumerate(stored):
        data = {
            "package": order.package_reference,
            "reason": order.reason,
            "pricing": order.pricing,
            "rate": order.rate,
            "unit": order.unit,
            "hours_per_week": order.hours_per_week,
            "starts_on": order.starts_on,
            "supersedes": None,
        }
        events.append(
            audit_event_build(
                actor=None,
                action="framework_purchase_order.issued",
                obj=order,
                changes=None,
                data=data,
                at=order.issued_at,
            )
        )
        if index in endings:
            reason, at = endings[index]
            events.append(
                audit_event_build(
                    actor=None,
                    action="framework_purchase_order.ended",
                    obj=order,
                    changes={"ends_on": [None, order.ends_on]},
                    data={"reason": reason, "package_ended": True},
                    at=at,
                )
            )
    AuditEvent.objects.bulk_create(events)


def _leavers(rng: random.Random, providers: list[Provider], now: dt.datetime) -> list[Provider]:
    """Providers that left the framework since it began: the market table counts them."""
    leavers = []
    for provider in rng.sample([p for p in providers if p.name != BRIGHTPATH], LEAVERS):
        left_on = timezone.localdate(now) - dt.timedelta(days=rng.randint(20, 60))
        leavers.append(
            provider_agreement_end(
                actor=None,
                provider=provider,
                left_on=left_on,
                reason=rng.choice(
                    ["Closed the business", "Sold to another provider", "Handed back the contract"]
                ),
                now=_at(left_on),
            )
        )
    return leavers


def load(*, rng: random.Random, now: dt.datetime, **_: object) -> list[str]:
    if Provider.objects.exists():
        return ["Framework providers already loaded."]
    lots = lot_create_all(actor=None, now=_at(dt.date(2025, 10, 1)))
    lots = list(Lot.objects.select_related("district"))
    districts = list(District.objects.filter(in_council_area=True).order_by("name"))
    plan = _plan(rng, districts)
    _cqc_files(rng, plan, _at(dt.date(2025, 10, 1)))
    providers: dict[str, Provider] = {}
    for p in plan:
        joined = _at(dt.date(2025, 10, 20))
        organisation = Organisation.objects.filter(
            name=p["name"], kind=OrganisationKind.HOME_CARE_PROVIDER
        ).first() or organisation_create(
            now=now,
            actor=None,
            name=p["name"],
            kind=OrganisationKind.HOME_CARE_PROVIDER,
            reference=p["cqc_id"],
        )
        provider = provider_create(
            actor=None,
            organisation=organisation,
            cqc_provider_id=p["cqc_id"],
            joined_on=START,
            now=joined,
        )
        for b in p["branches"]:
            branch_add(actor=None, provider=provider, cqc_location_id=b["location_id"], now=joined)
        provider.refresh_from_db()
        providers[p["cqc_id"]] = provider
    versions = []
    for effective, drift in ((START, 0), (dt.date(2026, 5, 9), 12)):
        issued_on = _at(effective - dt.timedelta(days=8))
        draft = ranked_list_draft_create(
            actor=None,
            now=issued_on,
            entries=_entries(rng, plan, providers, lots, drift),
            source="Tender evaluation" if not drift else "Six-monthly re-ranking",
        )
        ranked_list_draft_rank_by_scores(actor=None, version=draft, now=issued_on)
        versions.append(
            ranked_list_issue(actor=None, version=draft, effective_from=effective, now=issued_on)
        )
    _prices(lots, list(providers.values()), versions[-1])
    orders = _purchase_orders(providers, lots)
    book, book_ended = _book_of_care(rng, list(providers.values()), lots, now)
    leavers = _leavers(rng, list(providers.values()), now)
    tier1 = sum(1 for p in providers.values() if p.tier1_eligible)
    return [
        f"{len(providers)} framework providers ({tier1} meet the tier-1 standard) with "
        f"{sum(len(p['branches']) for p in plan)} branches across {len(districts)} districts.",
        f"{len(lots)} lots; {len(versions)} issued versions of every ranked list.",
        "Price matrix for 2025/26 and 2026/27 with providers' rate selections.",
        f"{orders} purchase orders, some carried over from the previous framework.",
        f"A book of {book} packages carried over at their old prices; {book_ended} have ended.",
        f"{len(leavers)} providers have left the framework: "
        + ", ".join(p.name for p in leavers)
        + ".",
    ]
