"""Pages for visit patterns and round work (thin: parse, call one service or selector)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.common.errors import NotFound
from caremarket.common.permissions import require_visible
from caremarket.common.views import button_submit, form_submit
from caremarket.sourcing.forms import (
    HandbackForm,
    SwapForm,
    TransferForm,
    VisitPatternForm,
    WithdrawForm,
)
from caremarket.sourcing.models import Handback, Package, Transfer
from caremarket.sourcing.selectors import handbacks as handback_selectors
from caremarket.sourcing.selectors import transfers as transfer_selectors
from caremarket.sourcing.selectors.packages import package_by_reference
from caremarket.sourcing.selectors.round_fit import round_fit_for
from caremarket.sourcing.selectors.visit_patterns import package_calls
from caremarket.sourcing.services import handbacks, transfers
from caremarket.sourcing.services.visit_patterns import package_visit_pattern_set


def _org_id(request: HttpRequest) -> int:
    # Pages are behind login_required: the user is signed in and belongs to an organisation.
    user: Any = request.user
    return int(user.organisation_id)


def _visit_pattern_arguments(data: dict[str, Any]) -> dict[str, Any]:
    return {"rows": data["rows"], "stated_hours": data.get("hours_per_week")}


@login_required
def visit_pattern_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package.objects.select_related("lot__district"), pk=pk)
    calls = package_calls(package=package)
    form = VisitPatternForm(request.POST or None, calls=calls)
    if request.method == "POST":
        saved = form_submit(
            request,
            form,
            package_visit_pattern_set,
            done=lambda p: (
                f"{p.reference}: visit pattern saved, {p.hours_per_week:.2f} hours a week."
            ),
            then=reverse("sourcing:package-detail", args=[package.pk]),
            arguments_from=_visit_pattern_arguments,
            package=package,
        )
        if saved:
            return saved
    return render(
        request,
        "sourcing/rounds/visit_pattern.html",
        {"package": package, "form": form, "has_calls": bool(calls)},
        status=400 if form.errors else 200,
    )


@login_required
def handback_list(request: HttpRequest) -> HttpResponse:
    """Providers: the packages they deliver and their notices. The council: every handback."""
    require_visible(request.user, "sourcing.view_handbacks")
    user: Any = request.user
    return render(
        request,
        "sourcing/rounds/handback_list.html",
        {
            "handbacks": handback_selectors.handback_list_for(user=user),
            "held": handback_selectors.packages_held_by(organisation_id=user.organisation_id)
            if user.has_perm("sourcing.give_handback")
            else None,
            "can_acknowledge": user.has_perm("sourcing.manage_packages"),
            "notice_days": handbacks.notice_days(),
        },
    )


@login_required
def handback_give(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.give_handback")
    package = get_object_or_404(
        handback_selectors.packages_held_by(organisation_id=_org_id(request)), pk=pk
    )
    form = HandbackForm(request.POST or None)
    if request.method == "POST":
        given = form_submit(
            request,
            form,
            handbacks.handback_give,
            done=f"Notice given on {package.reference}: the council has been told and will"
            " re-source the care.",
            then=reverse("sourcing:handback-list"),
            package=package,
        )
        if given:
            return given
    return render(
        request,
        "sourcing/rounds/handback_form.html",
        {"package": package, "form": form, "notice_days": handbacks.notice_days()},
        status=400 if form.errors else 200,
    )


def _acknowledged(handback: Handback) -> str:
    assert handback.replacement is not None
    return (
        f"Acknowledged: {handback.replacement.reference} re-sources the care from"
        f" {handback.replacement.start_date:%d %B %Y}."
    )


def _visible_handback(request: HttpRequest, pk: int) -> Handback:
    require_visible(request.user, "sourcing.view_handbacks")
    return get_object_or_404(handback_selectors.handback_list_for(user=request.user), pk=pk)


@login_required
@require_POST
def handback_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    handback = _visible_handback(request, pk)
    require_visible(request.user, "sourcing.manage_packages")
    return button_submit(
        request,
        handbacks.handback_acknowledge,
        handback=handback,
        done=_acknowledged,
        then="sourcing:handback-list",
    )


@login_required
@require_POST
def handback_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    handback = _visible_handback(request, pk)
    return button_submit(
        request,
        handbacks.handback_withdraw,
        handback=handback,
        done=f"Your notice on {handback.package.reference} is withdrawn.",
        then="sourcing:handback-list",
    )


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_transfers")
    items = list(transfer_selectors.transfer_list_for(user=request.user))
    council = request.user.has_perm("sourcing.manage_packages")
    fits: dict[int, dict[str, object]] = {}
    if council:
        # The broker compares how the package fits each round (figures only, no addresses).
        for t in items:
            if t.status in ("proposed", "agreed"):
                fits[t.pk] = {
                    "from": round_fit_for(
                        organisation_id=t.from_organisation_id, packages=[t.package]
                    ).get(t.package_id),
                    "to": round_fit_for(
                        organisation_id=t.to_provider.organisation_id, packages=[t.package]
                    ).get(t.package_id),
                }
    return render(
        request,
        "sourcing/rounds/transfer_list.html",
        {
            "cards": transfer_selectors.transfer_cards(items),
            "fits": fits,
            "council": council,
            "withdraw_form": WithdrawForm(),
            "org_id": _org_id(request),
        },
    )


@login_required
def transfer_propose(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.view_transfers")
    package = get_object_or_404(Package.objects.select_related("lot__district"), pk=pk)
    if not (
        request.user.has_perm("sourcing.manage_packages")
        or package.placed_with_id == _org_id(request)
    ):
        raise Http404
    form = TransferForm(
        request.POST or None,
        providers=transfer_selectors.transfer_candidates(
            package=package, today=timezone.localdate()
        ),
    )
    if request.method == "POST":
        proposed = form_submit(
            request,
            form,
            transfers.transfer_propose,
            done=f"Transfer of {package.reference} proposed. Nothing changes until all three"
            " parties have agreed.",
            then=reverse("sourcing:transfer-list"),
            package=package,
        )
        if proposed:
            return proposed
    return render(
        request,
        "sourcing/rounds/transfer_form.html",
        {"package": package, "form": form},
        status=400 if form.errors else 200,
    )


def _swap_arguments(data: dict[str, Any]) -> dict[str, Any]:
    package, other_package = (
        package_by_reference(reference=data[f])
        for f in ("package_reference", "other_package_reference")
    )
    if package is None or other_package is None:
        raise NotFound("There is no package with that reference.")
    return {
        "package": package,
        "other_package": other_package,
        "transfer_date": data["transfer_date"],
        "reason": data["reason"],
    }


@login_required
def transfer_swap_propose(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_transfers")
    # Only the council names both packages of a swap (decision 0093).
    if not request.user.has_perm("sourcing.manage_packages"):
        raise Http404
    form = SwapForm(
        request.POST or None, initial={"package_reference": request.GET.get("package", "")}
    )
    if request.method == "POST":
        proposed = form_submit(
            request,
            form,
            transfers.transfer_swap_propose,
            done=lambda legs: (
                f"Swap of {legs[0].package.reference} and {legs[1].package.reference} proposed."
                " Nothing changes until both providers have agreed."
            ),
            then=reverse("sourcing:transfer-list"),
            arguments_from=_swap_arguments,
        )
        if proposed:
            return proposed
    return render(
        request,
        "sourcing/rounds/swap_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def transfer_agree(request: HttpRequest, pk: int) -> HttpResponse:
    return button_submit(
        request,
        transfers.transfer_agree,
        transfer=_visible_transfer(request, pk),
        done=_agreed,
        then="sourcing:transfer-list",
    )


def _agreed(transfer: Transfer) -> str:
    return (
        f"You have agreed to the {'swap' if transfer.swap_with_id else 'transfer'} of"
        f" {transfer.package.reference}."
        + (" All three parties have agreed." if transfer.all_agreed else "")
    )


def _visible_transfer(request: HttpRequest, pk: int) -> Transfer:
    require_visible(request.user, "sourcing.view_transfers")
    return get_object_or_404(transfer_selectors.transfer_list_for(user=request.user), pk=pk)


@login_required
@require_POST
def transfer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _visible_transfer(request, pk)
    return button_submit(
        request,
        transfers.transfer_withdraw,
        form=WithdrawForm(request.POST),
        invalid="Say why you are withdrawing the transfer (at most 300 characters).",
        transfer=transfer,
        done=f"The transfer of {transfer.package.reference} is withdrawn.",
        then="sourcing:transfer-list",
    )
