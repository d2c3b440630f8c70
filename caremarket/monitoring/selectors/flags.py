"""Risk flags: the list, its rows and its filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from caremarket.accounts.models import Organisation
from caremarket.monitoring import config
from caremarket.monitoring.models import RiskFlag
from caremarket.monitoring.periods import period_get


def flag_list(
    *,
    active_only: bool = True,
    organisation: Organisation | None = None,
    organisation_id: int | None = None,
    kind: str = "",
    period: int | None = None,
) -> QuerySet[RiskFlag]:
    qs = RiskFlag.objects.select_related("organisation")
    if active_only:
        qs = qs.filter(cleared_at__isnull=True)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    if kind:
        qs = qs.filter(kind=kind)
    if period is not None:
        qs = qs.filter(period=period)
    return qs


@dataclass(frozen=True)
class FlagRow:
    """One line of the risk-flag list: a flag, or a provider's run of missing files."""

    organisation: Organisation
    kind: str
    kind_label: str
    first_period: int
    last_period: int
    count: int
    detail: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None  # None while any flag of the line is active


def flag_rows(flags: Iterable[RiskFlag]) -> list[FlagRow]:
    """Flags as lines, missing-file flags grouped per provider (count, first and last period).

    A provider that has not sent a file for months has one line saying so, not one a period;
    active and cleared missing-file flags are grouped apart.
    """
    rows: list[FlagRow] = []
    missing: dict[tuple[int, bool], list[RiskFlag]] = {}
    for flag in flags:
        if flag.kind == RiskFlag.Kind.MISSING_SUBMISSION:
            missing.setdefault((flag.organisation_id, flag.cleared_at is None), []).append(flag)
            continue
        rows.append(
            FlagRow(
                flag.organisation,
                flag.kind,
                flag.get_kind_display(),
                flag.period,
                flag.period,
                1,
                flag.detail,
                flag.raised_at,
                flag.cleared_at,
            )
        )
    for group in missing.values():
        periods = sorted(f.period for f in group)
        latest = max(group, key=lambda f: f.period)
        detail = (
            latest.detail
            if len(group) == 1
            else f"No visit file for {len(group)} periods, P{periods[0]} to P{periods[-1]}"
            + ("" if periods[-1] - periods[0] + 1 == len(group) else " (not all in a row)")
            + f"; the latest was due by {_due(latest.period):%-d %B %Y}"
        )
        rows.append(
            FlagRow(
                latest.organisation,
                latest.kind,
                latest.get_kind_display(),
                periods[0],
                periods[-1],
                len(group),
                detail,
                max(f.raised_at for f in group),
                None
                if latest.cleared_at is None
                else max(f.cleared_at for f in group if f.cleared_at is not None),
            )
        )
    rows.sort(key=lambda r: (-r.last_period, r.organisation.name, r.kind))
    return rows


def _due(number: int) -> dt.date:
    return period_get(number, anchor=config.period_anchor(), grace_days=config.grace_days()).due


def flag_providers() -> list[tuple[int, str]]:
    """Providers that have ever been flagged, for the list's filter."""
    return list(
        Organisation.objects.filter(pk__in=RiskFlag.objects.values("organisation_id").distinct())
        .order_by("name")
        .values_list("pk", "name")
    )


def flag_periods() -> list[int]:
    """Periods that have ever had a flag, newest first, for the list's filter."""
    return sorted(set(RiskFlag.objects.values_list("period", flat=True).distinct()), reverse=True)
