"""Providers joining and leaving: the framework's agreements, and the whole market's first
and last days of council-funded care."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caremarket.framework.models import Provider
from caremarket.insight.selectors.care_book import care_bounds
from caremarket.insight.selectors.periods import DateRange


@dataclass(frozen=True)
class Movement:
    name: str
    on: dt.date
    detail: str = ""


@dataclass(frozen=True)
class Movements:
    framework_joined: list[Movement]
    framework_left: list[Movement]
    started: list[Movement]  # first council-funded care began in the range
    stopped: list[Movement]  # last council-funded care ended in the range, none since

    @property
    def listed(self) -> list[tuple[str, list[Movement]]]:
        return [
            ("Joined the Live at Home framework", self.framework_joined),
            ("Left the Live at Home framework", self.framework_left),
            ("Started working with the council", self.started),
            ("Stopped working with the council", self.stopped),
        ]


def framework_on(day: dt.date) -> list[Provider]:
    return [
        p
        for p in Provider.objects.select_related("organisation").filter(joined_on__lte=day)
        if p.left_on is None or p.left_on > day
    ]


def movements(*, span: DateRange, names: dict[int, str]) -> Movements:
    bounds = care_bounds(until=span.ends_on)

    def named(days: dict[int, dt.date]) -> list[Movement]:
        return sorted(
            (Movement(names.get(org, f"Organisation {org}"), day) for org, day in days.items()),
            key=lambda m: (m.on, m.name),
        )

    providers = Provider.objects.select_related("organisation")
    return Movements(
        framework_joined=[
            Movement(p.name, p.joined_on)
            for p in providers.filter(joined_on__gte=span.starts_on, joined_on__lte=span.ends_on)
        ],
        framework_left=[
            Movement(p.name, p.left_on, p.left_reason)
            for p in providers.filter(left_on__gte=span.starts_on, left_on__lte=span.ends_on)
            if p.left_on is not None
        ],
        started=named({o: b.first_day for o, b in bounds.items() if span.contains(b.first_day)}),
        stopped=named(
            {
                o: b.last_day
                for o, b in bounds.items()
                if b.last_day is not None and span.contains(b.last_day)
            }
        ),
    )
