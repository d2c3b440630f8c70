"""Pages where providers and council administrators keep homes, photographs and rooms."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.accounts.selectors import current_user
from caremarket.carehomes import services
from caremarket.carehomes.forms import (
    CouncilHomeForm,
    HomeForm,
    NewHomeForm,
    PhotoForm,
)
from caremarket.carehomes.models import CareHome, HomePhoto
from caremarket.carehomes.selectors.capacity import CAPACITY_HEADER, capacity_rows
from caremarket.carehomes.selectors.homes import (
    care_home_freshness,
    care_home_list_manageable,
    home_suspension_current,
)
from caremarket.carehomes.views.common import home_for
from caremarket.common.spreadsheets import safe_row
from caremarket.common.views import button_submit, form_submit


@login_required
def home_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("carehomes.view_own_homes"):
        raise Http404
    q = request.GET.get("q", "").strip()
    homes = care_home_list_manageable(viewer=request.user, search=q)
    page = Paginator(homes, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "carehomes/home_list.html",
        {
            "page": page,
            "q": q,
            "rows": [
                (
                    h,
                    care_home_freshness(home=h, now=now),
                    home_suspension_current(home=h, day=timezone.localdate(now)),
                )
                for h in page
            ],
            "can_create": request.user.has_perm("carehomes.create_home"),
        },
    )


@login_required
def home_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.has_perm("carehomes.create_home"):
        raise Http404
    council = user.has_perm("carehomes.administer_homes")
    form = NewHomeForm(request.POST or None, choose_provider=council)
    if request.method == "POST":
        # The council chooses the provider on the form; a provider adds its own homes.
        owner: dict[str, Any] = {} if council else {"provider": user.organisation}
        added = form_submit(
            request,
            form,
            services.care_home_create,
            **owner,
            done=lambda home: f"{home.name} has been added. Now add its rooms.",
            then=lambda home: reverse("carehomes:home-rooms", args=[home.pk]),
        )
        if added:
            return added
    return render(request, "carehomes/home_form.html", {"form": form, "title": "Add a care home"})


def _home_initial(home: CareHome) -> dict[str, Any]:
    fields = ("name", "address", "postcode", "phone", "email", "website", "description")
    initial: dict[str, Any] = {f: getattr(home, f) for f in fields}
    initial.update(
        care_types=home.care_type_codes,
        facilities=home.facility_codes,
        provides_nursing=home.provides_nursing,
        provides_residential=home.provides_residential,
    )
    return initial


@login_required
def home_edit(request: HttpRequest, pk: int) -> HttpResponse:
    home = home_for(request, pk, "carehomes.manage_home")
    form = HomeForm(request.POST or None, initial=_home_initial(home))
    if request.method == "POST":
        saved = form_submit(
            request,
            form,
            services.care_home_update,
            home=home,
            done="The home's details have been saved.",
            then=reverse("carehomes:home-edit", args=[home.pk]),
        )
        if saved:
            return saved
    return _edit_page(request, home, form=form)


def _edit_page(
    request: HttpRequest,
    home: CareHome,
    *,
    form: HomeForm | None = None,
    photo_form: PhotoForm | None = None,
    council_form: CouncilHomeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The home's edit page: the form sent back with its errors, the others as they stand."""
    if council_form is None and request.user.has_perm("carehomes.administer_homes"):
        council_form = CouncilHomeForm(
            initial={"irn_framework": home.irn_framework, "is_active": home.is_active}
        )
    return render(
        request,
        "carehomes/home_edit.html",
        {
            "home": home,
            "form": form if form is not None else HomeForm(initial=_home_initial(home)),
            "photo_form": photo_form if photo_form is not None else PhotoForm(),
            "photos": list(home.photos.all()),
            "council_form": council_form,
        },
        status=status,
    )


@login_required
@require_POST
def home_council(request: HttpRequest, pk: int) -> HttpResponse:
    home = home_for(request, pk, "carehomes.administer_homes")
    form = CouncilHomeForm(request.POST)
    sent = form_submit(
        request,
        form,
        services.care_home_set_council_fields,
        home=home,
        done="Saved.",
        then=reverse("carehomes:home-edit", args=[home.pk]),
    )
    return sent or _edit_page(request, home, council_form=form, status=400)


@login_required
@require_POST
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    home = home_for(request, pk, "carehomes.manage_home")
    form = PhotoForm(request.POST, request.FILES)
    sent = form_submit(
        request,
        form,
        services.care_home_photo_add,
        home=home,
        arguments_from=lambda data: {
            "data": data["image"].read(),
            "filename": data["image"].name,
            "alt_text": data["alt_text"],
        },
        done="The photograph has been added.",
        then=reverse("carehomes:home-edit", args=[home.pk]),
    )
    return sent or _edit_page(request, home, photo_form=form, status=400)


@login_required
@require_POST
def photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(HomePhoto.objects.select_related("home"), pk=pk)
    home_for(request, photo.home_id, "carehomes.manage_home")
    return button_submit(
        request,
        services.care_home_photo_remove,
        photo=photo,
        done="The photograph has been removed.",
        then=reverse("carehomes:home-edit", args=[photo.home_id]),
    )


@login_required
@require_POST
def confirm_vacancies(request: HttpRequest, pk: int) -> HttpResponse:
    home = home_for(request, pk)
    return button_submit(
        request,
        services.care_home_confirm_vacancies,
        home=home,
        done="Thank you: searchers now see that your vacancies are up to date.",
        then=reverse("carehomes:home-rooms", args=[home.pk]),
    )


@login_required
def capacity_export(request: HttpRequest) -> HttpResponse:
    """Bed states of every home the person looks after, for the NHS Capacity Tracker."""
    if not request.user.has_perm("carehomes.view_own_homes"):
        raise Http404
    homes = care_home_list_manageable(viewer=request.user)
    if request.GET.get("home", "").isdigit():
        homes = homes.filter(pk=int(request.GET["home"]))
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="capacity-tracker-{today}.csv"'
    writer = csv.writer(response)
    writer.writerow(CAPACITY_HEADER)
    for row in capacity_rows(homes=homes, day=today):
        writer.writerow(safe_row(row.cells(today)))
    return response
