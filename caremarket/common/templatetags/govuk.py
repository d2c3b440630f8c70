"""Template helpers for the GOV.UK patterns every page shares."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.contrib.messages import constants

register = template.Library()


@register.simple_tag(takes_context=True)
def error_prefix(context: template.Context) -> str:
    """'Error: ' when the page shows an error summary, for the start of its <title> (GOV.UK)."""
    for layer in context.flatten().values():
        if isinstance(layer, forms.BaseForm) and layer.errors:
            return "Error: "
    if context.get("page_has_errors"):
        return "Error: "
    messages = context.get("messages") or ()
    if any(m.level == constants.ERROR for m in messages):
        return "Error: "
    return ""


@register.filter
def error_target(field: forms.BoundField) -> str:
    """The id an error-summary link goes to: the field's input, or the first of its options.

    Radios, checkboxes and the day/month/year date input render one input per part, each with
    the field's id and a numbered suffix; the summary links to the first (GOV.UK).
    """
    widget: Any = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # crispy-forms-gds numbers the options from 1 (its radio_item and checkboxes templates).
        return f"id_{field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{field.auto_id}_0"
    return str(field.auto_id)
