"""Resetting a forgotten password by e-mail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone

from caremarket.accounts import services, throttle
from caremarket.accounts.forms import ResetPasswordForm
from caremarket.accounts.views.common import too_many
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        address = throttle.client_ip(self.request)
        if (
            throttle.count(throttle.RESET_PER_ADDRESS, address)
            > throttle.RESET_PER_ADDRESS.attempts
        ):
            return too_many(self.request, throttle.RESET_PER_ADDRESS)
        email = throttle.normalise_email(form.cleaned_data["email"])
        # Past the limit for one e-mail the page answers as usual but sends nothing more, so
        # nobody can flood a mailbox with links and the answer still reveals nothing.
        if throttle.count(throttle.RESET_PER_EMAIL, email) <= throttle.RESET_PER_EMAIL.attempts:
            services.user_password_reset_request(
                email=email, client_address=address, now=timezone.now()
            )
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.user_password_reset_complete(
                user=form.user, password=form.cleaned_data["new_password1"], now=timezone.now()
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
