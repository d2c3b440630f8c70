"""What the account pages share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from caremarket.accounts import throttle


def too_many(request: HttpRequest, limit: throttle.Limit) -> HttpResponse:
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": throttle.minutes(limit)},
        status=429,
    )
