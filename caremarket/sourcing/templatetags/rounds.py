from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def fit_for(fits: dict[int, Any] | None, package_id: int) -> Any:
    """The round fit computed by the view for this package, if any."""
    return (fits or {}).get(package_id)
