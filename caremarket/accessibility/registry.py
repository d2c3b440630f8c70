"""What each app declares about its routes: the page states to check, or why a route is exempt."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

Builder = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class State:
    """One state of a page: what to open, and what to do on it before checking.

    ``kwargs`` and ``query`` take the app's data (built once for the app's walk). ``fill`` maps
    CSS selectors to values typed in; ``submit`` is the button clicked to show the form's
    validation errors, after which an error summary must be on the page.
    """

    name: str
    kwargs: Builder | None = None
    query: Callable[[Any], str] | str = ""
    fill: dict[str, str] = field(default_factory=dict)
    check: dict[str, str] = field(default_factory=dict)
    submit: str | None = None
    status: int = 200


@dataclass(frozen=True)
class Page:
    """A page route, opened by each of ``roles`` (World persona names; None is the public)."""

    name: str
    roles: tuple[str | None, ...]
    states: tuple[State, ...] = (State("filled"),)


@dataclass(frozen=True)
class Exempt:
    """A route that is not an HTML page: a download, an API call, or a POST that redirects."""

    name: str
    reason: str


# Apps whose routes live outside any one app's pages.py.
NAMESPACE_EXEMPT = {
    # Its one page, the Swagger UI documentation, is drawn by script and checked on its own
    # (core's test_the_api_documentation_passes_axe_and_the_govuk_checks).
    "api-v1": "The JSON API: answers JSON, checked by each app's API tests, not a page.",
}


def route_names() -> Iterator[str]:
    """Every named route in the URL configuration, as "namespace:name"."""

    def walk(resolver: URLResolver, namespace: str | None) -> Iterator[str]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if namespace and entry.namespace:
                    inner = f"{namespace}:{entry.namespace}"
                yield from walk(entry, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}:{entry.name}" if namespace else entry.name

    yield from walk(get_resolver(), None)


def declarations() -> tuple[list[Page], list[Exempt]]:
    """Each installed caremarket app's ``tests/pages.py``: its PAGES and EXEMPT lists."""
    pages: list[Page] = []
    exempt: list[Exempt] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("caremarket."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.pages")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.pages":
                raise
            continue
        pages.extend(getattr(module, "PAGES", []))
        exempt.extend(getattr(module, "EXEMPT", []))
    return pages, exempt
