from __future__ import annotations

from caremarket.sourcing.engine.visit_pattern import Call
from caremarket.sourcing.models import Package, VisitCall


def package_calls(*, package: Package) -> list[Call]:
    """The package's structured calls; empty for an old package with a free-text pattern."""
    return [c.as_call() for c in VisitCall.objects.filter(package=package)]
