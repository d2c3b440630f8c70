"""Hostile parameters get a 4xx with a message, never a 500, on every GET route.

The routes are generated from the URL configuration (pages) and the OpenAPI document (API), so
a route added later is covered without editing this file.
"""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

HOSTILE = ["\x00", "a\x00b", "1e31", "-1", "60000", "100000000000000000000"]
PAGINATION = ["limit", "offset", "page"]


def _get_operations() -> list[tuple[str, list[dict]]]:
    schema = Client().get("/api/v1/openapi.json").json()
    return [
        (path, op.get("parameters", []))
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if method == "get"
    ]


def _filled(path: str, params: list[dict], value: str | None = None) -> str:
    def fill(match: re.Match[str]) -> str:
        if value is not None:
            return value
        spec = next((p for p in params if p["name"] == match.group(1)), {})
        return "1" if spec.get("schema", {}).get("type") == "integer" else "x"

    return re.sub(r"\{(\w+)\}", fill, path)


def _page_routes() -> list[str]:
    routes: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("api/"):
                    continue
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<" not in route and not route.startswith("^"):
                    routes.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return routes


def _refused(name: str, value: str) -> bool:
    """NUL anywhere; a pagination parameter that is not a whole number in its range."""
    if "\x00" in value:
        return True
    if name not in PAGINATION:
        return False
    return value in {"1e31", "-1", "100000000000000000000"} or (
        name == "limit" and value == "60000"
    )


def _check(response, *, path: str, name: str, value: str, must_refuse: bool) -> None:
    where = f"GET {path} {name}={value!r}"
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    if must_refuse:
        assert 400 <= response.status_code < 500, f"{where} answered {response.status_code}"


@pytest.mark.parametrize("persona", ["anonymous", "council_admin", "care_home_admin"])
def test_every_api_get_parameter_refuses_hostile_values(world, persona):
    client = world.client_for(None if persona == "anonymous" else getattr(world, persona))
    operations = _get_operations()
    assert len(operations) > 25
    for path, params in operations:
        url = "/api/v1" + _filled(path, params)
        names = [p["name"] for p in params if p["in"] == "query"] + ["limit", "offset"]
        for name in names:
            for value in HOSTILE:
                started = time.monotonic()
                response = client.get(url, {name: value})
                _check(
                    response, path=url, name=name, value=value, must_refuse=_refused(name, value)
                )
                # Milliseconds in fact; the bound allows for a loaded two-core CI machine.
                assert time.monotonic() - started < 5, f"GET {url} {name}={value!r} was slow"
                if response.status_code == 400 and "\x00" in value:
                    assert response.json()["detail"].startswith(f"The query parameter '{name}'")
        for params_in_path in [p for p in params if p["in"] == "path"]:
            for value in ["100000000000000000000", "-1", "1e31"]:
                hostile_url = "/api/v1" + _filled(path, params, value)
                response = client.get(hostile_url)
                _check(
                    response,
                    path=hostile_url,
                    name=params_in_path["name"],
                    value=value,
                    must_refuse=True,
                )


@pytest.mark.parametrize("persona", ["anonymous", "council_admin"])
def test_every_page_refuses_hostile_values(world, persona):
    client = world.client_for(None if persona == "anonymous" else getattr(world, persona))
    routes = _page_routes()
    assert len(routes) > 30
    # The worker's health check answers 503 truthfully: no worker runs in the tests.
    for path in [r for r in routes if r != "/healthz/worker"]:
        for name in ["q", "district", "postcode", "page", "limit", "offset", "year", "on"]:
            for value in HOSTILE:
                response = client.get(path, {name: value})
                _check(
                    response, path=path, name=name, value=value, must_refuse=_refused(name, value)
                )


def test_the_public_vacancy_search_explains_a_nul_byte(client):
    response = client.get("/api/v1/vacancies?district=%00")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The query parameter 'district' contains a NUL character.",
        "code": "BadParameter",
    }
    page = client.get("/care-homes/search/?postcode=%00")
    assert page.status_code == 400
    assert "contains a NUL character" in page.content.decode()


def test_a_page_size_beyond_the_cap_is_refused_and_the_cap_is_served(world):
    client = world.client_for(world.council_admin)
    too_big = client.get("/api/v1/audit-events", {"limit": 60000})
    assert too_big.status_code == 400
    assert "from 1 to 500" in too_big.json()["detail"]
    assert client.get("/api/v1/audit-events", {"limit": 500}).status_code == 200


def test_nul_in_a_form_or_a_json_body_is_refused_before_anything_is_stored(world):
    form = world.client_for(None).post(
        "/accounts/sign-in/", {"username": "a\x00@b.test", "password": "x"}
    )
    assert form.status_code == 400
    body = world.client_for(world.council_admin).post(
        "/api/v1/tokens", '{"name": "laptop\\u0000"}', content_type="application/json"
    )
    assert body.status_code == 400 and body.json()["code"] == "BadParameter"
    assert world.council_admin.api_tokens.count() == 0


def test_an_api_server_error_answers_json_with_an_id_that_is_logged(world, monkeypatch, caplog):
    from caremarket.accounts import apis

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(apis, "selectors", type("S", (), {"__getattr__": broken})())
    client = world.client_for(world.council_admin)
    client.raise_request_exception = False
    response = client.get("/api/v1/tokens")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "ServerError" and len(body["error_id"]) == 12
    assert body["error_id"] in caplog.text
