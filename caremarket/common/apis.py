"""The API's description of itself: every operation documents the errors it can answer."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.openapi.schema import OpenAPISchema

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person to read"},
        "code": {"type": "string", "description": "A stable name for the kind of error"},
        "field": {"type": "string", "description": "The field at fault, when one is"},
        "errors": {"description": "Each problem, by field or location"},
        "error_id": {"type": "string", "description": "Quote it to support (500 only)"},
    },
    "required": ["detail", "code"],
}

# Status codes any operation can answer, from the edge or the shared error handlers.
_ALWAYS = {
    "400": "A parameter or body the request guard refuses (a NUL character, a page out of range)",
    "413": "The request body is larger than this route takes",
    "500": "A fault in the service; the answer carries an error_id that is logged",
}
_AUTHENTICATED = {
    "401": "No session, or a missing, invalid or revoked API token",
    "403": "Signed in, but not allowed to do this",
    # What a role may not use is not even confirmed to exist (architecture: Permissions).
    "404": "No such object, or not one you may see; or a part of the service your role does"
    " not use",
}
_WITH_INPUT = {"422": "The parameters or body are not valid; `errors` says where"}
_WITH_PATH = {"404": "No such object, or not one you may see"}
_WRITES = {"409": "The change conflicts with the object's current state"}


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document lists each operation's error answers and their shape."""

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        document_errors(schema)
        return schema


def document_errors(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            errors = dict(_ALWAYS)
            if operation.get("security"):
                errors |= _AUTHENTICATED
            else:
                # A public operation still refuses an invalid token rather than ignoring it.
                errors["401"] = _AUTHENTICATED["401"]
                errors["403"] = _AUTHENTICATED["403"]
            if operation.get("parameters") or operation.get("requestBody"):
                errors |= _WITH_INPUT
            if "{" in path:
                errors |= _WITH_PATH
            if method in {"post", "put", "patch", "delete"}:
                errors |= _WRITES | _WITH_PATH | _WITH_INPUT
            # Ninja keys responses by int; JSON would then carry "422" twice (invalid for YAML
            # parsers such as Swagger UI's), so every key becomes the string OpenAPI specifies.
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            # gunicorn (and a proxy in front) refuse an address too long to read before the
            # service sees it, with a page of their own.
            responses.setdefault(
                "414",
                {
                    "description": "The address (path and query) is longer than the web"
                    " server reads: 4,094 characters for the request line",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
            )
            for status, description in errors.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )


class LocalSwagger(DocsBase):
    """Swagger UI from the service's own static files (swagger-ui-dist, pinned in package.json).

    Ninja's default loads an unpinned script from a CDN with no integrity check; this works
    offline and under the service's Content-Security-Policy (scripts from 'self' only).
    """

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "deepLinking": False}
        context = {"swagger_settings": json.dumps(settings), "api": api}
        return render(request, self.template, context)
