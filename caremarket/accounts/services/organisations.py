"""Organisations and their partners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from caremarket.accounts.models import (
    Organisation,
    User,
)
from caremarket.audit.services import audit_record
from caremarket.common.errors import ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.services import model_full_clean, model_update


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    reference: str = "",
    email: str = "",
    phone: str = "",
    now: dt.datetime,
) -> Organisation:
    require(
        actor,
        "accounts.manage_organisations",
        None,
        "Only council administrators can add organisations.",
    )
    org = Organisation(name=name.strip(), kind=kind, reference=reference, email=email, phone=phone)
    # Checked before the name is looked up: PostgreSQL refuses a query with a NUL in it.
    model_full_clean(org)
    if Organisation.objects.filter(name__iexact=org.name, kind=kind).exists():
        raise ValidationFailed(
            {"name": ["An organisation of this kind with this name already exists."]}
        )
    org.save()
    audit_record(
        actor=actor,
        action="organisation.created",
        obj=org,
        data={"name": org.name, "kind": kind, "reference": reference},
        at=now,
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor: User | None, organisation: Organisation, now: dt.datetime, **data: object
) -> Organisation:
    require(
        actor,
        "accounts.manage_organisations",
        None,
        "Only council administrators can change organisations.",
    )
    organisation, changes = model_update(
        instance=organisation,
        fields=["name", "reference", "email", "phone", "is_active"],
        data=data,
    )
    if changes:
        audit_record(
            actor=actor, action="organisation.updated", obj=organisation, changes=changes, at=now
        )
    return organisation


@transaction.atomic
def organisation_set_partners(
    *,
    actor: User | None,
    organisation: Organisation,
    partners: Iterable[Organisation],
    now: dt.datetime,
) -> Organisation:
    require(
        actor,
        "accounts.manage_organisations",
        None,
        "Only council administrators can change partnerships.",
    )
    new = {p.pk for p in partners if p.pk != organisation.pk}
    old = set(organisation.partners.values_list("pk", flat=True))
    if new != old:
        organisation.partners.set(list(new))
        audit_record(
            actor=actor,
            action="organisation.partners_changed",
            obj=organisation,
            changes={"partners": [sorted(old), sorted(new)]},
            at=now,
        )
    return organisation
