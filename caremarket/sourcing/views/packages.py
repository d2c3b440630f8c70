"""The broker's package pages: the list, a new package, its page and the changes made there."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.common.permissions import require_visible
from caremarket.common.views import button_submit, form_submit
from caremarket.geography.selectors import district_list
from caremarket.sourcing.forms import (
    CancelForm,
    ChangeHoursForm,
    DirectPlacementForm,
    EndForm,
    PackageForm,
)
from caremarket.sourcing.models import Package, RateProposal, StageChoices
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.selectors.leavers import package_offer_history
from caremarket.sourcing.selectors.round_fit import best_placed
from caremarket.sourcing.services import packages
from caremarket.sourcing.views.common import timetable_context


@login_required
def package_list(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_packages")
    counts = selectors.package_counts_by_stage()
    district = request.GET.get("district", "")
    qs = selectors.package_list(
        stage=request.GET.get("stage") or None,
        # An id beyond any row (and beyond SQLite's integers) matches nothing.
        district_id=int(district) if district.isdigit() and len(district) < 10 else None,
        search=request.GET.get("q", "").strip(),
    )
    return render(
        request,
        "sourcing/package_list.html",
        {
            "page": Paginator(qs, 50).get_page(request.GET.get("page")),
            "stages": StageChoices.choices,
            "stage_counts": [
                (value, label, counts.get(value, 0)) for value, label in StageChoices.choices
            ],
            "districts": district_list(),
            "filters": request.GET,
            **timetable_context(request, timezone.now()),
        },
    )


@login_required
def package_create(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    form = PackageForm(request.POST or None)
    if request.method == "POST":
        created = form_submit(
            request,
            form,
            packages.package_create,
            done=lambda package: f"{package.reference} created: sourcing has started.",
            then=lambda package: reverse("sourcing:package-detail", args=[package.pk]),
        )
        if created:
            return created
    return render(request, "sourcing/package_form.html", {"form": form})


def _round_fit_shown(package: Package) -> bool:
    # These placements are made from the package page, which shows "Best placed" (round
    # fit beside the ranked list) exactly when this is non-empty: the same test, now.
    return bool(best_placed(package=package, on=timezone.localdate()))


@login_required
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.view_packages")
    try:
        package = selectors.package_detail(package_id=pk)
    except Package.DoesNotExist:
        raise Http404 from None
    history = selectors.package_price_history(package=package)
    return render(
        request,
        "sourcing/package_detail.html",
        {
            "package": package,
            "offer_history": package_offer_history(package=package),
            "price_history": history,
            "orders": selectors.package_orders_on(history=history, on=timezone.localdate()),
            "cancel_form": CancelForm(),
            "end_form": EndForm(),
            "direct_form": DirectPlacementForm(unit_label=package.lot.rate_unit_label),
            "can_manage": request.user.has_perm("sourcing.manage_packages"),
            "best_placed": best_placed(package=package, on=timezone.localdate())
            if package.stage not in ("cancelled", "ended")
            else [],
        },
    )


@login_required
@require_POST
def package_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=pk)
    return button_submit(
        request,
        packages.package_cancel,
        form=CancelForm(request.POST),
        invalid="Say why the package is cancelled.",
        package=package,
        done=f"{package.reference} has been cancelled.",
        then=reverse("sourcing:package-detail", args=[pk]),
    )


@login_required
@require_POST
def package_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=pk)
    return button_submit(
        request,
        packages.package_end,
        form=EndForm(request.POST),
        invalid="Give the last day of care (for example 2026-11-27) and the reason.",
        package=package,
        done=f"{package.reference}: the end of care has been recorded.",
        then=reverse("sourcing:package-detail", args=[pk]),
    )


@login_required
@require_POST
def package_place(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=pk)
    return button_submit(
        request,
        packages.package_place_directly,
        form=DirectPlacementForm(request.POST, unit_label=package.lot.rate_unit_label),
        invalid="Choose a provider, a route and the agreed rate.",
        package=package,
        round_fit_used=_round_fit_shown(package),
        done=f"{package.reference} has been placed.",
        then=reverse("sourcing:package-detail", args=[pk]),
    )


@login_required
def package_change_hours(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package.objects.select_related("lot__district"), pk=pk)
    history = selectors.package_price_history(package=package)
    if package.stage != StageChoices.PLACED or not history:
        raise Http404
    form = ChangeHoursForm(request.POST or None)
    if request.method == "POST":
        sent = form_submit(
            request,
            form,
            packages.package_change_hours,
            package=package,
            done=lambda _: (
                f"{package.reference}: {floatformat(form.cleaned_data['hours_per_week'], '-2')}"
                f" hours a week from {form.cleaned_data['starts_on']:%-d %B %Y}."
            ),
            then=reverse("sourcing:package-detail", args=[pk]),
        )
        if sent:
            return sent
    return render(
        request,
        "sourcing/package_hours.html",
        {
            "package": package,
            "form": form,
            "orders": selectors.package_orders_on(history=history, on=timezone.localdate()),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    proposal = get_object_or_404(RateProposal, pk=pk)
    return button_submit(
        request,
        packages.package_place_from_proposal,
        proposal=proposal,
        round_fit_used=_round_fit_shown(proposal.package),
        done=f"{proposal.package.reference} placed with {proposal.organisation}.",
        then=reverse("sourcing:package-detail", args=[proposal.package_id]),
    )
