"""Naming and ending strategic partners for an area and a service type (decision 0096)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from caremarket.accounts.models import User
from caremarket.audit.services import audit_record
from caremarket.common.errors import NotFound, NotPermitted, ValidationFailed
from caremarket.framework.models import Lot, Provider, ServiceType
from caremarket.framework.selectors.providers import provider_users
from caremarket.framework.selectors.ranked_lists import ranked_list_in_force
from caremarket.geography.models import OutwardCode
from caremarket.notifications.services import notification_send
from caremarket.sourcing.models import StrategicPartnerArea, StrategicPartnership
from caremarket.sourcing.selectors.partners import partnerships_overlapping

NOT_CONTRACT_MANAGER = "Only contract managers can name or end strategic partners."
MAX_TRIAL_DAYS = 2 * 366
_CODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def _require_contract_manager(actor: User | None) -> None:
    if actor is None or not actor.has_perm("sourcing.manage_partnerships"):
        raise NotPermitted(NOT_CONTRACT_MANAGER)


def outward_codes_parse(*, text: str | list[str]) -> list[str]:
    """Codes separated by commas or spaces, upper-cased, each once, in order."""
    parts = text if isinstance(text, list) else re.split(r"[\s,;]+", text)
    out: list[str] = []
    for part in parts:
        code = part.strip().upper()
        if code and code not in out:
            out.append(code)
    return out


def _check_codes(codes: list[str]) -> dict[str, OutwardCode]:
    if not codes:
        raise ValidationFailed({"outward_codes": ["Give at least one outward code, e.g. CM1."]})
    malformed = [c for c in codes if not _CODE.match(c)]
    if malformed:
        raise ValidationFailed(
            {"outward_codes": [f"{', '.join(malformed)}: not an outward code (e.g. CM1, SS14)."]}
        )
    # Locked so two overlapping partnerships named at once cannot both pass the check below.
    known = {
        o.code: o
        for o in OutwardCode.objects.select_for_update(of=("self",))
        .filter(code__in=codes)
        .select_related("district")
    }
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(
            {"outward_codes": [f"{', '.join(unknown)}: not in the postcode directory."]}
        )
    outside = [c for c, o in known.items() if o.district is None or not o.district.in_council_area]
    if outside:
        raise ValidationFailed(
            {"outward_codes": [f"{', '.join(outside)}: not in the council's area."]}
        )
    return known


def _check_dates(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> None:
    if starts_on < today:
        raise ValidationFailed({"starts_on": ["The trial cannot start in the past."]})
    if ends_on < starts_on:
        raise ValidationFailed({"ends_on": ["The trial must end on or after its first day."]})
    if (ends_on - starts_on).days >= MAX_TRIAL_DAYS:
        raise ValidationFailed({"ends_on": ["A trial period can be at most two years."]})


def _check_on_framework(
    provider: Provider, service_type: str, known: dict[str, OutwardCode], starts_on: dt.date
) -> None:
    """The partner must be on the ranked list in force for the service in every district."""
    if not provider.is_active or (provider.left_on is not None and provider.left_on <= starts_on):
        raise ValidationFailed({"provider": [f"{provider} is not on the framework."]})
    missing = []
    for district in sorted({o.district for o in known.values() if o.district}, key=str):
        listed = any(
            provider.pk
            in {e.provider_id for e in ranked_list_in_force(lot=lot, on=starts_on).entries}
            for lot in Lot.objects.filter(district=district, service_type=service_type)
        )
        if not listed:
            missing.append(str(district))
    if missing:
        label = ServiceType(service_type).label
        raise ValidationFailed(
            {
                "provider": [
                    f"{provider} is not on the ranked list for {label} in {', '.join(missing)}."
                ]
            }
        )


def _check_overlap(
    service_type: str, codes: list[str], starts_on: dt.date, ends_on: dt.date
) -> None:
    clashes = partnerships_overlapping(
        service_type=service_type, outward_codes=codes, starts_on=starts_on, ends_on=ends_on
    )
    if clashes:
        first = clashes[0].partnership
        codes_hit = ", ".join(sorted({a.outward_code for a in clashes}))
        raise ValidationFailed(
            {
                "outward_codes": [
                    f"{codes_hit} already has a strategic partner for "
                    f"{ServiceType(service_type).label}: {first.provider} from "
                    f"{first.starts_on:%d %B %Y} to {first.ends_on:%d %B %Y}."
                ]
            }
        )


def _notify(partnership: StrategicPartnership, subject: str, body: str, now: dt.datetime) -> None:
    notification_send(
        recipients=provider_users(providers=[partnership.provider]),
        event="sourcing.strategic_partner",
        subject=subject,
        body=body,
        url=reverse("sourcing:offer-list"),
        now=now,
    )


@transaction.atomic
def partnership_create(
    *,
    actor: User,
    provider: Provider,
    service_type: str,
    outward_codes: list[str],
    starts_on: dt.date,
    ends_on: dt.date,
    notes: str = "",
    now: dt.datetime,
) -> StrategicPartnership:
    """Name a framework provider the strategic partner for these codes and service."""
    _require_contract_manager(actor)
    if service_type not in ServiceType.values:
        raise ValidationFailed({"service_type": [f"{service_type!r} is not a service type."]})
    codes = outward_codes_parse(text=outward_codes)
    _check_dates(starts_on, ends_on, timezone.localdate(now))
    known = _check_codes(codes)
    _check_on_framework(provider, service_type, known, starts_on)
    _check_overlap(service_type, codes, starts_on, ends_on)
    partnership = StrategicPartnership.objects.create(
        provider=provider,
        service_type=service_type,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes.strip()[:500],
        created_at=now,
        created_by=actor,
    )
    StrategicPartnerArea.objects.bulk_create(
        [StrategicPartnerArea(partnership=partnership, outward_code=c) for c in codes]
    )
    audit_record(
        actor=actor,
        action="strategic_partner.named",
        obj=partnership,
        at=now,
        data={
            "provider": str(provider),
            "service_type": service_type,
            "outward_codes": codes,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    _notify(
        partnership,
        "You are a strategic partner",
        f"From {starts_on:%d %B %Y} to {ends_on:%d %B %Y}, new "
        f"{ServiceType(service_type).label} packages in {', '.join(codes)} are offered to you "
        "first, with the usual time to answer.",
        now,
    )
    return partnership


@transaction.atomic
def partnership_end(
    *, actor: User | None, partnership: StrategicPartnership, reason: str, now: dt.datetime
) -> StrategicPartnership:
    _require_contract_manager(actor)
    locked = (
        StrategicPartnership.objects.select_for_update()
        .select_related("provider")
        .filter(pk=partnership.pk)
        .first()
    )
    if locked is None:
        raise NotFound("No such strategic partnership.")
    partnership = locked
    if partnership.ended_at is not None:
        raise ValidationFailed("This partnership has already been ended.")
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why the partnership ends."]})
    partnership.ended_at = now
    partnership.ended_by = actor
    partnership.end_reason = reason.strip()[:300]
    partnership.save(update_fields=["ended_at", "ended_by", "end_reason"])
    audit_record(
        actor=actor,
        action="strategic_partner.ended",
        obj=partnership,
        at=now,
        changes={"ended_at": [None, now]},
        data={"reason": partnership.end_reason},
    )
    _notify(
        partnership,
        "Your strategic partnership has ended",
        f"New packages are no longer offered to you first: {partnership.end_reason}",
        now,
    )
    return partnership
