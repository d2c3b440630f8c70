"""How the dashboards write their figures: shares as percentages, money in pounds, hours."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

from caremarket.insight.selectors.market import Figure

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


@register.filter
def hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} working hours"


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def figure(f: Figure) -> str:
    value = f.value
    if value is None:
        return "–"
    if f.kind == "percent":
        return share(float(value))
    if f.kind == "money":
        return f"£{Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
    if f.kind == "hours":
        return f"{Decimal(value):,.1f}"
    if f.kind == "working_hours":
        return hours(float(value))
    return f"{value:,}"
