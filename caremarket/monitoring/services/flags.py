"""Risk flags for contract managers: raised, re-raised and cleared as files arrive."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import Organisation
from caremarket.audit.services import audit_record
from caremarket.monitoring.config import Thresholds
from caremarket.monitoring.models import KpiResult, RiskFlag
from caremarket.monitoring.periods import periods_ended
from caremarket.monitoring.selectors import (
    contract_manager_list,
    kpi_series,
    provider_list_expected,
    submission_current,
)
from caremarket.notifications.services import notification_send

Kind = RiskFlag.Kind
KPI_KINDS = (
    Kind.MISSED_VISITS,
    Kind.LATENESS,
    Kind.SHORT_VISITS,
    Kind.LOGGED_AT_HOME,
    Kind.DELIVERED_HOURS,
    Kind.FALLING_TREND,
)


@dataclass(frozen=True)
class Breach:
    kind: str
    value: float
    threshold: float
    detail: str


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def _breaches(series: list[KpiResult], period: int, t: Thresholds) -> list[Breach]:
    current = next((r for r in series if r.period == period), None)
    if current is None:
        return []
    rates = current.rates
    found: list[Breach] = []

    def above(kind: str, name: str, limit: float, what: str) -> None:
        value = rates[name]
        if value is not None and value > limit:
            found.append(Breach(kind, value, limit, f"{what} {_pct(value)} (limit {_pct(limit)})"))

    def below(kind: str, name: str, floor: float, what: str) -> None:
        value = rates[name]
        if value is not None and value < floor:
            found.append(
                Breach(kind, value, floor, f"{what} {_pct(value)} (at least {_pct(floor)})")
            )

    above(Kind.MISSED_VISITS, "missed_rate", t.missed_rate_max, "Missed visits")
    above(Kind.LATENESS, "lateness_rate", t.lateness_rate_max, "Late visits")
    above(Kind.SHORT_VISITS, "short_visit_rate", t.short_visit_rate_max, "Short visits")
    below(Kind.LOGGED_AT_HOME, "logged_at_home_rate", t.logged_at_home_min, "Logged at home")
    below(Kind.DELIVERED_HOURS, "delivered_hours_share", t.delivered_hours_min, "Hours delivered")
    trend = _falling_trend(series, period, t)
    if trend is not None:
        found.append(trend)
    return found


def _falling_trend(series: list[KpiResult], period: int, t: Thresholds) -> Breach | None:
    """On-time rate lower in each of the last N consecutive periods, by at least the set drop."""
    n = int(t.trend_periods)
    by_period = {r.period: r.rates["on_time_rate"] for r in series}
    values = [by_period.get(p) for p in range(period - n + 1, period + 1)]
    if n < 2 or any(v is None for v in values):
        return None
    rates = [float(v) for v in values if v is not None]
    falling = all(later < earlier for earlier, later in itertools.pairwise(rates))
    drop = rates[0] - rates[-1]
    if not falling or drop < t.trend_min_drop:
        return None
    return Breach(
        Kind.FALLING_TREND,
        rates[-1],
        t.trend_min_drop,
        f"On-time visits fell in each of the last {n} periods: {_pct(rates[0])} to"
        f" {_pct(rates[-1])}",
    )


def _raise(
    *, organisation: Organisation, period: int, breach: Breach, now: dt.datetime
) -> RiskFlag | None:
    """Create or re-open the flag; returns it only when it is newly active."""
    flag = RiskFlag.objects.filter(
        organisation=organisation, period=period, kind=breach.kind
    ).first()
    was_active = flag is not None and flag.cleared_at is None
    if flag is None:
        flag = RiskFlag(organisation=organisation, period=period, kind=breach.kind, raised_at=now)
    flag.value, flag.threshold, flag.detail = breach.value, breach.threshold, breach.detail[:300]
    if not was_active:
        flag.raised_at, flag.cleared_at = now, None
    flag.save()
    if was_active:
        return None
    audit_record(
        actor=None,
        action="ehm_risk_flag.raised",
        obj=flag,
        at=now,
        data={"kind": breach.kind, "period": period, "detail": breach.detail},
    )
    return flag


def _clear(flag: RiskFlag, *, now: dt.datetime) -> None:
    flag.cleared_at = now
    flag.save(update_fields=["cleared_at"])
    audit_record(actor=None, action="ehm_risk_flag.cleared", obj=flag, at=now)


def _notify(organisation: Organisation, flags: list[RiskFlag], *, now: dt.datetime) -> None:
    if not flags:
        return
    lines = "\n".join(f"- Period {f.period}: {f.detail}" for f in flags)
    notification_send(
        recipients=contract_manager_list(),
        event="ehm_risk_flag.raised",
        subject=f"Risk flag{'s' if len(flags) > 1 else ''} for {organisation.name}",
        body=f"Visit monitoring raised {len(flags)} risk flag(s) for {organisation.name}:\n{lines}",
        url=reverse("monitoring:provider", args=[organisation.pk]),
        now=now,
    )


@transaction.atomic
def risk_flags_evaluate(
    *, organisation: Organisation, period: int, thresholds: Thresholds, now: dt.datetime
) -> list[RiskFlag]:
    """Bring the provider's flags for a period in line with its current figures."""
    breaches = {
        b.kind: b for b in _breaches(kpi_series(organisation=organisation), period, thresholds)
    }
    raised = [
        flag
        for b in breaches.values()
        if (flag := _raise(organisation=organisation, period=period, breach=b, now=now))
    ]
    for flag in RiskFlag.objects.filter(
        organisation=organisation, period=period, cleared_at__isnull=True
    ):
        if flag.kind not in breaches and (
            flag.kind in KPI_KINDS or submission_current(organisation=organisation, period=period)
        ):
            _clear(flag, now=now)
    _notify(organisation, raised, now=now)
    return raised


@transaction.atomic
def risk_flags_check_missing(
    *, now: dt.datetime, anchor: dt.date, grace_days: int
) -> list[RiskFlag]:
    """Flag each ended period past its due date with no file (the first period is deemed sent)."""
    today = timezone.localdate(now)
    raised: list[RiskFlag] = []
    ended = [
        p
        for p in periods_ended(today=today, anchor=anchor, grace_days=grace_days)
        if p.number != 1 and today > p.due
    ]
    expected = {p.number: set(provider_list_expected(period=p)) for p in ended}
    for organisation in set().union(*expected.values()):
        new = []
        for period in ended:
            if organisation not in expected[period.number]:
                continue
            if submission_current(organisation=organisation, period=period.number):
                continue
            breach = Breach(
                Kind.MISSING_SUBMISSION,
                0.0,
                0.0,
                f"No visit file for {period.label}; it was due by {period.due:%-d %B %Y}",
            )
            flag = _raise(organisation=organisation, period=period.number, breach=breach, now=now)
            if flag is not None:
                new.append(flag)
        _notify(organisation, new, now=now)
        raised += new
    return raised
