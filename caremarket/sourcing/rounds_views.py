"""Pages for visit patterns and round work (thin: parse, call one service or selector)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.permissions import require_visible
from caremarket.sourcing.models import Package
from caremarket.sourcing.rounds_forms import HandbackForm, VisitPatternForm
from caremarket.sourcing.selectors import handbacks as handback_selectors
from caremarket.sourcing.selectors.visit_patterns import package_calls
from caremarket.sourcing.services import handbacks
from caremarket.sourcing.services.visit_patterns import package_visit_pattern_set


@login_required
def visit_pattern_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package.objects.select_related("lot__district"), pk=pk)
    calls = package_calls(package=package)
    form = VisitPatternForm(request.POST or None, calls=calls)
    if request.method == "POST" and form.is_valid():
        try:
            package_visit_pattern_set(
                actor=request.user,
                package=package,
                rows=form.cleaned_data["rows"],
                stated_hours=form.cleaned_data.get("hours_per_week"),
                now=timezone.now(),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            package.refresh_from_db()
            messages.success(
                request,
                f"{package.reference}: visit pattern saved, "
                f"{package.hours_per_week:.2f} hours a week.",
            )
            return redirect("sourcing:package-detail", pk=package.pk)
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
    user = request.user
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
        handback_selectors.packages_held_by(organisation_id=request.user.organisation_id), pk=pk
    )
    form = HandbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            handbacks.handback_give(
                actor=request.user,
                package=package,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                last_day=form.cleaned_data["last_day"],
                now=timezone.now(),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Notice given on {package.reference}: the council has been told and will"
                " re-source the care.",
            )
            return redirect("sourcing:handback-list")
    return render(
        request,
        "sourcing/rounds/handback_form.html",
        {"package": package, "form": form, "notice_days": handbacks.notice_days()},
        status=400 if form.errors else 200,
    )


def _handback_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_visible(request.user, "sourcing.view_handbacks")
    handback = get_object_or_404(handback_selectors.handback_list_for(user=request.user), pk=pk)
    try:
        if action == "acknowledge":
            require_visible(request.user, "sourcing.manage_packages")
            handback = handbacks.handback_acknowledge(
                actor=request.user, handback=handback, now=timezone.now()
            )
            assert handback.replacement is not None
            messages.success(
                request,
                f"Acknowledged: {handback.replacement.reference} re-sources the care from"
                f" {handback.replacement.start_date:%d %B %Y}.",
            )
        else:
            handbacks.handback_withdraw(actor=request.user, handback=handback, now=timezone.now())
            messages.success(request, f"Your notice on {handback.package.reference} is withdrawn.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("sourcing:handback-list")


@login_required
@require_POST
def handback_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _handback_action(request, pk, "acknowledge")


@login_required
@require_POST
def handback_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _handback_action(request, pk, "withdraw")
