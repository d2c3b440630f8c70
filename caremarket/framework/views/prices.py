from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.permissions import require_visible
from caremarket.framework.forms import RateSelectForm
from caremarket.framework.selectors.prices import (
    matrix_rate_list,
    price_year_list,
    price_year_on,
    rate_selection_list,
)
from caremarket.framework.services.prices import rate_select
from caremarket.framework.views.common import visible_provider


@login_required
def price_matrix(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.view_price_matrix")
    years = list(price_year_list())
    chosen = request.GET.get("year", "")
    year = next((y for y in years if str(y.pk) == chosen), None) or price_year_on(
        on=timezone.localdate()
    )
    return render(
        request,
        "framework/price_matrix.html",
        {"years": years, "year": year, "rates": matrix_rate_list(year=year) if year else []},
    )


@login_required
def rate_selections(request: HttpRequest, pk: int) -> HttpResponse:
    provider = visible_provider(request, pk)
    can_select = request.user.has_perm("framework.select_rates", provider)
    form = RateSelectForm(request.POST or None)
    if request.method == "POST":
        require_visible(request.user, "framework.select_rates", provider)
        if form.is_valid():
            try:
                rate_select(
                    actor=request.user, provider=provider, now=timezone.now(), **form.cleaned_data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, "The rate has been selected.")
                return redirect("framework:rate-selections", pk=provider.pk)
    return render(
        request,
        "framework/rate_selections.html",
        {
            "provider": provider,
            "selections": rate_selection_list(provider=provider),
            "form": form if can_select else None,
        },
    )
