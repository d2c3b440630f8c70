"""Signing in, with a second factor for those who have one or must."""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from caremarket.accounts import selectors, services, throttle
from caremarket.accounts.forms import (
    SignInForm,
    TwoFactorAppCodeForm,
    TwoFactorCodeForm,
    TwoFactorMoveForm,
)
from caremarket.accounts.models import User
from caremarket.accounts.views.common import too_many
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # One address trying many e-mails: axes counts per (e-mail, address) pair only.
        if throttle.exceeded(throttle.SIGN_IN_PER_ADDRESS, throttle.client_ip(request)):
            return too_many(request, throttle.SIGN_IN_PER_ADDRESS)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        throttle.count(throttle.SIGN_IN_PER_ADDRESS, throttle.client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        enrolled = selectors.user_two_factor_device(user=user) is not None
        if not enrolled and not selectors.user_two_factor_required(user=user):
            return super().form_valid(form)
        # The password was right, but the person is not signed in until the second step: the
        # session holds only who they claim to be, for a few minutes.
        self.request.session[_PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": timezone.now().timestamp(),
        }
        return redirect("accounts:sign-in-code" if enrolled else "accounts:sign-in-set-up")


_PENDING = "two_factor_pending"
_KEY = "two_factor_key"
_PENDING_SECONDS = 10 * 60


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(_PENDING)
    if not isinstance(pending, dict):
        return None
    if timezone.now().timestamp() - float(pending.get("at", 0)) > _PENDING_SECONDS:
        del request.session[_PENDING]
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _sign_in_complete(request: HttpRequest, user: User, device: Any) -> str:
    pending = request.session.pop(_PENDING)
    request.session.pop(_KEY, None)
    auth_login(request, user, backend=pending["backend"])
    otp_login(request, device)
    return str(pending["next"])


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a backup code."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:sign-in")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST":
        if throttle.exceeded(throttle.SECOND_FACTOR_PER_USER, str(user.pk)):
            return too_many(request, throttle.SECOND_FACTOR_PER_USER)
        if form.is_valid():
            device = services.user_two_factor_verify(
                user=user, code=form.cleaned_data["code"], now=timezone.now()
            )
            if device is not None:
                return redirect(_sign_in_complete(request, user, device))
            throttle.count(throttle.SECOND_FACTOR_PER_USER, str(user.pk))
            form.add_error("code", services.CODE_WRONG_BACKUP)
    return render(request, "accounts/sign_in_code.html", {"form": form})


def sign_in_set_up(request: HttpRequest) -> HttpResponse:
    """Council staff without an app set one up before their first sign-in completes."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:sign-in")
    if selectors.user_two_factor_device(user=user) is not None:
        return redirect("accounts:sign-in-code")
    return _set_up(request, user, signing_in=True)


@login_required
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return _set_up(request, request.user, signing_in=False)


def _set_up(request: HttpRequest, user: User, *, signing_in: bool) -> HttpResponse:
    # The secret waits in the session until a code proves the app has it: opening the page
    # writes nothing, and an abandoned set-up leaves nothing behind.
    key = request.session.get(_KEY) or services.totp_key_generate()
    request.session[_KEY] = key
    # Moving to a new phone takes a code from the old one (or a backup code): a session left
    # open must not be enough to put someone else's app on the account.
    moving = not signing_in and selectors.user_two_factor_device(user=user) is not None
    form_class = TwoFactorMoveForm if moving else TwoFactorAppCodeForm
    form = form_class(request.POST or None)
    if request.method == "POST":
        if throttle.exceeded(throttle.SECOND_FACTOR_PER_USER, str(user.pk)):
            return too_many(request, throttle.SECOND_FACTOR_PER_USER)
        if form.is_valid():
            now = timezone.now()
            codes: list[str] | None = None
            if moving and not services.user_two_factor_verify(
                user=user, code=form.cleaned_data["current_code"], now=now
            ):
                form.add_error("current_code", services.CODE_WRONG_BACKUP)
            else:
                try:
                    codes = services.user_two_factor_enrol(
                        user=user, key=key, code=form.cleaned_data["code"], now=now
                    )
                except DomainError as exc:
                    form_add_domain_error(form, exc)
            if codes is None:
                throttle.count(throttle.SECOND_FACTOR_PER_USER, str(user.pk))
            else:
                device = selectors.user_two_factor_device(user=user)
                if signing_in:
                    next_url = _sign_in_complete(request, user, device)
                else:
                    request.session.pop(_KEY, None)
                    otp_login(request, device)
                    next_url = str(reverse_lazy("accounts:account"))
                return render(
                    request,
                    "accounts/two_factor_backup_codes.html",
                    {"codes": codes, "next_url": next_url},
                )
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {
            "form": form,
            "signing_in": signing_in,
            "secret": _secret_for_people(key),
            "qr_svg": _qr_svg(user, key),
        },
    )


def _secret_for_people(key: str) -> str:
    """The secret as authenticator apps take it when typed: base32, in groups of four."""
    text = b32encode(unhexlify(key.encode())).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _qr_svg(user: User, key: str) -> str:
    """The otpauth:// address as an inline SVG QR code: drawn here, so nothing is fetched."""
    uri = TOTPDevice(user=user, key=key, name="Authenticator app").config_url
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff", svgclass="app-qr-code"
    )
    # segno's own markup: the address is drawn as squares, no text from anyone is inside.
    return mark_safe(svg)


@login_required
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if selectors.user_two_factor_device(user=user) is None:
        return redirect("accounts:account")
    form = TwoFactorAppCodeForm(request.POST or None, submit_label="Turn off two-factor sign-in")
    required = selectors.user_two_factor_required(user=user)
    if request.method == "POST" and not required:
        if throttle.exceeded(throttle.SECOND_FACTOR_PER_USER, str(user.pk)):
            return too_many(request, throttle.SECOND_FACTOR_PER_USER)
        if form.is_valid():
            try:
                services.user_two_factor_remove(
                    user=user, code=form.cleaned_data["code"], now=timezone.now()
                )
            except DomainError as exc:
                throttle.count(throttle.SECOND_FACTOR_PER_USER, str(user.pk))
                form_add_domain_error(form, exc)
            else:
                messages.success(request, "Two-factor sign-in is off.")
                return redirect("accounts:account")
    return render(request, "accounts/two_factor_remove.html", {"form": form, "required": required})
