from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.accounts.selectors import current_user
from caremarket.common.charts import Chart, chart
from caremarket.monitoring import config, selectors
from caremarket.monitoring.ehm.kpis import FIGURES, kpi_rates
from caremarket.monitoring.models import KpiResult, RiskFlag
from caremarket.monitoring.periods import period_get, period_latest_complete

TREND_FIGURES = (
    ("on_time_rate", "Started on time"),
    ("missed_rate", "Missed visits"),
    ("short_visit_rate", "Short visits"),
    ("logged_at_home_rate", "Logged at home"),
)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _provider(request: HttpRequest, pk: int) -> Organisation:
    org = get_object_or_404(Organisation, pk=pk, kind=OrganisationKind.HOME_CARE_PROVIDER)
    if not request.user.has_perm("monitoring.view_provider_kpis", org):
        raise Http404
    return org


def _trend_chart(
    id: str, title: str, periods: list[int], rates: list[dict[str, float | None]]
) -> Chart:
    return chart(
        id=id,
        title=title,
        kind="line",
        labels=[f"P{p}" for p in periods],
        series=[
            (label, [None if (v := r[key]) is None else v * 100 for r in rates])
            for key, label in TREND_FIGURES
        ],
        unit="percent",
    )


def _series_context(results: list[KpiResult]) -> dict[str, object]:
    periods = [r.period for r in results]
    rates = [r.rates for r in results]
    anchor, grace = config.period_anchor(), config.grace_days()
    return {
        "rows": [
            (period_get(r.period, anchor=anchor, grace_days=grace), r, rate)
            for r, rate in zip(results, rates, strict=True)
        ],
        "chart": _trend_chart("kpi_trend", "KPIs by period", periods, rates) if results else None,
        "figures": FIGURES,
    }


@login_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _provider(request, pk)
    series = selectors.kpi_series(organisation=org)
    chosen = _int(request.GET.get("period")) or (series[-1].period if series else None)
    council = request.user.has_perm("monitoring.view_flags")
    today = timezone.localdate()
    return render(
        request,
        "monitoring/provider.html",
        {
            "organisation": org,
            **_series_context(series),
            "period": chosen,
            "period_text": str(chosen),
            "periods": [r.period for r in series],
            "branches": selectors.kpi_breakdown(
                organisation=org, period=chosen, scope=KpiResult.Scope.BRANCH
            )
            if chosen
            else [],
            "districts": selectors.kpi_breakdown(
                organisation=org, period=chosen, scope=KpiResult.Scope.DISTRICT
            )
            if chosen
            else [],
            "compliance": list(
                reversed(
                    selectors.compliance_list(
                        organisation=org,
                        today=today,
                        anchor=config.period_anchor(),
                        grace_days=config.grace_days(),
                    )
                )
            ),
            "flags": selectors.flag_list(organisation=org) if council else None,
            "submissions": selectors.submission_list(
                viewer=current_user(request), organisation=org
            )[:5],
            "is_council": council,
        },
    )


@login_required
def branch_detail(request: HttpRequest, pk: int, location_id: str) -> HttpResponse:
    org = _provider(request, pk)
    series = selectors.kpi_series(organisation=org, scope=KpiResult.Scope.BRANCH, key=location_id)
    if not series:
        raise Http404
    chosen = _int(request.GET.get("period")) or series[-1].period
    result = next((r for r in series if r.period == chosen), series[-1])
    window, by_hour = selectors.branch_punctuality(result=result, branch=location_id)
    return render(
        request,
        "monitoring/branch.html",
        {
            "organisation": org,
            "branch": result,
            "location_id": location_id,
            **_series_context(series),
            "period": result.period,
            "periods": [r.period for r in series],
            "by_hour": by_hour,
            "window": window,
        },
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("monitoring.view_overview"):
        raise Http404
    anchor, grace = config.period_anchor(), config.grace_days()
    today = timezone.localdate()
    latest = period_latest_complete(today, anchor=anchor)
    number = _int(request.GET.get("period")) or latest
    period = period_get(number, anchor=anchor, grace_days=grace)
    district = request.GET.get("district", "")
    flagged_only = request.GET.get("flagged") == "1"
    sort = request.GET.get("sort", "name")
    sort = sort if sort in selectors.OVERVIEW_SORTS else "name"
    descending = request.GET.get("dir") == "desc"
    rows = selectors.kpi_overview_sorted(
        period=period,
        today=today,
        district=district,
        flagged_only=flagged_only,
        sort=sort,
        descending=descending,
    )
    county = selectors.county_series(district=district)
    county_rates = [kpi_rates(c) for _, c in county]
    return render(
        request,
        "monitoring/overview.html",
        {
            "period": period,
            "period_choices": [
                period_get(n, anchor=anchor, grace_days=grace) for n in range(latest, 0, -1)
            ],
            "district": district,
            "districts": selectors.district_choices(),
            "flagged_only": flagged_only,
            "sort": sort,
            "dir": "desc" if descending else "asc",
            "rows": rows,
            "figures": FIGURES,
            "chart": _trend_chart(
                "county_trend", "All providers, by period", [p for p, _ in county], county_rates
            )
            if county
            else None,
            "county": [
                (period_get(p, anchor=anchor, grace_days=grace), c, r)
                for (p, c), r in zip(county, county_rates, strict=True)
            ],
        },
    )


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("monitoring.view_flags"):
        raise Http404
    active_only = request.GET.get("all") != "1"
    kinds = dict(RiskFlag.Kind.choices)
    kind = request.GET.get("kind", "")
    kind = kind if kind in kinds else ""
    provider, period = _int(request.GET.get("provider")), _int(request.GET.get("period"))
    chosen = {"organisation_id": provider, "kind": kind, "period": period}
    flags = selectors.flag_list(
        active_only=active_only, organisation_id=provider, kind=kind, period=period
    )
    page = Paginator(selectors.flag_rows(flags), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/flags.html",
        {
            "page": page,
            "active_only": active_only,
            "providers": selectors.flag_providers(),
            "kinds": RiskFlag.Kind.choices,
            "periods": selectors.flag_periods(),
            "chosen": chosen,
        },
    )
