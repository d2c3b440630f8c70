"""Public pages: vacancy search (list and map), a home's profile, its photographs."""

from __future__ import annotations

import math

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from caremarket.carehomes.forms import SearchForm
from caremarket.carehomes.models import CareHome, HomePhoto, Room
from caremarket.carehomes.selectors.homes import (
    care_home_freshness,
    care_home_get,
    care_home_ratings,
    home_suspension_current,
)
from caremarket.carehomes.selectors.search import (
    PAGE_SIZE,
    VacancyQuery,
    VacancyResults,
    vacancy_rooms,
    vacancy_search,
)
from caremarket.carehomes.views.search_map import search_map
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.cqc.models import Domain


def _requestable(user: object, found: VacancyResults | None) -> set[int]:
    """The rooms on the page this user may request; the rules ask about rooms and their homes."""
    if found is None or not found.shows_rooms:
        return set()
    return {
        room.pk
        for r in found.results
        for room in r.rooms
        if user.has_perm(  # type: ignore[attr-defined]
            "carehomes.request_room",
            Room(
                pk=room.pk,
                contract_type=room.contract_type,
                block_owner_id=room.block_owner_id,
                home=CareHome(pk=r.home.pk, provider_id=r.home.provider_id),
            ),
        )
    }


def _without(request: HttpRequest, *keys: str) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


def search(request: HttpRequest) -> HttpResponse:
    professional = request.user.has_perm("carehomes.see_rooms_in_search")
    searched = any(k in request.GET for k in ("postcode", "district"))
    form = SearchForm(request.GET if searched else None, professional=professional)
    found: VacancyResults | None = None
    page = max(1, int(request.GET["page"])) if request.GET.get("page", "").isdigit() else 1
    if searched and form.is_valid():
        query: VacancyQuery = form.to_query()
        if not (query.postcode or query.district):
            form.add_error("postcode", "Enter a postcode or choose a district.")
        else:
            try:
                found = vacancy_search(
                    viewer=request.user,
                    query=query,
                    now=timezone.now(),
                    offset=(page - 1) * PAGE_SIZE,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
    view = "map" if request.GET.get("view") == "map" else "list"
    context = {
        "form": form,
        "found": found,
        "view": view,
        "page": page,
        "pages": math.ceil(found.total / PAGE_SIZE) if found else 0,
        "map": search_map(found) if found and view == "map" else None,
        "requestable": _requestable(request.user, found),
        "base_query": _without(request, "view", "page", "submit"),
    }
    return render(request, "carehomes/search.html", context)


def home_detail(request: HttpRequest, pk: int) -> HttpResponse:
    home = care_home_get(pk=pk)
    if home is None:
        raise Http404
    now = timezone.now()
    today = timezone.localdate(now)
    rooms = list(
        vacancy_rooms(viewer=request.user, query=VacancyQuery(), day=today)
        .filter(home=home)
        .select_related("block_owner")
        .order_by("name")
    )
    ratings = care_home_ratings(home=home)
    return render(
        request,
        "carehomes/home_detail.html",
        {
            "home": home,
            "photos": list(home.photos.all()),
            "available_beds": len(rooms),
            "rooms": rooms if request.user.has_perm("carehomes.see_rooms_in_search") else None,
            "freshness": care_home_freshness(home=home, now=now),
            "ratings": [(d.value, ratings.ratings.get(d.value, "")) for d in Domain],
            "rating_published_on": ratings.published_on,
            "closure": home_suspension_current(home=home, day=today),
            "can_manage": request.user.has_perm("carehomes.view_home_admin", home),
        },
    )


def photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    item = get_object_or_404(HomePhoto.objects.select_related("home"), pk=pk)
    if not item.home.is_active and not request.user.has_perm(
        "carehomes.view_home_admin", item.home
    ):
        raise Http404
    image = item.thumbnail if size == "thumbnail" else item.image
    try:
        handle = image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
