"""Pages: live demand (providers and the council), the market dashboard, the care home market,
and rounds in the market and handbacks for contract managers (tables and downloads)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from caremarket.carehomes.selectors.homes import STALE_AFTER_DAYS
from caremarket.common.downloads import sheets_download
from caremarket.common.permissions import require_visible
from caremarket.common.spreadsheets import Sheet
from caremarket.insight import charts
from caremarket.insight.forms import DemandFilterForm, RangeForm
from caremarket.insight.selectors.care_book import hours_per_night
from caremarket.insight.selectors.care_homes import CareHomeMarket, care_home_market
from caremarket.insight.selectors.demand import Demand, demand, demand_round_fit
from caremarket.insight.selectors.downloads import (
    CARE_HOME_TABLES,
    DEMAND_TABLES,
    MARKET_TABLES,
    care_home_sheets,
    demand_sheets,
    market_sheets,
    rounds_sheets,
    table_links,
)
from caremarket.insight.selectors.maps import demand_map
from caremarket.insight.selectors.market import Market, market
from caremarket.insight.selectors.placements import ROUTE_LABELS, ROUTES
from caremarket.insight.selectors.rounds import Rounds, rounds


def download(*, sheets: list[Sheet], name: str, fmt: str, table: str) -> HttpResponse:
    return sheets_download(sheets=sheets, name=name, fmt=fmt, table=table)


def _demand(request: HttpRequest) -> tuple[DemandFilterForm, Demand]:
    require_visible(request.user, "insight.view_demand")
    form = DemandFilterForm(request.GET or None)
    return form, demand(now=timezone.now(), **form.filters())


@login_required
def demand_page(request: HttpRequest) -> HttpResponse:
    form, live = _demand(request)
    return render(
        request,
        "insight/demand.html",
        {
            "form": form,
            "demand": live,
            "round_fit": demand_round_fit(user=request.user, packages=live.packages),
            "map": demand_map(areas=live.areas),
            "charts": charts.demand_charts(demand=live),
            "download_tables": table_links(DEMAND_TABLES),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def demand_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _, live = _demand(request)
    return download(
        sheets=demand_sheets(demand=live),
        name="home-care-demand",
        fmt=fmt,
        table=request.GET.get("table", ""),
    )


def _range(request: HttpRequest) -> RangeForm:
    return RangeForm(request.GET or None, today=timezone.localdate())


def _market(request: HttpRequest) -> tuple[RangeForm, Market]:
    require_visible(request.user, "insight.view_market")
    form = _range(request)
    return form, market(span=form.date_range())


@login_required
def market_page(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("insight.view_market") and request.user.has_perm(
        "insight.view_care_home_market"
    ):
        return redirect("insight:care-homes")
    form, figures = _market(request)
    return render(
        request,
        "insight/market.html",
        {
            "form": form,
            "m": figures,
            "routes": [(r, ROUTE_LABELS[r]) for r in ROUTES],
            "charts": charts.market_charts(market=figures),
            "hours_per_night": hours_per_night(),
            "download_tables": table_links(MARKET_TABLES),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def market_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _, figures = _market(request)
    return download(
        sheets=market_sheets(market=figures, generated_at=timezone.localtime()),
        name="home-care-market",
        fmt=fmt,
        table=request.GET.get("table", ""),
    )


def _care_homes(request: HttpRequest) -> tuple[RangeForm, CareHomeMarket]:
    require_visible(request.user, "insight.view_care_home_market")
    form = _range(request)
    return form, care_home_market(span=form.date_range(), now=timezone.now())


@login_required
def care_homes_page(request: HttpRequest) -> HttpResponse:
    form, beds = _care_homes(request)
    return render(
        request,
        "insight/care_homes.html",
        {
            "form": form,
            "beds": beds,
            "rows": list(zip(beds.periods, beds.series, strict=True)),
            "districts": beds.districts(beds.latest),
            "care_types": beds.care_types(beds.latest),
            "kinds": beds.kinds(beds.latest),
            "charts": charts.care_home_charts(market=beds),
            "download_tables": table_links(CARE_HOME_TABLES),
            "stale_after_days": STALE_AFTER_DAYS,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def care_homes_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _, beds = _care_homes(request)
    return download(
        sheets=care_home_sheets(market=beds, generated_at=timezone.localtime()),
        name="care-home-market",
        fmt=fmt,
        table=request.GET.get("table", ""),
    )


def _rounds(request: HttpRequest) -> tuple[RangeForm, Rounds]:
    require_visible(request.user, "insight.view_market")
    form = _range(request)
    return form, rounds(span=form.date_range())


@login_required
def rounds_page(request: HttpRequest) -> HttpResponse:
    form, figures = _rounds(request)
    return render(
        request,
        "insight/rounds.html",
        {"form": form, "r": figures, "query": request.GET.urlencode()},
    )


@login_required
def rounds_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _, figures = _rounds(request)
    return sheets_download(
        sheets=rounds_sheets(figures=figures, generated_at=timezone.localtime()),
        name="rounds-and-handbacks",
        fmt=fmt,
        table=request.GET.get("table", ""),
    )
