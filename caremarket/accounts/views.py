from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from caremarket.accounts import selectors, services, throttle
from caremarket.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    NewUserForm,
    OrganisationForm,
    PartnersForm,
    ReactivateForm,
    ResetPasswordForm,
    SignInForm,
    UserForm,
)
from caremarket.accounts.models import ApiToken, Organisation, OrganisationKind, User
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # One address trying many e-mails: axes counts per (e-mail, address) pair only.
        if throttle.exceeded(throttle.SIGN_IN_PER_ADDRESS, throttle.client_ip(request)):
            return _too_many(request, throttle.SIGN_IN_PER_ADDRESS)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        throttle.count(throttle.SIGN_IN_PER_ADDRESS, throttle.client_ip(self.request))
        return super().form_invalid(form)


def _too_many(request: HttpRequest, limit: throttle.Limit) -> HttpResponse:
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": throttle.minutes(limit)},
        status=429,
    )


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
            return _too_many(self.request, throttle.RESET_PER_ADDRESS)
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


def _user_or_404(request: HttpRequest, pk: int) -> User:
    user = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    # Another organisation's people are not even confirmed to exist.
    if not request.user.has_perm("accounts.manage_user", user):
        raise Http404
    return user


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    password_form = ChangePasswordForm(request.POST or None, user=user)
    # Guessing the current password of a session left open is throttled like sign-in.
    if request.method == "POST" and throttle.exceeded(
        throttle.CURRENT_PASSWORD_PER_USER, str(user.pk)
    ):
        return _too_many(request, throttle.CURRENT_PASSWORD_PER_USER)
    if (
        request.method == "POST"
        and not password_form.is_valid()
        and "current_password" in password_form.errors
    ):
        throttle.count(throttle.CURRENT_PASSWORD_PER_USER, str(user.pk))
    if request.method == "POST" and password_form.is_valid():
        try:
            services.user_set_password(
                actor=user, user=user, password=password_form.cleaned_data["new_password"]
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
        },
    )


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
        },
        status=400,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token, now=timezone.now())
    messages.success(request, f"The token “{token.name}” has been revoked.")
    return redirect("accounts:account")


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=viewer,
                organisation=data.get("organisation") or viewer.organisation,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                job_title=data["job_title"],
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request, f"{user.full_name} has been added and sent a link to set a password."
            )
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": "Add a user"})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.user
    assert isinstance(viewer, User)
    user = _user_or_404(request, pk)
    form = _details_form(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=viewer, user=user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, "The account has been updated.")
            return redirect("accounts:user-detail", pk=user.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "form": form,
            "reactivate_form": ReactivateForm(initial={"full_name": user.full_name}),
        },
    )


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    user = _user_or_404(request, pk)
    try:
        services.user_deactivate(actor=request.user, user=user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{user.email} has been deactivated. The address stays reserved for this account.",
        )
    return redirect("accounts:user-detail", pk=user.pk)


@login_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    user = _user_or_404(request, pk)
    form = ReactivateForm(request.POST)
    if form.is_valid():
        try:
            services.user_reactivate(
                actor=request.user,
                user=user,
                full_name=form.cleaned_data["full_name"],
                send_password_reset=form.cleaned_data["send_password_reset"],
                now=timezone.now(),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, f"{user.email} has been reactivated.")
            return redirect("accounts:user-detail", pk=user.pk)
    # The account's details as they are, and the reactivation as typed, with its errors.
    return render(
        request,
        "accounts/user_detail.html",
        {"subject": user, "form": _details_form(user, None), "reactivate_form": form},
        status=400,
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
    assert isinstance(request.user, User)
    user = _user_or_404(request, pk)
    services.user_send_password_reset(actor=request.user, user=user)
    messages.success(request, f"A password reset link has been sent to {user.email}.")
    return redirect("accounts:user-detail", pk=user.pk)


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
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, f"{org.name} has been added.")
            return redirect("accounts:organisation-detail", pk=org.pk)
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
        if partners_form.is_valid():
            services.organisation_set_partners(
                actor=request.user,
                organisation=org,
                partners=partners_form.cleaned_data["partners"],
            )
            messages.success(request, "Partners saved.")
            return redirect("accounts:organisation-detail", pk=org.pk)
    elif request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        try:
            services.organisation_update(actor=request.user, organisation=org, **data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, "Organisation saved.")
            return redirect("accounts:organisation-detail", pk=org.pk)
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
