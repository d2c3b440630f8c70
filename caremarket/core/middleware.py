"""Middleware: security headers, and the guard that refuses hostile parameters at the edge."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from caremarket.common.pagination import MAX_LIMIT, MAX_OFFSET

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https://*.tile.openstreetmap.org",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ]
)

DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/v1/docs"):
            # Swagger UI sets style attributes on its elements; scripts stay 'self' only.
            response.setdefault("Content-Security-Policy", DOCS_CSP)
        else:
            response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # What a signed-in person (or API token) sees is theirs: no browser or proxy keeps it.
            add_never_cache_headers(response)
        return response


# Query and form parameters whose values are page sizes and positions, with their bounds.
# Anything else integer-like is validated by the page's form or the API's schema.
_BOUNDED_PARAMETERS = {
    "limit": (1, MAX_LIMIT),
    "offset": (0, MAX_OFFSET),
    "page": (1, MAX_OFFSET),
}


_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class RequestGuardMiddleware:
    """Refuses, once for every page and API route, parameters no handler should ever see.

    A NUL character cannot be stored in PostgreSQL text (the driver raises, a 500) and no
    legitimate form carries one; page sizes and offsets out of range cost seconds or overflow
    the database's integers. Both answer 400 with a message naming the parameter: JSON in the
    API's error shape for /api/, a page otherwise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self._problem(request)
        if problem is not None:
            return bad_request(request, problem, code="BadParameter")
        return self.get_response(request)

    def _problem(self, request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "The address contains a NUL character."
        sources = [("query", request.GET)]
        content_type = request.content_type or ""
        # Django's CSRF check reads the same parsed form, so this costs no second parse.
        if request.method == "POST" and content_type in _FORM_TYPES:
            sources.append(("form", request.POST))
        for where, values in sources:
            for name, items in values.lists():
                if "\x00" in name or any("\x00" in item for item in items):
                    return f"The {where} parameter '{name[:40]}' contains a NUL character."
                if where == "query" and name in _BOUNDED_PARAMETERS:
                    for item in items:
                        problem = _bounded_problem(name, item)
                        if problem:
                            return problem
        if content_type == "application/json" and request.method in {"POST", "PUT", "PATCH"}:
            body = request.body
            if b"\x00" in body or b"\\u0000" in body:
                return "The JSON body contains a NUL character (\\u0000)."
        return None


def _bounded_problem(name: str, value: str) -> str | None:
    low, high = _BOUNDED_PARAMETERS[name]
    if name == "page" and value == "last":
        return None
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12 or not low <= int(text) <= high:
        return f"The query parameter '{name}' must be a whole number from {low} to {high}."
    return None


def bad_request(
    request: HttpRequest, message: str, *, code: str, status: int = 400
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    # Rendered without the request: this may run before sessions and authentication have.
    response = HttpResponse(
        render_to_string("errors/400.html", {"message": message}), status=status
    )
    response["Content-Security-Policy"] = CSP
    return response


class RequestSizeMiddleware:
    """Refuses a body larger than its route's limit (settings.REQUEST_BODY_LIMITS) with 413.

    Decided from the Content-Length header alone, before a byte of the body is read, so a
    300 MB post to the sign-in page costs nothing. Without a Content-Length Django reads no body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.limits = sorted(
            settings.REQUEST_BODY_LIMITS.items(), key=lambda item: len(item[0]), reverse=True
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return bad_request(
                request, "The Content-Length header is not a number.", code="BadLength"
            )
        limit = next(
            (size for prefix, size in self.limits if request.path.startswith(prefix)), None
        )
        if limit is not None and length > limit:
            message = (
                f"The request is too large: this page takes at most {_size(limit)}"
                f" and {_size(length)} was sent."
            )
            # WSGI leaves the connection to the server (gunicorn closes it on an unread body).
            return bad_request(request, message, code="TooLarge", status=413)
        return self.get_response(request)


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:,.0f} MB"
    return f"{max(1, round(count / 1024)):,} KB"
