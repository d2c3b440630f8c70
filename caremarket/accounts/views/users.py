"""People: listed, added, changed, deactivated and reactivated by those who manage them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caremarket.accounts import selectors, services
from caremarket.accounts.forms import (
    NewUserForm,
    ReactivateForm,
    UserForm,
)
from caremarket.accounts.models import User
from caremarket.common.views import button_submit, form_submit


def _user_or_404(request: HttpRequest, pk: int) -> User:
    user = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    # Another organisation's people are not even confirmed to exist.
    if not request.user.has_perm("accounts.manage_user", user):
        raise Http404
    return user


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    assert isinstance(viewer, User)
    if not viewer.has_perm("accounts.list_users"):
        raise Http404
    org_id = request.GET.get("organisation")
    users = selectors.user_list_visible_to(
        viewer=viewer,
        organisation_id=int(org_id) if org_id and org_id.isdigit() else None,
        search=request.GET.get("q", "").strip(),
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": request.GET.get("q", ""),
            "organisations": selectors.organisation_list()
            if viewer.has_perm("accounts.manage_organisations")
            else None,
            "organisation_id": org_id,
        },
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    viewer = request.user
    assert isinstance(viewer, User)
    if not viewer.has_perm("accounts.list_users"):
        raise Http404
    council_admin = viewer.has_perm("accounts.manage_organisations")
    fixed = None if council_admin else viewer.organisation
    form = NewUserForm(request.POST or None, fixed_organisation=fixed)
    if request.method == "POST":
        # Without a choice of organisation, the person joins the viewer's own.
        joins: dict[str, Any] = {"organisation": fixed} if fixed else {}
        sent = form_submit(
            request,
            form,
            services.user_create,
            done=lambda user: f"{user.full_name} has been added and sent a link to set a password.",
            then=lambda user: reverse("accounts:user-detail", args=[user.pk]),
            **joins,
        )
        if sent:
            return sent
    return render(request, "accounts/user_form.html", {"form": form, "title": "Add a user"})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.user
    assert isinstance(viewer, User)
    user = _user_or_404(request, pk)
    form = _details_form(user, request.POST or None)
    if request.method == "POST":
        sent = form_submit(
            request,
            form,
            services.user_update,
            done="The account has been updated.",
            then=reverse("accounts:user-detail", args=[user.pk]),
            user=user,
        )
        if sent:
            return sent
    return _detail_page(
        request,
        user,
        form=form,
        reactivate_form=ReactivateForm(initial={"full_name": user.full_name}),
    )


def _detail_page(
    request: HttpRequest,
    user: User,
    *,
    form: forms.BaseForm,
    reactivate_form: ReactivateForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "subject_two_factor_on": selectors.user_two_factor_device(user=user) is not None,
            "form": form,
            "reactivate_form": reactivate_form,
        },
        status=status,
    )


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(request, pk)
    return button_submit(
        request,
        services.user_deactivate,
        user=user,
        done=f"{user.email} has been deactivated. The address stays reserved for this account.",
        then=reverse("accounts:user-detail", args=[user.pk]),
    )


@login_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    user = _user_or_404(request, pk)
    form = ReactivateForm(request.POST)
    sent = form_submit(
        request,
        form,
        services.user_reactivate,
        done=f"{user.email} has been reactivated.",
        then=reverse("accounts:user-detail", args=[user.pk]),
        user=user,
    )
    if sent:
        return sent
    # The account's details as they are, and the reactivation as typed, with its errors.
    return _detail_page(
        request, user, form=_details_form(user, None), reactivate_form=form, status=400
    )


def _details_form(user: User, data: Any) -> UserForm:
    return UserForm(
        data,
        organisation_kind=user.organisation.kind,
        initial={
            "full_name": user.full_name,
            "email": user.email,
            "role": user.role,
            "job_title": user.job_title,
        },
    )


@login_required
@require_POST
def user_send_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(request, pk)
    return button_submit(
        request,
        services.user_send_password_reset,
        user=user,
        done=f"A password reset link has been sent to {user.email}.",
        then=reverse("accounts:user-detail", args=[user.pk]),
    )


@login_required
@require_POST
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_or_404(request, pk)
    return button_submit(
        request,
        services.user_two_factor_reset,
        user=user,
        done=lambda reset: (
            f"Two-factor sign-in has been reset for {user.email}: they set up their app"
            " again at their next sign-in."
            if reset
            else f"{user.email} had no two-factor app or backup codes: nothing was reset."
        ),
        then=reverse("accounts:user-detail", args=[user.pk]),
    )
