"""The API tells the truth about itself: unique schema names, documented errors, honest 401s."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from types import ModuleType

from django.test import Client
from django.utils import timezone
from ninja import Schema
from openapi_spec_validator import validate

import caremarket
from caremarket.accounts.services import api_token_create, api_token_revoke


def test_no_two_api_schemas_share_a_name():
    # The OpenAPI document keys schemas by class name: a second class of the same name silently
    # replaces the first (POST /packages/{id}/end was documented with a booking's body).
    seen: dict[str, str] = {}
    for module in _api_modules():
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Schema) and value.__module__ == module.__name__:
                assert name not in seen, (
                    f"{name} is defined in {seen.get(name)} and {module.__name__}"
                )
                seen[name] = module.__name__
    assert {"DistrictOut", "DistrictFiguresOut", "PackageEndIn", "BookingEndIn", "OrderOut"} <= set(
        seen
    )


def _api_modules() -> list[ModuleType]:
    """Every app's `apis` module, and each module of an `apis` package (decision 0053)."""
    found: list[ModuleType] = []
    for module_info in pkgutil.iter_modules(caremarket.__path__):
        try:
            module = importlib.import_module(f"caremarket.{module_info.name}.apis")
        except ModuleNotFoundError:
            continue
        found.append(module)
        for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
            found.append(importlib.import_module(f"{module.__name__}.{sub.name}"))
    return found


def test_every_operation_documents_its_errors_in_the_error_shape(db):
    text = Client().get("/api/v1/openapi.json").content
    # A strict parser refuses a key twice in one object (Swagger UI does): JSON loads would not.
    spec = json.loads(text, object_pairs_hook=_no_duplicates)
    validate(spec)
    assert spec["components"]["schemas"]["Error"]["required"] == ["detail", "code"]
    end = spec["paths"]["/api/v1/packages/{package_id}/end"]["post"]
    body = end["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/PackageEndIn")
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            documented = set(operation["responses"])
            assert {"400", "401", "413", "500"} <= documented, f"{method} {path}"
            if "{" in path:
                assert "404" in documented, f"{method} {path}"


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicated keys in {keys}"
    return dict(pairs)


def test_an_invalid_or_revoked_token_answers_401_not_a_csrf_failure(world):
    token, secret = api_token_create(actor=world.broker, name="laptop", now=timezone.now())
    client = Client(enforce_csrf_checks=True)
    good = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert good.status_code == 200
    api_token_revoke(actor=world.broker, token=token, now=timezone.now())
    for secret_sent in [secret, "cm_nonsense"]:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret_sent}"}
        write = client.post(
            "/api/v1/tokens", {"name": "x"}, content_type="application/json", **headers
        )
        assert write.status_code == 401
        assert write.json()["code"] == "NotAuthenticated"
        # Even the public search refuses a bad token instead of quietly serving the public view.
        assert client.get("/api/v1/vacancies", **headers).status_code == 401
