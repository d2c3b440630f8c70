from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.selectors import current_user
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.permissions import require_visible
from caremarket.common.views import form_submit
from caremarket.cqc.selectors import cqc_location_get, cqc_provider_locations, cqc_rating_summary
from caremarket.framework.forms import (
    AgreementEndForm,
    BranchChangeRequestForm,
    BranchDecisionForm,
    ProviderFromCqcForm,
)
from caremarket.framework.models import BranchChangeRequest
from caremarket.framework.selectors.prices import rate_selection_list
from caremarket.framework.selectors.providers import (
    branch_change_request_list,
    provider_branches,
    provider_list,
)
from caremarket.framework.services.branch_requests import (
    branch_change_request_decide,
    branch_change_request_submit,
)
from caremarket.framework.services.providers import (
    provider_add_from_cqc,
    provider_agreement_end,
    provider_agreement_end_preview,
)
from caremarket.framework.views.common import visible_provider


@login_required
def provider_list_page(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.list_providers")
    q = request.GET.get("q", "").strip()
    page = Paginator(provider_list(search=q), 50).get_page(request.GET.get("page"))
    return render(request, "framework/provider_list.html", {"page": page, "q": q})


@login_required
def provider_add(request: HttpRequest) -> HttpResponse:
    """A contract manager adds a provider from the CQC register, choosing its branches."""
    require_visible(request.user, "framework.manage_framework")
    data = request.POST or request.GET
    cqc_provider_id = data.get("cqc_provider_id", "").strip()
    locations = cqc_provider_locations(provider_id=cqc_provider_id) if cqc_provider_id else []
    form = ProviderFromCqcForm(
        request.POST or None, locations=locations, initial={"cqc_provider_id": cqc_provider_id}
    )
    if request.method == "POST":
        sent = form_submit(
            request,
            form,
            provider_add_from_cqc,
            done=lambda provider: f"{provider.name} has joined the framework.",
            then=lambda provider: reverse("framework:provider-detail", args=[provider.pk]),
        )
        if sent:
            return sent
    return render(
        request,
        "framework/provider_add.html",
        {
            "form": form if locations else None,
            "cqc_provider_id": cqc_provider_id,
            "locations": locations,
        },
    )


@login_required
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = visible_provider(request, pk)
    return render(
        request,
        "framework/provider_detail.html",
        {
            "provider": provider,
            "branches": provider_branches(provider=provider),
            "requests": branch_change_request_list(provider=provider),
            "selections": rate_selection_list(provider=provider),
            "can_request": request.user.has_perm("framework.request_branch_change", provider),
            "can_select_rates": request.user.has_perm("framework.select_rates", provider),
            "can_end": request.user.has_perm("framework.manage_framework")
            and provider.left_on is None,
        },
    )


@login_required
def provider_agreement_end_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the date and reason, then what will happen, confirmed before it is done."""
    provider = visible_provider(request, pk)
    require_visible(request.user, "framework.manage_framework")
    if provider.left_on is not None:
        messages.error(request, f"{provider.name}'s agreement has already ended.")
        return redirect("framework:provider-detail", pk=pk)
    form = AgreementEndForm(request.POST or None)
    if request.method == "POST" and request.POST.get("confirm"):
        sent = form_submit(
            request,
            form,
            provider_agreement_end,
            provider=provider,
            done=f"{provider.name}'s agreement has ended; its open offers have been"
            " withdrawn and moved on.",
            then=reverse("framework:provider-detail", args=[pk]),
        )
        if sent:
            return sent
    elif request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "actor": current_user(request), "provider": provider}
        try:
            preview = provider_agreement_end_preview(now=timezone.now(), **values)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            if not request.POST.get("change"):
                posted = [
                    (name, request.POST.get(name, ""))
                    for name in ("left_on_0", "left_on_1", "left_on_2", "reason")
                ]
                return render(
                    request,
                    "framework/agreement_end_confirm.html",
                    {"provider": provider, "preview": preview, "posted": posted},
                )
    return render(request, "framework/agreement_end.html", {"provider": provider, "form": form})


@login_required
def branch_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    provider = visible_provider(request, pk)
    require_visible(request.user, "framework.request_branch_change", provider)
    form = BranchChangeRequestForm(request.POST or None, provider=provider)
    if request.method == "POST":
        sent = form_submit(
            request,
            form,
            branch_change_request_submit,
            provider=provider,
            done="Your request has been sent to the Live at Home team.",
            then=lambda change: reverse("framework:branch-request", args=[change.pk]),
        )
        if sent:
            return sent
    return render(
        request, "framework/branch_request_form.html", {"form": form, "provider": provider}
    )


@login_required
def branch_request_list(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.decide_branch_change")
    status = request.GET.get("status", "pending")
    requests = branch_change_request_list(status=status or None)
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "framework/branch_request_list.html",
        {"page": page, "status": status, "statuses": BranchChangeRequest.Status.choices},
    )


@login_required
def branch_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(
        BranchChangeRequest.objects.select_related("provider__organisation", "branch"), pk=pk
    )
    require_visible(request.user, "framework.view_provider", change.provider)
    can_decide = request.user.has_perm("framework.decide_branch_change", change)
    form = BranchDecisionForm(request.POST or None)
    if request.method == "POST":
        require_visible(request.user, "framework.decide_branch_change", change)
        sent = form_submit(
            request,
            form,
            branch_change_request_decide,
            request=change,
            arguments_from=lambda data: {
                "approve": data["decision"] == "approve",
                "note": data["note"],
            },
            done="The decision has been recorded and the provider told.",
            then=reverse("framework:branch-request", args=[change.pk]),
        )
        if sent:
            return sent
    location = (
        cqc_location_get(location_id=change.new_cqc_location_id)
        if change.new_cqc_location_id
        else None
    )
    return render(
        request,
        "framework/branch_request_detail.html",
        {
            "change": change,
            "form": form if can_decide and change.status == "pending" else None,
            "location": location,
            "ratings": cqc_rating_summary(location_id=location.location_id) if location else None,
        },
    )
