from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.permissions import require_visible
from caremarket.framework.selectors.providers import provider_for_user
from caremarket.geography.selectors import district_list
from caremarket.sourcing.engine.timetable import StepKind
from caremarket.sourcing.forms import (
    BatchingUploadForm,
    CancelForm,
    CareBookForm,
    DeclineForm,
    DirectPlacementForm,
    EndForm,
    PackageForm,
    ProposalForm,
)
from caremarket.sourcing.models import Offer, Package, RateProposal, StageChoices
from caremarket.sourcing.selectors import batching as batching_selectors
from caremarket.sourcing.selectors import packages as selectors
from caremarket.sourcing.selectors import timetable as timetable_selectors
from caremarket.sourcing.selectors.batching_workbook import batching_list_workbook
from caremarket.sourcing.selectors.care_book import care_book_template_csv
from caremarket.sourcing.selectors.round_fit import best_placed, round_fit_for_user
from caremarket.sourcing.services import (
    available,
    batching,
    batching_upload,
    care_book,
    offers,
    packages,
    timetable,
)


def _timetable_context(request: HttpRequest, now: Any) -> dict[str, Any]:
    """The broker pages say when the timetable has stopped, and what it did lately."""
    if not request.user.has_perm("sourcing.view_packages"):
        return {}
    return {
        "timetable_late": timetable_selectors.timetable_late(now=now),
        "timetable_runs": timetable_selectors.timetable_runs_recent(),
        "can_issue_lists": request.user.has_perm("sourcing.issue_lists"),
    }


@login_required
@require_POST
def timetable_issue(request: HttpRequest) -> HttpResponse:
    """A broker issues the Batching List or the Available Packages list now."""
    require_visible(request.user, "sourcing.issue_lists")
    kind = request.POST.get("kind", "")
    page = "sourcing:available" if kind == StepKind.AVAILABLE_ISSUE.value else "sourcing:batching"
    try:
        run = timetable.timetable_issue_now(actor=request.user, kind=kind, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(page)
    if run.outcome == run.Outcome.NOT_NEEDED:
        messages.info(request, "No package was waiting, so no list was issued.")
    elif run.batching_list is not None:
        messages.success(
            request,
            f"Batching List {run.batching_list.reference} issued to tier-1 providers: "
            f"{run.batching_list.packages.count()} package(s).",
        )
    else:
        messages.success(request, "The Available Packages list has been issued to every provider.")
    return redirect(page)


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
            **_timetable_context(request, timezone.now()),
        },
    )


@login_required
def package_create(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    form = PackageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            package = packages.package_create(
                actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, f"{package.reference} created: sourcing has started.")
            return redirect("sourcing:package-detail", pk=package.pk)
    return render(request, "sourcing/package_form.html", {"form": form})


@login_required
def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.view_packages")
    try:
        package = selectors.package_detail(package_id=pk)
    except Package.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "sourcing/package_detail.html",
        {
            "package": package,
            "price_history": selectors.package_price_history(package=package),
            "cancel_form": CancelForm(),
            "end_form": EndForm(),
            "direct_form": DirectPlacementForm(),
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
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            packages.package_cancel(
                actor=request.user,
                package=package,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
            messages.success(request, f"{package.reference} has been cancelled.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Say why the package is cancelled.")
    return redirect("sourcing:package-detail", pk=pk)


@login_required
@require_POST
def package_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            packages.package_end(
                actor=request.user, package=package, now=timezone.now(), **form.cleaned_data
            )
            messages.success(request, f"{package.reference}: the end of care has been recorded.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(
            request, "Give the last day of care (for example 2026-11-27) and the reason."
        )
    return redirect("sourcing:package-detail", pk=pk)


@login_required
@require_POST
def package_place(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    package = get_object_or_404(Package, pk=pk)
    form = DirectPlacementForm(request.POST)
    if form.is_valid():
        try:
            packages.package_place_directly(
                actor=request.user, package=package, now=timezone.now(), **form.cleaned_data
            )
            messages.success(request, f"{package.reference} has been placed.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Choose a provider, a route and the agreed rate.")
    return redirect("sourcing:package-detail", pk=pk)


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    require_visible(request.user, "sourcing.manage_packages")
    proposal = get_object_or_404(RateProposal, pk=pk)
    try:
        packages.package_place_from_proposal(
            actor=request.user, proposal=proposal, now=timezone.now()
        )
        messages.success(
            request, f"{proposal.package.reference} placed with {proposal.organisation}."
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("sourcing:package-detail", pk=proposal.package_id)


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.answer_offers")
    all_offers = selectors.offer_list_for(user=request.user)
    return render(
        request,
        "sourcing/offer_list.html",
        {
            "open_offers": [o for o in all_offers if o.is_open],
            "past_offers": [o for o in all_offers if not o.is_open][:100],
            "decline_form": DeclineForm(),
            "now": timezone.now(),
            "round_fit": round_fit_for_user(
                user=request.user, packages=[o.package for o in all_offers if o.is_open]
            ),
        },
    )


def _own_offer(request: HttpRequest, pk: int) -> Offer:
    offer = get_object_or_404(Offer.objects.select_related("provider"), pk=pk)
    if not request.user.has_perm("sourcing.answer_offer", offer):
        raise Http404
    return offer


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    try:
        offers.offer_accept(actor=request.user, offer=offer, now=timezone.now())
        messages.success(
            request,
            f"You have accepted {offer.package.reference}. A purchase order has been issued.",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("sourcing:offer-list")


@login_required
@require_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _own_offer(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            offers.offer_decline(
                actor=request.user,
                offer=offer,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
            messages.success(request, f"You have declined {offer.package.reference}.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Say why you are declining.")
    return redirect("sourcing:offer-list")


@login_required
def batching_page(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_batching_list")
    now = timezone.now()
    current = batching_selectors.batching_list_open(now=now)
    provider = provider_for_user(user=request.user)
    upload_form = BatchingUploadForm()
    if request.method == "POST" and current is not None and provider is not None:
        try:
            if "file" in request.FILES:
                upload_form = BatchingUploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    upload = upload_form.cleaned_data["file"]
                    batching_upload.batching_return_upload(
                        actor=request.user,
                        batching_list=current,
                        provider=provider,
                        data=upload.read(),
                        filename=upload.name,
                        now=now,
                    )
                    messages.success(request, "Your returned Batching List has been recorded.")
                    return redirect("sourcing:batching")
            else:
                ticked = {int(v) for v in request.POST.getlist("interested") if v.isdigit()}
                batching.batching_return_record(
                    actor=request.user,
                    batching_list=current,
                    provider=provider,
                    interested=ticked,
                    now=now,
                )
                messages.success(
                    request,
                    "Your choices have been saved. You can change them until the list closes.",
                )
                return redirect("sourcing:batching")
        except DomainError as exc:
            form_add_domain_error(upload_form, exc)
    rows = []
    if current is not None and provider is not None:
        ticks = batching_selectors.batching_returns_of(batching_list=current, provider=provider)
        rows = [
            (p, ticks.get(p.pk, False))
            for p in batching_selectors.batching_packages_for(
                batching_list=current, provider=provider
            )
        ]
    return render(
        request,
        "sourcing/batching.html",
        {
            "current": current,
            "provider": provider,
            "rows": rows,
            "upload_form": upload_form,
            **_council_batching(provider, now),
            **_timetable_context(request, now),
            "round_fit": round_fit_for_user(user=request.user, packages=[p for p, _ in rows]),
        },
        status=400 if upload_form.errors else 200,
    )


def _council_batching(provider: Any, now: Any) -> dict[str, Any]:
    if provider is not None:
        return {}
    latest = batching_selectors.batching_list_latest()
    return {
        "latest": latest,
        "council_rows": batching_selectors.batching_list_broker_view(batching_list=latest)
        if latest
        else [],
    }


@login_required
def batching_download(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_batching_list")
    current = batching_selectors.batching_list_open(now=timezone.now())
    provider = provider_for_user(user=request.user)
    if current is None or provider is None:
        raise Http404
    response = HttpResponse(
        batching_list_workbook(batching_list=current, provider=provider),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{current.reference}.xlsx"'
    return response


@login_required
def available_page(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.view_available_packages")
    # One form per package (its own ids), so a proposal always says which package it is for;
    # only the package posted to is bound and shows errors.
    posted = request.POST.get("package", "") if request.method == "POST" else ""
    form: ProposalForm | None = None
    if posted:
        package = get_object_or_404(Package, pk=posted if posted.isdigit() else 0)
        form = ProposalForm(request.POST, auto_id=f"proposal-{package.pk}-%s")
        if form.is_valid():
            try:
                available.rate_proposal_submit(
                    actor=request.user, package=package, now=timezone.now(), **form.cleaned_data
                )
                messages.success(
                    request, f"Your proposal for {package.reference} has been sent to the council."
                )
                return redirect("sourcing:available")
            except DomainError as exc:
                form_add_domain_error(form, exc)
    listed = list(selectors.available_packages())
    can_propose = request.user.has_perm("sourcing.propose_rate")
    forms_by_package = (
        {
            p.pk: form
            if form is not None and str(p.pk) == posted
            else ProposalForm(auto_id=f"proposal-{p.pk}-%s")
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
            **_timetable_context(request, timezone.now()),
        },
    )


@login_required
def care_book_page(request: HttpRequest) -> HttpResponse:
    """The Live at Home team loads the care the council already commissions, whole or not."""
    require_visible(request.user, "sourcing.import_care_book")
    form = CareBookForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, object]] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = care_book.care_book_import(
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
                now=timezone.now(),
            )
        except care_book.CareBookInvalid as exc:
            problems, total = exc.problems, exc.total
            form_add_domain_error(form, exc)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"{run.filename}: {run.packages} packages loaded, {run.purchase_orders} framework"
                f" purchase orders carried over at their prices, {run.spot_packages} spot.",
            )
            return redirect("sourcing:care-book")
    return render(
        request,
        "sourcing/care_book.html",
        {
            "form": form,
            "problems": problems,
            "total": total,
            "runs": selectors.care_book_import_list(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def care_book_template(request: HttpRequest) -> HttpResponse:
    require_visible(request.user, "sourcing.import_care_book")
    response = HttpResponse(care_book_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="book-of-care-template.csv"'
    return response
