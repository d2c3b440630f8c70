from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def fit_for(fits: dict[Any, Any] | None, key: int | str) -> Any:
    """The round fit computed by the view for this package (by id, or reference), if any."""
    return (fits or {}).get(key)


@register.filter
def terms_for(terms: dict[int, Any] | None, offer_id: int) -> Any:
    """An open offer's answer window and rate, as the view computed them."""
    return (terms or {}).get(offer_id)
