"""The Ranked List Tool pages, and drafting and issuing new versions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.accounts.selectors import current_user
from caremarket.common.downloads import xlsx_response
from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require_visible
from caremarket.common.views import button_submit, form_submit
from caremarket.framework.forms import (
    IssueForm,
    LotEditForm,
    RankByScoresForm,
    RankedListImportForm,
)
from caremarket.framework.models import Cohort, Lot, Provider, RankedListVersion, ServiceType, Tier
from caremarket.framework.selectors.lots import lot_list
from caremarket.framework.selectors.providers import provider_for_user, provider_list
from caremarket.framework.selectors.ranked_lists import (
    provider_positions,
    ranked_list_diff,
    ranked_list_version_in_force,
    ranked_list_version_list,
    ranked_list_version_previous,
    ranked_lists_of_version,
)
from caremarket.framework.selectors.tool import ranked_list_tool_workbook
from caremarket.framework.services.ranked_list_import import ranked_list_import
from caremarket.framework.services.ranked_lists import (
    ranked_list_discard,
    ranked_list_draft_create,
    ranked_list_draft_rank_by_scores,
    ranked_list_draft_set_lot,
    ranked_list_issue,
)
from caremarket.geography.selectors import district_list


def _chosen_version(request: HttpRequest) -> RankedListVersion | None:
    """The version asked for (?version=), else the one in force today. Drafts: managers only."""
    number = request.GET.get("version", "")
    if number.isdigit():
        version = get_object_or_404(RankedListVersion, pk=int(number))
        if version.status != RankedListVersion.Status.ISSUED:
            require_visible(request.user, "framework.manage_framework", version)
        return version
    return ranked_list_version_in_force(on=timezone.localdate())


@login_required
def ranked_lists(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.view_ranked_lists")
    version = _chosen_version(request)
    district = request.GET.get("district", "")
    service_type = request.GET.get("service_type", "")
    cohort = request.GET.get("cohort", "")
    lots = lot_list(district_code=district, service_type=service_type, cohort=cohort)
    return render(
        request,
        "framework/ranked_lists.html",
        {
            "version": version,
            "lists": ranked_lists_of_version(version=version, lots=lots),
            "districts": district_list(),
            "service_types": ServiceType.choices,
            "cohorts": Cohort.choices,
            "district": district,
            "service_type": service_type,
            "cohort": cohort,
            "versions": ranked_list_version_list().filter(status="issued"),
        },
    )


@login_required
def ranked_list_tool(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.view_ranked_lists")
    version = _chosen_version(request)
    with_scores = (
        request.user.has_perm("framework.view_ranking_scores")
        or settings.RANKED_LIST_SCORES_PUBLISHED
    )
    suffix = f"version-{version.number}" if version and version.number else "draft"
    return xlsx_response(
        ranked_list_tool_workbook(version=version, with_scores=with_scores),
        filename=f"ranked-list-tool-{suffix}",
    )


@login_required
def positions(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.view_ranked_lists")
    version = _chosen_version(request)
    chosen = request.GET.get("provider", "")
    provider = (
        get_object_or_404(Provider, pk=int(chosen))
        if chosen.isdigit()
        else provider_for_user(user=request.user)
    )
    return render(
        request,
        "framework/positions.html",
        {
            "version": version,
            "provider": provider,
            "providers": provider_list(),
            "positions": provider_positions(provider=provider, version=version) if provider else [],
        },
    )


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.manage_framework")
    return render(request, "framework/version_list.html", {"versions": ranked_list_version_list()})


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(RankedListVersion, pk=pk)
    require_visible(request.user, "framework.manage_framework", version)
    previous = ranked_list_version_previous(version=version)
    draft = version.status == RankedListVersion.Status.DRAFT
    issue_form = IssueForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and draft:
        sent = form_submit(
            request,
            issue_form,
            ranked_list_issue,
            version=version,
            done=f"{version} has been issued and published to providers.",
            then=reverse("framework:version-detail", args=[version.pk]),
        )
        if sent:
            return sent
    return render(
        request,
        "framework/version_detail.html",
        {
            "version": version,
            "previous": previous,
            "diff": ranked_list_diff(old=previous, new=version),
            "issue_form": issue_form if draft else None,
            "rank_form": RankByScoresForm() if draft else None,
            "lots": lot_list() if draft else None,
            "entry_count": version.entries.count(),
        },
    )


@login_required
@require_POST
def version_draft_create(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.manage_framework")
    return button_submit(
        request,
        ranked_list_draft_create,
        done="A new draft has been started from the lists in force.",
        then=lambda version: reverse("framework:version-detail", args=[version.pk]),
        refused=reverse("framework:version-list"),
    )


@login_required
@require_POST
def version_discard(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(RankedListVersion, pk=pk)
    require_visible(request.user, "framework.manage_framework", version)
    return button_submit(
        request,
        ranked_list_discard,
        version=version,
        done="The draft has been discarded.",
        then=reverse("framework:version-list"),
        refused=reverse("framework:version-detail", args=[version.pk]),
    )


@login_required
@require_POST
def version_rank(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(RankedListVersion, pk=pk)
    require_visible(request.user, "framework.manage_framework", version)
    return button_submit(
        request,
        ranked_list_draft_rank_by_scores,
        form=RankByScoresForm(request.POST),
        invalid="Enter whole-number weights from 0 to 100.",
        version=version,
        done="Every list has been ranked by its price and quality scores.",
        then=reverse("framework:version-detail", args=[version.pk]),
    )


@login_required
def version_lot_edit(request: HttpRequest, pk: int, lot_pk: int) -> HttpResponse:
    version = get_object_or_404(RankedListVersion, pk=pk, status=RankedListVersion.Status.DRAFT)
    require_visible(request.user, "framework.manage_framework", version)
    lot = get_object_or_404(Lot.objects.select_related("district"), pk=lot_pk)
    current = ranked_lists_of_version(version=version, lots=[lot])[0]

    def lines(tier: int) -> str:
        return "\n".join(
            f"{e.cqc_provider_id} {e.provider_name}" for e in current.entries if e.tier == tier
        )

    form = LotEditForm(
        request.POST or None, initial={"tier1": lines(Tier.ONE), "tier2": lines(Tier.TWO)}
    )
    if request.method == "POST":
        sent = form_submit(
            request,
            form,
            ranked_list_draft_set_lot,
            version=version,
            lot=lot,
            done=f"The list for {lot} has been saved in the draft.",
            then=reverse("framework:version-detail", args=[version.pk]),
        )
        if sent:
            return sent
    return render(
        request, "framework/lot_edit.html", {"version": version, "lot": lot, "form": form}
    )


@login_required
def import_workbook(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "framework.manage_framework")
    form = RankedListImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        try:
            version = ranked_list_import(
                actor=current_user(request),
                data=upload.read(),
                filename=upload.name,
                now=timezone.now(),
            )
        except ValidationFailed as exc:
            problems = exc.errors if isinstance(exc.errors, list) else [exc.message]
        else:
            messages.success(request, "The workbook has been checked and saved as a draft.")
            return redirect("framework:version-detail", pk=version.pk)
    return render(
        request,
        "framework/import.html",
        {"form": form, "problems": problems},
        status=422 if problems else 200,
    )
