"""Pages for visit patterns and round work (thin: parse, call one service or selector)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.permissions import require_visible
from caremarket.sourcing.models import Package
from caremarket.sourcing.rounds_forms import VisitPatternForm
from caremarket.sourcing.selectors.visit_patterns import package_calls
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
