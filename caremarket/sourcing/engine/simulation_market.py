"""The simulated county: providers and how they behave, where packages are, and the three
sourcing policies the simulator compares (decision 0095)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass
from enum import StrEnum

from caremarket.sourcing.engine.model import RankedList
from caremarket.sourcing.engine.scatter import KM_PER_DEGREE_LAT, KM_PER_DEGREE_LNG_AT_EQUATOR

# Roughly each Essex district's share of adults over 65, and its centre (lat, lng).
DISTRICT_WEIGHTS = {
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
DISTRICT_CENTRES = {
    "Basildon": (51.576, 0.488),
    "Braintree": (51.878, 0.553),
    "Brentwood": (51.621, 0.305),
    "Castle Point": (51.556, 0.586),
    "Chelmsford": (51.736, 0.469),
    "Colchester": (51.889, 0.903),
    "Epping Forest": (51.700, 0.110),
    "Harlow": (51.768, 0.095),
    "Maldon": (51.731, 0.676),
    "Rochford": (51.582, 0.707),
    "Tendring": (51.841, 1.156),
    "Uttlesford": (51.950, 0.280),
}
# A district's packages spread this far (one standard deviation) around its centre.
DISTRICT_SPREAD_KM = 5.0
SERVICE_WEIGHTS = {"personal_care": 90, "night_awake": 3, "night_sleep": 3, "live_in": 4}
COHORT_WEIGHTS = {"older_people": 69, "ld_autism": 31}
# The simulator's stand-in for outward codes: each district in four quarters round its centre.
QUARTERS = ("north-east", "north-west", "south-east", "south-west")

Point = tuple[float, float]
Lot = tuple[str, str, str]


class Policy(StrEnum):
    RANKED = "ranked"  # the ranked list alone: providers answer without round fit
    ROUND_FIT = "round_fit"  # round fit shown to providers on offers and the Batching List
    PARTNERS = "partners"  # a strategic partner offered personal care first in each area


@dataclass(frozen=True)
class RoundFitModel:
    """How a provider that sees round fit answers. A package "fits" when the provider already
    has a client within `nearby_km` (the round-fit page's 2 km band): it accepts (and shows
    interest on the Batching List) `fit_factor` times as often as its base rate, capped at
    `cap`; a package that does not fit is accepted `misfit_factor` times as often."""

    nearby_km: float = 2.0
    fit_factor: float = 1.6
    misfit_factor: float = 0.8
    cap: float = 0.95

    def describe(self) -> str:
        return (
            "round fit: a package fits when the provider has a client within "
            f"{self.nearby_km:g} km;"
            f" acceptance and Batching List interest x{self.fit_factor:g} if it fits (at most"
            f" {self.cap:.0%}), x{self.misfit_factor:g} if not"
        )


@dataclass(frozen=True)
class PartnerModel:
    """Strategic partners: for personal care in each quarter of a district, one tier-1 provider
    of that district's older people's list (a different one per quarter where the list allows).
    A partner has committed to the area: it accepts `accept_probability` of what it is offered
    and has `capacity_factor` times its usual capacity."""

    service_type: str = "personal_care"
    accept_probability: float = 0.7
    capacity_factor: float = 1.5

    def describe(self) -> str:
        return (
            "strategic partners: one per district quarter for "
            f"{self.service_type.replace('_', ' ')},"
            f" offered first (tier-1 answer window), accepting {self.accept_probability:.0%}"
            f" up to x{self.capacity_factor:g} its usual capacity"
        )


@dataclass
class ProviderBehaviour:
    provider_id: int
    accept_probability: float
    answers_probability: float  # chance of answering at all before the deadline
    mean_answer_minutes: float
    batching_interest: float
    capacity: int  # packages it can take in the simulated period


@dataclass(frozen=True)
class Referral:
    """One package of demand, drawn before the run so every policy sees the same demand."""

    at: dt.datetime
    package_id: int
    lot: Lot
    point: Point

    @property
    def area(self) -> str:
        centre = DISTRICT_CENTRES[self.lot[0]]
        ns = "north" if self.point[0] >= centre[0] else "south"
        ew = "east" if self.point[1] >= centre[1] else "west"
        return f"{self.lot[0]} {ns}-{ew}"


@dataclass
class Market:
    lists: dict[Lot, RankedList]
    behaviours: dict[int, ProviderBehaviour]
    partners: dict[tuple[str, str], int]  # (area, service type) -> provider id


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def point_in(rng: random.Random, district: str) -> Point:
    lat, lng = DISTRICT_CENTRES[district]
    dy, dx = rng.gauss(0, DISTRICT_SPREAD_KM), rng.gauss(0, DISTRICT_SPREAD_KM)
    kx = KM_PER_DEGREE_LNG_AT_EQUATOR * math.cos(math.radians(lat))
    return (lat + dy / KM_PER_DEGREE_LAT, lng + dx / kx)


def build_market(
    *, seed: int, weeks: int, providers: int, tier1_per_lot: int, tier2_per_lot: int
) -> Market:
    rng = random.Random(seed)
    behaviours = {
        pid: ProviderBehaviour(
            provider_id=pid,
            accept_probability=rng.uniform(0.15, 0.55),
            answers_probability=rng.uniform(0.75, 0.98),
            mean_answer_minutes=rng.uniform(20, 150),
            batching_interest=rng.uniform(0.05, 0.35),
            capacity=rng.randint(10, 60) * max(1, weeks) // 8 + 3,
        )
        for pid in range(1, providers + 1)
    }
    lists: dict[Lot, RankedList] = {}
    ids = list(behaviours)
    version = itertools.count(1)
    for district in DISTRICT_WEIGHTS:
        pool = rng.sample(ids, tier1_per_lot + tier2_per_lot + 6)
        for service in SERVICE_WEIGHTS:
            for cohort in COHORT_WEIGHTS:
                chosen = rng.sample(pool, tier1_per_lot + tier2_per_lot)
                lists[(district, service, cohort)] = RankedList(
                    version_id=next(version),
                    tier1=tuple(chosen[:tier1_per_lot]),
                    tier2=tuple(chosen[tier1_per_lot:]),
                )
    return Market(lists=lists, behaviours=behaviours, partners={})


def name_partners(market: Market, model: PartnerModel) -> None:
    for district in DISTRICT_WEIGHTS:
        tier1 = market.lists[(district, model.service_type, "older_people")].tier1
        for i, quarter in enumerate(QUARTERS):
            market.partners[(f"{district} {quarter}", model.service_type)] = tier1[i % len(tier1)]
