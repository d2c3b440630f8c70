"""What the care home pages share: the user, a home they may act on, a form sent to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from caremarket.accounts.models import User
from caremarket.carehomes.models import CareHome
from caremarket.carehomes.selectors.homes import care_home_get_for_admin
from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error

T = TypeVar("T")


def current_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def home_for(request: HttpRequest, pk: int, perm: str = "carehomes.view_home_admin") -> CareHome:
    """The home, if this person may act on it; otherwise not found (not even confirmed)."""
    home = care_home_get_for_admin(pk=pk)
    if home is None or not request.user.has_perm(perm, home):
        raise Http404
    return home


def form_submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[..., T],
    *,
    done: Callable[[T], str] | str,
    then: Callable[[T], str] | str,
    **arguments: Any,
) -> HttpResponse | None:
    """Call a service with the signed-in user, now, `arguments` and the form's data.

    On success: a message and a redirect to `then` (a URL). Otherwise None, with the form
    carrying the errors (its own, or the service's) for the caller to show again.
    """
    if not form.is_valid():
        return None
    try:
        result = action(
            actor=current_user(request), now=timezone.now(), **arguments, **form.cleaned_data
        )
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if callable(then) else then)
