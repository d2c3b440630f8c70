"""Live demand for providers: packages not yet sourced, with no personal data.

What a provider may see of a package here is its reference, district, outward code, service,
cohort, hours, start date, urgency, stage and how long it has waited; never the person's
reference, the full postcode, the needs or who was offered it. A provider also sees how each
package fits its own round (issue 14 item 2), from its own current clients only.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek

from caremarket.framework.models import Cohort, ServiceType
from caremarket.geography.models import OutwardCode
from caremarket.insight.selectors.periods import Period, range_last_weeks
from caremarket.sourcing.engine.calendar import LONDON
from caremarket.sourcing.engine.model import OPEN_STAGES
from caremarket.sourcing.models import Package, StageChoices, Urgency
from caremarket.sourcing.selectors.round_fit import RoundFit, round_fit_for_user

SERVICE_LABELS = dict(ServiceType.choices)
COHORT_LABELS = dict(Cohort.choices)
STAGE_LABELS = dict(StageChoices.choices)
OPEN_STAGE_VALUES = sorted(s.value for s in OPEN_STAGES)


def waited_text(waited: dt.timedelta) -> str:
    days, seconds = waited.days, waited.seconds
    hours = seconds // 3600
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} hour{'s' if hours != 1 else ''}"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class _Labels:
    service_type: str
    cohort: str

    @property
    def service_type_label(self) -> str:
        return SERVICE_LABELS.get(self.service_type, self.service_type)

    @property
    def cohort_label(self) -> str:
        return COHORT_LABELS.get(self.cohort, self.cohort)


@dataclass(frozen=True)
class DemandPackage(_Labels):
    reference: str
    district: str
    district_code: str
    outward_code: str
    service_type: str
    cohort: str
    hours_per_week: Decimal
    start_date: dt.date
    urgent: bool
    stage: str
    waiting_since: dt.datetime
    waited: dt.timedelta

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    @property
    def waited_text(self) -> str:
        return waited_text(self.waited)


def demand_packages(
    *,
    now: dt.datetime,
    district_code: str = "",
    service_type: str = "",
    cohort: str = "",
) -> list[DemandPackage]:
    """Every package still being sourced, longest waiting first."""
    qs = Package.objects.filter(stage__in=OPEN_STAGE_VALUES).select_related("district", "lot")
    if district_code:
        qs = qs.filter(district__code=district_code)
    if service_type:
        qs = qs.filter(lot__service_type=service_type)
    if cohort:
        qs = qs.filter(lot__cohort=cohort)
    return [
        DemandPackage(
            reference=p.reference,
            district=p.district.name,
            district_code=p.district.code,
            outward_code=p.outward_code,
            service_type=p.lot.service_type,
            cohort=p.lot.cohort,
            hours_per_week=p.hours_per_week,
            start_date=p.start_date,
            urgent=p.urgency == Urgency.URGENT,
            stage=p.stage,
            waiting_since=p.created_at,
            waited=max(now - p.created_at, dt.timedelta(0)),
        )
        for p in qs.order_by("created_at", "id")
    ]


def demand_round_fit(*, user: Any, packages: list[DemandPackage]) -> dict[str, RoundFit]:
    """How each package waiting fits the signed-in provider's round, keyed by reference; empty
    for anyone else. The same figures as on its offers, Batching List and Available Packages."""
    if not packages or not user.has_perm("sourcing.view_round_fit"):
        return {}
    located = list(
        Package.objects.filter(reference__in=[p.reference for p in packages]).only(
            "pk", "reference", "postcode", "outward_code"
        )
    )
    fits = round_fit_for_user(user=user, packages=located)
    return {p.reference: fits[p.pk] for p in located if p.pk in fits}


@dataclass(frozen=True)
class LotDemand(_Labels):
    district: str
    service_type: str
    cohort: str
    packages: int
    hours_per_week: Decimal
    longest_wait: dt.timedelta
    median_wait: dt.timedelta

    @property
    def longest_wait_text(self) -> str:
        return waited_text(self.longest_wait)

    @property
    def median_wait_text(self) -> str:
        return waited_text(self.median_wait)


def demand_by_lot(*, packages: list[DemandPackage]) -> list[LotDemand]:
    groups: dict[tuple[str, str, str], list[DemandPackage]] = defaultdict(list)
    for p in packages:
        groups[(p.district, p.service_type, p.cohort)].append(p)
    return [
        LotDemand(
            district=district,
            service_type=service,
            cohort=cohort,
            packages=len(members),
            hours_per_week=sum((p.hours_per_week for p in members), Decimal(0)),
            longest_wait=max(p.waited for p in members),
            median_wait=statistics.median_low([p.waited for p in members]),
        )
        for (district, service, cohort), members in sorted(groups.items())
    ]


@dataclass(frozen=True)
class AreaDemand:
    outward_code: str
    district: str
    packages: int
    hours_per_week: Decimal
    lat: float | None
    lng: float | None


def demand_by_outward_code(*, packages: list[DemandPackage]) -> list[AreaDemand]:
    groups: dict[str, list[DemandPackage]] = defaultdict(list)
    for p in packages:
        groups[p.outward_code].append(p)
    where = {o.code: o for o in OutwardCode.objects.filter(code__in=groups)}
    areas = []
    for code, members in sorted(groups.items()):
        place = where.get(code)
        areas.append(
            AreaDemand(
                outward_code=code,
                # Outward codes can cross districts: name every district its packages are in.
                district=", ".join(sorted({p.district for p in members})),
                packages=len(members),
                hours_per_week=sum((p.hours_per_week for p in members), Decimal(0)),
                lat=place.lat if place else None,
                lng=place.lng if place else None,
            )
        )
    return areas


@dataclass(frozen=True)
class DemandWeek:
    period: Period
    referred: int  # new packages in the week
    placed: int
    cancelled: int
    waiting: int  # still unsourced at the end of the week (or now, for this week)
    hours_waiting: Decimal


def _weekly(field: str, first: dt.datetime, now: dt.datetime) -> dict[dt.date, tuple[int, Decimal]]:
    """Packages, and their hours, whose `field` instant falls in each week (Monday to Sunday,
    London time), counted by the database so no row crosses into Python."""
    rows = (
        Package.objects.filter(**{f"{field}__gte": first, f"{field}__lte": now})
        .annotate(week=TruncWeek(field, tzinfo=LONDON))
        .values("week")
        .annotate(n=Count("pk"), hours=Sum("hours_per_week"))
    )
    return {r["week"].astimezone(LONDON).date(): (r["n"], r["hours"] or Decimal(0)) for r in rows}


def demand_trend(*, now: dt.datetime, weeks: int = 12) -> list[DemandWeek]:
    """Week by week: packages referred, placed and cancelled, and those left waiting.

    A package waits from its referral until it is placed or cancelled, so the queue at the end
    of a week is the queue before the first week, plus the referrals since, less the packages
    placed or cancelled since.
    """
    periods = range_last_weeks(weeks=weeks, today=now.astimezone(LONDON).date()).periods()
    first = dt.datetime.combine(periods[0].starts_on, dt.time(0), tzinfo=LONDON)
    before = Package.objects.filter(created_at__lt=first).aggregate(
        n=Count("pk", filter=Q(placed_at__isnull=True) | Q(placed_at__gte=first)),
        hours=Sum("hours_per_week", filter=Q(placed_at__isnull=True) | Q(placed_at__gte=first)),
        gone=Count("pk", filter=Q(placed_at__isnull=True, cancelled_at__lt=first)),
        gone_hours=Sum("hours_per_week", filter=Q(placed_at__isnull=True, cancelled_at__lt=first)),
    )
    waiting = before["n"] - before["gone"]
    hours = (before["hours"] or Decimal(0)) - (before["gone_hours"] or Decimal(0))
    referred, placed, cancelled = (
        _weekly(field, first, now) for field in ("created_at", "placed_at", "cancelled_at")
    )
    nothing = (0, Decimal(0))
    result = []
    for period in periods:
        monday = period.starts_on - dt.timedelta(days=period.starts_on.weekday())
        came, went, stopped = (
            counts.get(monday, nothing) for counts in (referred, placed, cancelled)
        )
        waiting += came[0] - went[0] - stopped[0]
        hours += came[1] - went[1] - stopped[1]
        result.append(
            DemandWeek(
                period=period,
                referred=came[0],
                placed=went[0],
                cancelled=stopped[0],
                waiting=waiting,
                hours_waiting=hours,
            )
        )
    return result


@dataclass(frozen=True)
class Demand:
    at: dt.datetime
    packages: list[DemandPackage]
    by_lot: list[LotDemand]
    areas: list[AreaDemand]
    trend: list[DemandWeek]

    @property
    def hours_per_week(self) -> Decimal:
        return sum((p.hours_per_week for p in self.packages), Decimal(0))

    @property
    def urgent(self) -> int:
        return sum(1 for p in self.packages if p.urgent)


def demand(
    *, now: dt.datetime, district_code: str = "", service_type: str = "", cohort: str = ""
) -> Demand:
    """Everything the demand page and API show, at one instant."""
    packages = demand_packages(
        now=now, district_code=district_code, service_type=service_type, cohort=cohort
    )
    return Demand(
        at=now,
        packages=packages,
        by_lot=demand_by_lot(packages=packages),
        areas=demand_by_outward_code(packages=packages),
        trend=demand_trend(now=now),
    )
