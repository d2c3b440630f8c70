"""Helpers shared by every app's services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from caremarket.common.errors import ValidationFailed

M = TypeVar("M", bound=models.Model)

Changes = dict[str, list[Any]]


ONE_LINE = "Enter this on one line: it cannot contain a line break or a control character."


def model_full_clean(
    instance: models.Model, *, exclude: Iterable[str] | None = None, validate_unique: bool = True
) -> None:
    """Run model validation and re-raise as a domain error naming each field.

    Single-line text (every CharField: names, references, e-mail addresses) refuses line breaks
    and other control characters: a name with a line break in an e-mail's subject makes the
    mail library refuse the message, so every e-mail about that home silently stopped.
    validate_unique=False leaves uniqueness (fields and constraints) to the caller's own check.
    """
    skipped = set(exclude or ())
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField) or field.name in skipped:
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            errors[field.name] = [ONE_LINE]
    # Fields refused above are left out of Django's checks too: its uniqueness checks would send
    # the value to the database, and PostgreSQL refuses a query holding a NUL.
    skipped |= set(errors)
    try:
        instance.full_clean(
            exclude=list(skipped) if skipped else None,
            validate_unique=validate_unique,
            validate_constraints=validate_unique,
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(str(m) for m in messages)
    if errors:
        raise ValidationFailed(errors)


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
