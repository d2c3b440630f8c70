"""The signed-in person's own account: password, second factor, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.accounts import selectors, services, throttle
from caremarket.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
)
from caremarket.accounts.models import ApiToken, User
from caremarket.accounts.views.common import too_many
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error
from caremarket.common.views import button_submit


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    password_form = ChangePasswordForm(request.POST or None, user=user)
    # Guessing the current password of a session left open is throttled like sign-in.
    if request.method == "POST" and throttle.exceeded(
        throttle.CURRENT_PASSWORD_PER_USER, str(user.pk)
    ):
        return too_many(request, throttle.CURRENT_PASSWORD_PER_USER)
    if (
        request.method == "POST"
        and not password_form.is_valid()
        and "current_password" in password_form.errors
    ):
        throttle.count(throttle.CURRENT_PASSWORD_PER_USER, str(user.pk))
    if request.method == "POST" and password_form.is_valid():
        try:
            services.user_set_password(
                now=timezone.now(),
                actor=user,
                user=user,
                password=password_form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form_add_domain_error(password_form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "Your password has been changed.")
            return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "password_form": password_form,
            "tokens": selectors.api_token_list(user=user),
            "token_form": ApiTokenForm(),
            **_two_factor_context(user),
        },
    )


def _two_factor_context(user: User) -> dict[str, Any]:
    return {
        "two_factor_on": selectors.user_two_factor_device(user=user) is not None,
        "two_factor_required": selectors.user_two_factor_required(user=user),
        "backup_codes_left": selectors.user_backup_codes_left(user=user),
    }


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"], now=timezone.now()
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return render(
        request,
        "accounts/account.html",
        {
            "password_form": ChangePasswordForm(user=request.user),
            "tokens": selectors.api_token_list(user=request.user),
            "token_form": form,
            **_two_factor_context(request.user),
        },
        status=400,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    return button_submit(
        request,
        services.api_token_revoke,
        token=token,
        done=f"The token “{token.name}” has been revoked.",
        then="accounts:account",
    )
