"""The one JSON API, /api/v1/, described by OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

import logging
import uuid

from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from caremarket.accounts.apis import router as accounts_router
from caremarket.accounts.auth import required_auth
from caremarket.audit.apis import router as audit_router
from caremarket.carehomes.apis import router as carehomes_router
from caremarket.common.apis import DocumentedAPI, LocalSwagger
from caremarket.common.errors import DomainError, ValidationFailed
from caremarket.core.apis import router as core_router
from caremarket.framework.apis import router as framework_router
from caremarket.geography.apis import router as geography_router
from caremarket.insight.apis import router as insight_router
from caremarket.monitoring.apis import router as monitoring_router
from caremarket.notifications.apis import router as notifications_router
from caremarket.sourcing.apis import partners_router, rounds_router
from caremarket.sourcing.apis import router as sourcing_router

logger = logging.getLogger("caremarket.api")

api = DocumentedAPI(
    title="caremarket API",
    version="1",
    description=(
        "The JSON API of caremarket. Authenticate with a browser session, or with a"
        " personal API token sent as `Authorization: Bearer <token>` (create one on"
        ' your account page). Errors answer `{"detail": ..., "code": ...}`.'
    ),
    auth=required_auth,
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message, "code": exc.code}
    if exc.field:
        body["field"] = exc.field
    if isinstance(exc, ValidationFailed) and isinstance(exc.errors, dict):
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found.", "code": "NotFound"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "Sign in, or send a valid API token as 'Authorization: Bearer <token>'.",
            "code": "NotAuthenticated",
        },
        status=401,
    )


# Ninja's own refusals (a failed CSRF check on a signed-in session, a method not allowed) in
# the API's error shape, with a code as stable as the domain errors' codes.
_HTTP_ERROR_CODES = {
    400: "BadRequest",
    401: "NotAuthenticated",
    403: "NotPermitted",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "TooLarge",
    422: "Invalid",
    429: "TooManyRequests",
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _HTTP_ERROR_CODES.get(exc.status_code, "Error")
    if exc.status_code == 403 and "CSRF" in str(exc):
        code = "CsrfFailed"
    return api.create_response(request, {"detail": str(exc), "code": code}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"location": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return api.create_response(
        request,
        {"detail": "The request is not valid.", "code": "Invalid", "errors": errors},
        status=422,
    )


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The caller gets an id to quote; the log holds the traceback under the same id.
    error_id = uuid.uuid4().hex[:12]
    logger.exception("API error %s on %s %s", error_id, request.method, request.path)
    return api.create_response(
        request,
        {
            "detail": f"Sorry, there is a problem with the service (error {error_id}).",
            "code": "ServerError",
            "error_id": error_id,
        },
        status=500,
    )


api.add_router("", accounts_router)
api.add_router("", geography_router)
api.add_router("", notifications_router)
api.add_router("", audit_router)
api.add_router("", core_router)
api.add_router("", monitoring_router)
api.add_router("", framework_router)
api.add_router("", sourcing_router)
api.add_router("", rounds_router)
api.add_router("", partners_router)
api.add_router("", carehomes_router)
api.add_router("", insight_router)
