"""The engine's own picture of a package and the ranked list: plain data, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Stage(StrEnum):
    NEW = "new"
    TIER1 = "tier1"  # offering to tier 1 in rank order
    BATCHING = "batching"  # on the Batching List
    TIER2 = "tier2"  # offering to tier 2 in rank order
    AVAILABLE = "available"  # on (or waiting for) the Available Packages list
    PLACED = "placed"
    CANCELLED = "cancelled"
    ENDED = "ended"


class Route(StrEnum):
    """How a package was placed, for the market figures."""

    TIER1 = "tier1"
    BATCHING = "batching"
    TIER2 = "tier2"
    AVAILABLE = "available"
    MINI_COMPETITION = "mini_competition"
    SPOT = "spot"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    WITHDRAWN = "withdrawn"


class PassedOver(StrEnum):
    """Why a provider on the list in force was not (or is no longer) the one offered the care."""

    LEFT_FRAMEWORK = "left_framework"
    NO_LONGER_ELIGIBLE = "no_longer_eligible"
    DECLINED = "declined"
    LAPSED = "lapsed"


OPEN_STAGES = frozenset({Stage.NEW, Stage.TIER1, Stage.BATCHING, Stage.TIER2, Stage.AVAILABLE})


@dataclass(frozen=True)
class RankedList:
    """The ranked list in force for one lot: provider ids best first, per tier."""

    version_id: int
    tier1: tuple[int, ...]
    tier2: tuple[int, ...] = ()
    # (tier, position) as issued in the version: providers left out of the list in force
    # (leavers, hand-backs) leave gaps, and nobody below them is renumbered.
    positions: Mapping[int, tuple[int, int]] = field(
        default_factory=dict, compare=False, hash=False
    )

    def position(self, provider_id: int) -> tuple[int, int] | None:
        if provider_id in self.positions:
            return self.positions[provider_id]
        if provider_id in self.tier1:
            return (1, self.tier1.index(provider_id) + 1)
        if provider_id in self.tier2:
            return (2, self.tier2.index(provider_id) + 1)
        return None


@dataclass
class Offer:
    provider_id: int
    stage: Stage
    offered_at: dt.datetime
    deadline: dt.datetime
    list_version_id: int | None
    outcome: Outcome | None = None
    answered_at: dt.datetime | None = None
    reason: str = ""
    # Where the provider stood in the issued version when the offer was made.
    tier: int | None = None
    position: int | None = None
    passed_over: PassedOver | None = None

    @property
    def is_open(self) -> bool:
        return self.outcome is None


@dataclass
class Decision:
    """One step the engine took, with its reason: every one is recorded."""

    at: dt.datetime
    kind: str  # offer, stage, place, lapse, batching, listed
    reason: str
    stage: Stage
    provider_id: int | None = None
    list_version_id: int | None = None
    # An offer made first to the area's strategic partner, before the ranked list.
    strategic_partner: bool = False
    # Whether round fit informed the choice; None where the ranked list alone decides.
    round_fit_used: bool | None = None


@dataclass
class PackageState:
    id: int
    created_at: dt.datetime
    stage: Stage = Stage.NEW
    offers: list[Offer] = field(default_factory=list)
    # Providers still to be offered the package at the current stage, best first.
    queue: list[int] = field(default_factory=list)
    # Tier 1 has been tried in rank order and the package waits for the next Batching List.
    awaiting_batching: bool = False
    batching_closes_at: dt.datetime | None = None
    awaiting_available_list: bool = False
    placed_with: int | None = None
    placed_at: dt.datetime | None = None
    route: Route | None = None
    # Urgent packages have the rules' shorter answer windows.
    urgent: bool = False

    @property
    def open_offer(self) -> Offer | None:
        return next((o for o in reversed(self.offers) if o.is_open), None)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES
