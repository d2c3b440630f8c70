"""The Batching List and the Available Packages list, and issuing either now."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.accounts.selectors import current_user
from caremarket.common.downloads import xlsx_response
from caremarket.common.errors import DomainError
from caremarket.common.permissions import require_visible
from caremarket.common.text import counted
from caremarket.common.views import form_submit
from caremarket.framework.models import Provider
from caremarket.framework.selectors.providers import provider_for_user
from caremarket.sourcing.engine.timetable import StepKind
from caremarket.sourcing.forms import BatchingUploadForm, ProposalForm
from caremarket.sourcing.models import BatchingList, Package
from caremarket.sourcing.selectors import batching as batching_selectors
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.selectors.batching_workbook import batching_list_workbook
from caremarket.sourcing.selectors.round_fit import round_fit_for_user
from caremarket.sourcing.services import available, batching, batching_upload, timetable
from caremarket.sourcing.views.common import timetable_context


@login_required
@require_POST
def timetable_issue(request: HttpRequest) -> HttpResponse:
    """A broker issues the Batching List or the Available Packages list now."""
    require_visible(request.user, "sourcing.issue_lists")
    kind = request.POST.get("kind", "")
    page = "sourcing:available" if kind == StepKind.AVAILABLE_ISSUE.value else "sourcing:batching"
    try:
        run = timetable.timetable_issue_now(
            actor=current_user(request), kind=kind, now=timezone.now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(page)
    if run.outcome == run.Outcome.NOT_NEEDED:
        messages.info(request, "No package was waiting, so no list was issued.")
    elif run.batching_list is not None:
        messages.success(
            request,
            f"Batching List {run.batching_list.reference} issued to tier-1 providers: "
            f"{counted(run.batching_list.packages.count(), 'package')}.",
        )
    else:
        messages.success(request, "The Available Packages list has been issued to every provider.")
    return redirect(page)


NOT_PLACED = (
    "This was not a Batching List return we could place: there is no open list for you to"
    " return, or the form was not one of this page's. Nothing was recorded."
)


@login_required
def batching_page(request: HttpRequest) -> HttpResponse:
    """The page, and the two ways a provider returns the list: ticks, or the spreadsheet."""
    require_visible(request.user, "sourcing.view_batching_list")
    if request.method == "GET":
        return _batching_render(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    now = timezone.now()
    current = batching_selectors.batching_list_open(now=now)
    provider = provider_for_user(user=request.user)
    if current is not None and provider is not None:
        if "save-ticks" in request.POST:
            return _batching_ticks(request, current, provider, now)
        if "file" in request.FILES or "submit" in request.POST:
            return _batching_upload(request, current, provider, now)
    messages.error(request, NOT_PLACED)
    return _batching_render(request, status=400)


def _batching_ticks(
    request: HttpRequest, current: BatchingList, provider: Provider, now: dt.datetime
) -> HttpResponse:
    ticked = {int(v) for v in request.POST.getlist("interested") if v.isdigit()}
    try:
        batching.batching_return_record(
            actor=current_user(request),
            batching_list=current,
            provider=provider,
            interested=ticked,
            now=now,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _batching_render(request, status=400)
    messages.success(
        request, "Your choices have been saved. You can change them until the list closes."
    )
    return redirect("sourcing:batching")


def _batching_upload(
    request: HttpRequest, current: BatchingList, provider: Provider, now: dt.datetime
) -> HttpResponse:
    form = BatchingUploadForm(request.POST, request.FILES)
    sent = form_submit(
        request,
        form,
        batching_upload.batching_return_upload,
        batching_list=current,
        provider=provider,
        arguments_from=lambda data: {"data": data["file"].read(), "filename": data["file"].name},
        done="Your returned Batching List has been recorded.",
        then="sourcing:batching",
    )
    return sent or _batching_render(request, upload_form=form, status=400)


def _batching_render(
    request: HttpRequest, *, upload_form: BatchingUploadForm | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    current = batching_selectors.batching_list_open(now=now)
    provider = provider_for_user(user=request.user)
    rows = (
        batching_selectors.batching_rows_for(batching_list=current, provider=provider)
        if current is not None and provider is not None
        else []
    )
    latest, council_rows = (
        batching_selectors.batching_council_view() if provider is None else (None, [])
    )
    council = {} if provider is not None else {"latest": latest, "council_rows": council_rows}
    return render(
        request,
        "sourcing/batching.html",
        {
            "current": current,
            "provider": provider,
            "rows": rows,
            "upload_form": upload_form or BatchingUploadForm(),
            **council,
            **timetable_context(request, now),
            "round_fit": round_fit_for_user(user=request.user, packages=[p for p, _ in rows]),
        },
        status=status,
    )


@login_required
def batching_download(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_batching_list")
    current = batching_selectors.batching_list_open(now=timezone.now())
    provider = provider_for_user(user=request.user)
    if current is None or provider is None:
        raise Http404
    return xlsx_response(
        batching_list_workbook(batching_list=current, provider=provider),
        filename=current.reference,
    )


@login_required
def available_page(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_available_packages")
    # One form per package (its own ids), so a proposal always says which package it is for;
    # only the package posted to is bound and shows errors.
    posted = request.POST.get("package", "") if request.method == "POST" else ""
    form: ProposalForm | None = None
    if posted:
        package = get_object_or_404(Package, pk=posted if posted.isdigit() else 0)
        form = ProposalForm(
            request.POST,
            auto_id=f"proposal-{package.pk}-%s",
            unit_label=package.lot.rate_unit_label,
        )
        sent = form_submit(
            request,
            form,
            available.rate_proposal_submit,
            package=package,
            done=f"Your proposal for {package.reference} has been sent to the council.",
            then="sourcing:available",
        )
        if sent:
            return sent
    listed = list(selectors.available_packages())
    can_propose = request.user.has_perm("sourcing.propose_rate")
    forms_by_package = (
        {
            p.pk: form
            if form is not None and str(p.pk) == posted
            else ProposalForm(auto_id=f"proposal-{p.pk}-%s", unit_label=p.lot.rate_unit_label)
            for p in listed
        }
        if can_propose
        else {}
    )
    return render(
        request,
        "sourcing/available.html",
        {
            "packages": [(p, forms_by_package.get(p.pk)) for p in listed],
            "form": form,
            "round_fit": round_fit_for_user(user=request.user, packages=listed),
            "can_propose": can_propose,
            **timetable_context(request, timezone.now()),
        },
    )
