"""Council pages for strategic partners in an area (decision 0096); thin over the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from caremarket.common.permissions import require_visible
from caremarket.common.views import form_submit
from caremarket.framework.models import ServiceType
from caremarket.sourcing.forms import PartnershipEndForm, PartnershipForm
from caremarket.sourcing.models import StrategicPartnership
from caremarket.sourcing.selectors import partners as selectors
from caremarket.sourcing.services import partners as services


def _row(partnership: StrategicPartnership, today: object) -> dict[str, object]:
    offered, placed = selectors.partnership_counts(partnership=partnership)
    return {
        "p": partnership,
        "service": ServiceType(partnership.service_type).label,
        "status": selectors.partnership_status(partnership=partnership, today=today),  # type: ignore[arg-type]
        "offered": offered,
        "placed": placed,
    }


def _get(pk: int) -> StrategicPartnership:
    partnership = selectors.partnership_get(pk=pk)
    if partnership is None:
        raise Http404
    return partnership


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_partnerships")
    today = timezone.localdate()
    return render(
        request,
        "sourcing/partners/list.html",
        {
            "rows": [_row(p, today) for p in selectors.partnership_list()],
            "can_manage": request.user.has_perm("sourcing.manage_partnerships"),
        },
    )


@login_required
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.view_partnerships")
    partnership = _get(pk)
    row = _row(partnership, timezone.localdate())
    return render(
        request,
        "sourcing/partners/detail.html",
        {**row, "can_manage": request.user.has_perm("sourcing.manage_partnerships")},
    )


@login_required
def partnership_create(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_partnerships")
    form = PartnershipForm(request.POST or None)
    if request.method == "POST":
        sent = form_submit(
            request,
            form,
            services.partnership_create,
            arguments_from=lambda data: {
                **data,
                "outward_codes": services.outward_codes_parse(text=data["outward_codes"]),
            },
            done=lambda partnership: (
                f"{partnership.provider} is the strategic partner for "
                f"{', '.join(partnership.outward_codes)}."
            ),
            then=lambda partnership: reverse("sourcing:partner-detail", args=[partnership.pk]),
        )
        if sent:
            return sent
    return render(
        request,
        "sourcing/partners/form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def partnership_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: give the reason, then confirm on a page that says what ending does."""
    require_visible(request.user, "sourcing.manage_partnerships")
    partnership = _get(pk)
    if partnership.ended_at is not None:
        messages.info(request, "This partnership has already been ended.")
        return redirect("sourcing:partner-detail", pk=pk)
    form = PartnershipEndForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            confirming = True
        else:
            sent = form_submit(
                request,
                form,
                services.partnership_end,
                partnership=partnership,
                done=f"The partnership with {partnership.provider} ended.",
                then=reverse("sourcing:partner-detail", args=[pk]),
            )
            if sent:
                return sent
    return render(
        request,
        "sourcing/partners/end.html",
        {"p": partnership, "form": form, "confirming": confirming},
        status=400 if form.errors else 200,
    )
