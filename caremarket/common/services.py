"""Helpers shared by every app's services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from caremarket.common.errors import ValidationFailed

M = TypeVar("M", bound=models.Model)

Changes = dict[str, list[Any]]


def model_full_clean(instance: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    """Run model validation and re-raise as a domain error naming each field."""
    try:
        instance.full_clean(exclude=list(exclude) if exclude else None)
    except ValidationError as exc:
        raise ValidationFailed(
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from exc


def model_update(*, instance: M, fields: Iterable[str], data: dict[str, Any]) -> tuple[M, Changes]:
    """Apply the given fields from data, validate and save only what changed.

    Returns the changes as {field: [old, new]} so the caller can audit them.
    """
    changes: Changes = {}
    for field in fields:
        if field not in data:
            continue
        old = getattr(instance, field)
        new = data[field]
        if old != new:
            setattr(instance, field, new)
            changes[field] = [old, new]
    if changes:
        model_full_clean(instance)
        instance.save(update_fields=list(changes))
    return instance, changes
