from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.common.permissions import require_visible
from caremarket.common.views import form_submit
from caremarket.framework.forms import MatrixRateForm, PriceYearForm, RateSelectForm
from caremarket.framework.models import PriceYear
from caremarket.framework.selectors.prices import (
    matrix_rate_list,
    price_year_list,
    price_year_on,
    rate_selection_list,
)
from caremarket.framework.services.prices import (
    matrix_rate_create,
    price_year_create,
    rate_select,
)
from caremarket.framework.views.common import visible_provider


def _matrix_page(
    request: HttpRequest,
    *,
    chosen: str = "",
    year_form: PriceYearForm | None = None,
    rate_form: MatrixRateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    years = list(price_year_list())
    year = next((y for y in years if str(y.pk) == chosen), None) or price_year_on(
        on=timezone.localdate()
    )
    can_manage = request.user.has_perm("framework.manage_framework")
    return render(
        request,
        "framework/price_matrix.html",
        {
            "years": years,
            "year": year,
            "rates": matrix_rate_list(year=year) if year else [],
            "year_form": (year_form or PriceYearForm(prefix="year")) if can_manage else None,
            "rate_form": (rate_form or MatrixRateForm(prefix="rate"))
            if can_manage and year
            else None,
        },
        status=status,
    )


@login_required
def price_matrix(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.view_price_matrix")
    return _matrix_page(request, chosen=request.GET.get("year", ""))


def _matrix_of(year: PriceYear) -> str:
    return f"{reverse('framework:price-matrix')}?year={year.pk}"


@login_required
@require_POST
def price_year_add(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.manage_framework")
    form = PriceYearForm(request.POST, prefix="year")
    return form_submit(
        request,
        form,
        price_year_create,
        done=lambda year: f"The {year} framework year has been added: add its rates.",
        then=_matrix_of,
    ) or _matrix_page(request, year_form=form, status=400)


@login_required
@require_POST
def matrix_rate_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "framework.manage_framework")
    year = get_object_or_404(PriceYear, pk=pk)
    form = MatrixRateForm(request.POST, prefix="rate")
    return form_submit(
        request,
        form,
        matrix_rate_create,
        year=year,
        done=lambda rate: (
            f"£{rate.amount:.2f} {rate.get_unit_display()} added to the {year} matrix for "
            f"{rate.get_service_type_display()}."
        ),
        then=_matrix_of(year),
    ) or _matrix_page(request, chosen=str(year.pk), rate_form=form, status=400)


@login_required
def rate_selections(request: HttpRequest, pk: int) -> HttpResponse:
    provider = visible_provider(request, pk)
    can_select = request.user.has_perm("framework.select_rates", provider)
    form = RateSelectForm(request.POST or None)
    if request.method == "POST":
        require_visible(request.user, "framework.select_rates", provider)
        selected = form_submit(
            request,
            form,
            rate_select,
            provider=provider,
            done="The rate has been selected.",
            then=reverse("framework:rate-selections", args=[provider.pk]),
        )
        if selected:
            return selected
    return render(
        request,
        "framework/rate_selections.html",
        {
            "provider": provider,
            "selections": rate_selection_list(provider=provider),
            "form": form if can_select else None,
        },
    )
