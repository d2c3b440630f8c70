"""The council's sourcing timetable, as data: every window and time is configurable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from caremarket.sourcing.engine.calendar import WorkingCalendar

MONDAY, THURSDAY = 0, 3


@dataclass(frozen=True)
class SourcingRules:
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    # How long a provider has to answer an offer, in office time.
    offer_window: dt.timedelta = dt.timedelta(hours=2)
    tier2_offer_window: dt.timedelta = dt.timedelta(hours=2)
    # An urgent package (a hospital discharge, a crisis) cannot wait two hours a provider:
    # its offers are answered sooner, on both tiers.
    urgent_offer_window: dt.timedelta = dt.timedelta(hours=1)
    urgent_tier2_offer_window: dt.timedelta = dt.timedelta(hours=1)
    # The Batching List is issued at these times on working days to tier-1 providers...
    batching_times: tuple[dt.time, ...] = (dt.time(16, 0),)
    # ...and returns close at 10:00 the next working day, or after this much office time if set
    # (for continuous batching).
    batching_return_after: dt.timedelta | None = None
    batching_return_time: dt.time = dt.time(10, 0)
    # The Available Packages list goes to all framework and spot providers on these days.
    available_list_weekdays: frozenset[int] = frozenset({MONDAY, THURSDAY})
    available_list_time: dt.time = dt.time(9, 0)

    @property
    def batching_enabled(self) -> bool:
        return bool(self.batching_times)

    def offer_window_for(self, *, tier: int, urgent: bool = False) -> dt.timedelta:
        if urgent:
            return self.urgent_offer_window if tier == 1 else self.urgent_tier2_offer_window
        return self.offer_window if tier == 1 else self.tier2_offer_window

    def offer_deadline(self, *, now: dt.datetime, tier: int, urgent: bool = False) -> dt.datetime:
        return self.calendar.add_working_time(now, self.offer_window_for(tier=tier, urgent=urgent))

    def next_batching_issue(self, after: dt.datetime) -> dt.datetime | None:
        if not self.batching_times:
            return None
        return min(self.calendar.next_working_time(after, t) for t in self.batching_times)

    def batching_close(self, issued_at: dt.datetime) -> dt.datetime:
        if self.batching_return_after is not None:
            return self.calendar.add_working_time(issued_at, self.batching_return_after)
        next_day = self.calendar.next_working_day(self.calendar.local(issued_at).date())
        return self.calendar.at(next_day, self.batching_return_time)

    def next_available_list(self, after: dt.datetime) -> dt.datetime:
        return self.calendar.next_scheduled(
            after, self.available_list_time, self.available_list_weekdays
        )


COUNCIL_TIMETABLE = SourcingRules()

# An alternative for comparison: short windows and a Batching List every working hour,
# answered within the hour.
CONTINUOUS_BATCHING = SourcingRules(
    offer_window=dt.timedelta(minutes=30),
    tier2_offer_window=dt.timedelta(minutes=30),
    urgent_offer_window=dt.timedelta(minutes=15),
    urgent_tier2_offer_window=dt.timedelta(minutes=15),
    batching_times=tuple(dt.time(h, 0) for h in range(10, 17)),
    batching_return_after=dt.timedelta(hours=1),
)
