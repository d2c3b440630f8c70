"""Organisations and their partners, managed by the council."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from caremarket.accounts import selectors, services
from caremarket.accounts.forms import (
    OrganisationForm,
    PartnersForm,
)
from caremarket.accounts.models import Organisation, OrganisationKind, User
from caremarket.common.views import form_submit


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.manage_organisations"):
        raise Http404
    kind = request.GET.get("kind") or None
    orgs = selectors.organisation_list(kind=kind, search=request.GET.get("q", "").strip())
    page = Paginator(orgs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "page": page,
            "kinds": OrganisationKind.choices,
            "kind": kind,
            "q": request.GET.get("q", ""),
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.manage_organisations"):
        raise Http404
    assert isinstance(request.user, User)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        sent = form_submit(
            request,
            form,
            services.organisation_create,
            done=lambda org: f"{org.name} has been added.",
            then=lambda org: reverse("accounts:organisation-detail", args=[org.pk]),
        )
        if sent:
            return sent
    return render(
        request, "accounts/organisation_form.html", {"form": form, "title": "Add an organisation"}
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("accounts.manage_organisations"):
        raise Http404
    assert isinstance(request.user, User)
    org = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(
        request.POST or None,
        initial={
            "name": org.name,
            "kind": org.kind,
            "reference": org.reference,
            "email": org.email,
            "phone": org.phone,
        },
    )
    form.fields["kind"].disabled = True
    partners_form = PartnersForm(initial={"partners": list(org.partners.all())})
    if request.method == "POST" and "partners-submit" in request.POST:
        partners_form = PartnersForm(request.POST)
        sent = form_submit(
            request,
            partners_form,
            services.organisation_set_partners,
            organisation=org,
            done="Partners saved.",
            then=reverse("accounts:organisation-detail", args=[org.pk]),
        )
        if sent:
            return sent
    elif request.method == "POST":
        # The kind is shown but cannot change: the service changes only the fields it names.
        sent = form_submit(
            request,
            form,
            services.organisation_update,
            done="Organisation saved.",
            then=reverse("accounts:organisation-detail", args=[org.pk]),
            organisation=org,
        )
        if sent:
            return sent
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": org,
            "form": form,
            "partners_form": partners_form,
            "users": org.users.order_by("full_name"),
        },
    )
