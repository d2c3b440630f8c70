"""KPI results: series, breakdowns, the overview and compliance, the county, districts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from caremarket.accounts.models import Organisation
from caremarket.geography.models import District
from caremarket.monitoring.ehm.kpis import COUNTS, FIGURES, kpi_rates, kpi_sum
from caremarket.monitoring.models import KpiResult, RiskFlag, Submission
from caremarket.monitoring.periods import Period, periods_ended
from caremarket.monitoring.selectors.expected import provider_list_expected


def kpi_series(
    *, organisation: Organisation, scope: str = KpiResult.Scope.PROVIDER, key: str = ""
) -> list[KpiResult]:
    """One result per period from the provider's current submissions, oldest first."""
    return list(
        KpiResult.objects.filter(
            organisation=organisation, scope=scope, key=key, submission__is_current=True
        ).order_by("period")
    )


def kpi_breakdown(*, organisation: Organisation, period: int, scope: str) -> list[KpiResult]:
    return list(
        KpiResult.objects.filter(
            organisation=organisation, period=period, scope=scope, submission__is_current=True
        ).order_by("label", "key")
    )


def kpi_periods() -> list[int]:
    return sorted(
        set(KpiResult.objects.filter(submission__is_current=True).values_list("period", flat=True))
    )


@dataclass
class OverviewRow:
    organisation: Organisation
    counts: dict[str, int] | None
    compliance: str
    flags: list[RiskFlag] = field(default_factory=list)

    @property
    def rates(self) -> dict[str, float | None]:
        return kpi_rates(self.counts) if self.counts else {}


def kpi_overview(*, period: Period, today: dt.date, district: str = "") -> list[OverviewRow]:
    """Every expected provider's figures for a period (one district's share when given)."""
    scope = (
        Q(scope=KpiResult.Scope.DISTRICT, key=district)
        if district
        else Q(scope=KpiResult.Scope.PROVIDER)
    )
    results = {
        r.organisation_id: r
        for r in KpiResult.objects.filter(scope, period=period.number, submission__is_current=True)
    }
    flags: dict[int, list[RiskFlag]] = {}
    for flag in RiskFlag.objects.filter(period=period.number, cleared_at__isnull=True):
        flags.setdefault(flag.organisation_id, []).append(flag)
    submitted = set(
        Submission.objects.filter(period=period.number, is_current=True).values_list(
            "organisation_id", flat=True
        )
    )
    rows = []
    expected = set(provider_list_expected(period=period).values_list("pk", flat=True))
    # Providers not required to yet still appear once they send a file.
    listed = Organisation.objects.filter(pk__in=expected | submitted)
    for org in listed.order_by("name"):
        result = results.get(org.pk)
        if district and result is None:
            continue
        rows.append(
            OverviewRow(
                organisation=org,
                counts={n: getattr(result, n) for n in COUNTS} if result else None,
                compliance=compliance_state(
                    period=period,
                    submitted=org.pk in submitted,
                    today=today,
                    required=org.pk in expected,
                ),
                flags=flags.get(org.pk, []),
            )
        )
    return rows


# The overview sorts by these, and by any KPI figure; rows without the value come last.
OVERVIEW_SORTS = frozenset({"name", "compliance", "visits_due", "flags"} | {f[0] for f in FIGURES})


def _overview_value(row: OverviewRow, sort: str) -> Any:
    if sort == "name":
        return row.organisation.name.lower()
    if sort == "compliance":
        return row.compliance
    if sort == "flags":
        return len(row.flags)
    if sort == "visits_due":
        return row.counts["visits_due"] if row.counts else None
    return row.rates.get(sort)


def kpi_overview_sorted(
    *,
    period: Period,
    today: dt.date,
    district: str = "",
    flagged_only: bool = False,
    sort: str = "name",
    descending: bool = False,
) -> list[OverviewRow]:
    """The overview's rows, only flagged providers when asked, in the order asked for.

    Providers without the figure sorted on (no file yet) come last either way, so reversing
    the order never puts the blanks first.
    """
    if sort not in OVERVIEW_SORTS:
        raise ValueError(f"cannot sort the overview by {sort!r}")
    rows = kpi_overview(period=period, today=today, district=district)
    if flagged_only:
        rows = [r for r in rows if r.flags]
    present = [r for r in rows if _overview_value(r, sort) is not None]
    missing = [r for r in rows if _overview_value(r, sort) is None]
    present.sort(key=lambda r: _overview_value(r, sort), reverse=descending)
    return present + missing


SUBMITTED, DEEMED, MISSING, DUE, NOT_REQUIRED = (
    "submitted",
    "deemed",
    "missing",
    "due",
    "not_required",
)


def compliance_state(
    *, period: Period, submitted: bool, today: dt.date, required: bool = True
) -> str:
    """Submitted; deemed submitted (the first period); not required of this provider yet;
    missing (past its due date); or due."""
    if submitted:
        return SUBMITTED
    if period.number == 1:
        return DEEMED
    if not required:
        return NOT_REQUIRED
    return MISSING if today > period.due else DUE


def compliance_list(
    *, organisation: Organisation, today: dt.date, anchor: dt.date, grace_days: int
) -> list[tuple[Period, str]]:
    submitted = set(
        Submission.objects.filter(organisation=organisation, is_current=True).values_list(
            "period", flat=True
        )
    )
    return [
        (
            p,
            compliance_state(
                period=p,
                submitted=p.number in submitted,
                today=today,
                required=provider_list_expected(period=p).filter(pk=organisation.pk).exists(),
            ),
        )
        for p in periods_ended(today=today, anchor=anchor, grace_days=grace_days)
    ]


def county_series(*, district: str = "") -> list[tuple[int, dict[str, int]]]:
    """All providers' counts added up per period (one district's when given)."""
    scope = (
        Q(scope=KpiResult.Scope.DISTRICT, key=district)
        if district
        else Q(scope=KpiResult.Scope.PROVIDER)
    )
    by_period: dict[int, list[dict[str, Any]]] = {}
    for row in KpiResult.objects.filter(scope, submission__is_current=True).values(
        "period", *COUNTS
    ):
        by_period.setdefault(row["period"], []).append(row)
    return [(p, kpi_sum(rows)) for p, rows in sorted(by_period.items())]


def district_choices() -> list[tuple[str, str]]:
    codes = set(
        KpiResult.objects.filter(scope=KpiResult.Scope.DISTRICT).values_list("key", flat=True)
    )
    names = dict(District.objects.filter(code__in=codes).values_list("code", "name"))
    return sorted(((c, names.get(c, "Unknown district")) for c in codes), key=lambda x: x[1])
