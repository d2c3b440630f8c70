"""Rounds in the market and handbacks, for contract managers (tables and downloads)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from caremarket.common.downloads import sheets_download
from caremarket.common.permissions import require_visible
from caremarket.common.spreadsheets import Sheet
from caremarket.insight.forms import RangeForm
from caremarket.insight.selectors.rounds import Rounds, rounds


def _rounds(request: HttpRequest) -> tuple[RangeForm, Rounds]:
    require_visible(request.user, "insight.view_market")
    form = RangeForm(request.GET or None, today=timezone.localdate())
    return form, rounds(span=form.date_range())


def rounds_sheets(*, figures: Rounds, generated_at: object) -> list[Sheet]:
    as_at = [f"As at {generated_at:%d %B %Y %H:%M}; packages being delivered now."]
    return [
        Sheet(
            title="Providers by outward code",
            columns=["Outward code", "Providers", "Packages", "Packages by provider"],
            rows=[
                [
                    o.outward_code,
                    o.providers,
                    o.packages,
                    "; ".join(f"{p}: {n}" for p, n in o.by_provider),
                ]
                for o in figures.outward
            ],
            heading=as_at,
        ),
        Sheet(
            title="Scatter by district",
            columns=["District", "Provider", "Packages", "Mean km to nearest other package"],
            rows=[
                [s.district, s.provider, s.packages, round(s.mean_nearest_km, 2)]
                for s in figures.scatter
            ],
            heading=[*as_at, "Packages whose postcode is not in the directory are left out."],
        ),
        Sheet(
            title="Handbacks",
            columns=["Provider", *[label for _, label in figures.reasons], "Total"],
            rows=[
                [h.provider, *[h.counts.get(v, 0) for v, _ in figures.reasons], h.total]
                for h in figures.handbacks
            ],
            heading=["Notices given in the range shown on the page."],
        ),
    ]


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
