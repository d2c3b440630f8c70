"""The single way anything writes to the audit trail."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from caremarket.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)[:200]}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # stored files
        return str(value.name)
    return value


def audit_event_build(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None,
    data: dict[str, Any] | None,
    at: dt.datetime,
) -> AuditEvent:
    """The unsaved event `audit_record` stores: for writers that insert many events at once."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        at=at,
        actor=user,
        actor_label=(user.email if user else "system"),
        actor_organisation_id=getattr(user, "organisation_id", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=_jsonable(changes or {}),
        data=_jsonable(data or {}),
    )


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    at: dt.datetime,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one change of state; call it inside the service's transaction.

    `actor` is the user who acted, or None for the system (scheduled jobs, imports). `at` is
    the service's `now`, so the event carries the same instant as the change it records (and a
    test's fixed clock), not the moment this line ran (decision 0108).
    """
    event = audit_event_build(
        actor=actor, action=action, obj=obj, changes=changes, data=data, at=at
    )
    event.save()
    return event


def audit_record_many(
    *,
    actor: Any,
    action: str,
    objs: list[tuple[models.Model, dict[str, Any] | None]],
    at: dt.datetime,
) -> list[AuditEvent]:
    """Record the same change to many objects at once (say, 40 rooms added together): one
    event per object, as `audit_record` would write, in one statement. `objs` pairs each
    object with its `data`."""
    return AuditEvent.objects.bulk_create(
        [
            audit_event_build(actor=actor, action=action, obj=obj, changes=None, data=data, at=at)
            for obj, data in objs
        ]
    )


def audit_record_changes(
    *,
    actor: Any,
    action: str,
    records: list[tuple[models.Model, dict[str, Any] | None, dict[str, Any] | None]],
    at: dt.datetime,
) -> list[AuditEvent]:
    """Record one action on many objects, each with its own `changes` and `data`: one event
    per object, as `audit_record` would write, in one statement. `records` holds
    (object, changes, data)."""
    return AuditEvent.objects.bulk_create(
        [
            audit_event_build(
                actor=actor, action=action, obj=obj, changes=changes, data=data, at=at
            )
            for obj, changes, data in records
        ]
    )
