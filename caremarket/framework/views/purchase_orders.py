from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from caremarket.common.permissions import require_visible
from caremarket.framework.selectors.purchase_orders import (
    purchase_order_history,
    purchase_order_list_visible_to,
)


@login_required
def purchase_order_list(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.view_framework")
    q = request.GET.get("q", "").strip()
    orders = purchase_order_list_visible_to(viewer=request.user, search=q)
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(request, "framework/purchase_order_list.html", {"page": page, "q": q})


@login_required
def package_history(request: HttpRequest, reference: str) -> HttpResponse:
    history = purchase_order_history(package_reference=reference)
    # Another provider's packages are not confirmed to exist.
    if not history or not request.user.has_perm("framework.view_provider", history[-1]):
        raise Http404
    return render(
        request,
        "framework/package_history.html",
        {"reference": reference, "history": history, "current": history[-1]},
    )
