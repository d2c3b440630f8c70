"""What every app's pages share: a form or a button sent to a service, its answer shown or its
errors kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from caremarket.common.errors import DomainError
from caremarket.common.forms import form_add_domain_error

T = TypeVar("T")


def form_submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[..., T],
    /,
    *,
    done: Callable[[T], str] | str,
    then: Callable[[T], str] | str,
    arguments_from: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    **arguments: Any,
) -> HttpResponse | None:
    """Call a service with the signed-in user, now, `arguments` and the form's data.

    On success: a message and a redirect to `then` (a URL). Otherwise None, with the form
    carrying the errors (its own, or the service's) for the caller to show again. The service
    asks the permission itself, so the actor is passed as the request has it.

    The first three are positional only, so a service's own argument may be called `request`
    (a branch change request) or `form`.

    `arguments_from` turns the cleaned data into the service's keyword arguments where the
    form's fields are not named as they are, or a reference must be looked up first; a
    DomainError it raises is shown on the form as the service's are.
    """
    if not form.is_valid():
        return None
    try:
        data = arguments_from(form.cleaned_data) if arguments_from else form.cleaned_data
        result = action(actor=request.user, now=timezone.now(), **arguments, **data)
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if callable(then) else then)


def button_submit(
    request: HttpRequest,
    action: Callable[..., T],
    /,
    *,
    done: Callable[[T], str] | str,
    then: Callable[[T], str] | str,
    refused: str | None = None,
    form: forms.BaseForm | None = None,
    invalid: str = "",
    **arguments: Any,
) -> HttpResponse:
    """A button's POST: call a service with the signed-in user, now and `arguments`.

    There is no form to show again: the outcome is a message on the next page, `then` (a URL
    or a URL name, or made from the service's result), or the service's own words when it
    refuses (a DomainError) on `refused`, which defaults to `then` when that is fixed.

    A button that sends a few fields from a page of several forms (a reason, a date) passes
    its `form`: its data joins the arguments, and when it is not valid the service is not
    called and `invalid` says what to give instead (by default, the form's first error, named
    by its field's label).
    """
    back = refused if refused is not None else then
    if callable(back):
        # A page built from a result cannot be where a refusal (no result) goes.
        raise TypeError("button_submit needs `refused` when `then` depends on the result")
    if form is not None:
        if not form.is_valid():
            messages.error(request, invalid or _first_error(form))
            return redirect(back)
        arguments = {**arguments, **form.cleaned_data}
    try:
        result = action(actor=request.user, now=timezone.now(), **arguments)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if callable(then) else then)


def _first_error(form: forms.BaseForm) -> str:
    name, errors = next(iter(form.errors.items()))
    field = form.fields.get(name)
    label = field.label if field is not None and field.label else name.replace("_", " ")
    return f"{str(label).capitalize()}: {errors[0]}" if name != "__all__" else str(errors[0])
