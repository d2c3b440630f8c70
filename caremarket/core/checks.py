"""System checks of the service shell: what must be on disk before any page can be served."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.core.checks import Error, Tags, register

# Built or copied by `make install` (npm ci, then the Sass build). Without them pages still
# render, but unstyled and without charts, which is too quiet a way to fail.
FRONTEND_ASSETS = (
    "build/app.css",
    "govuk/govuk-frontend.min.js",
    "govuk/assets/images/favicon.ico",
    "chartjs/chart.umd.min.js",
    "swagger-ui/swagger-ui-bundle.js",
)


@register(Tags.staticfiles, "frontend")
def frontend_built(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    missing = [path for path in FRONTEND_ASSETS if not finders.find(path)]
    if not missing:
        return []
    return [
        Error(
            f"The front-end build is missing: {', '.join(missing)}.",
            hint="Run `make install` (npm ci and the Sass build), or collectstatic from a build.",
            id="core.E001",
        )
    ]
