"""Care home profiles: create, update, the IRN flag, and confirming vacancies are current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from caremarket.accounts.models import Organisation, OrganisationKind, User
from caremarket.audit.services import audit_record
from caremarket.carehomes.models import (
    CareHome,
    CareType,
    Facility,
    FlagChoices,
    search_stamp_new,
)
from caremarket.common.errors import NotFound, ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.services import model_full_clean, model_update
from caremarket.geography.postcodes import postcode_normalise
from caremarket.geography.selectors import postcode_locate

NOT_PERMITTED = "Only the home's provider administrators and council administrators can do this."
DETAIL_FIELDS = (
    "name",
    "address",
    "phone",
    "email",
    "website",
    "description",
    "provides_nursing",
    "provides_residential",
)


def flags_from_codes(choices: type[FlagChoices], codes: Iterable[str], field: str) -> int:
    codes = list(codes)
    unknown = [c for c in codes if c not in choices.values]
    if unknown:
        raise ValidationFailed(
            {field: [f"Unknown value {', '.join(unknown)}. Use {', '.join(choices.values)}."]}
        )
    return choices.mask(codes)


def home_position(postcode: str, *, strict: bool = True) -> dict[str, Any]:
    """The district and coordinates of a postcode; with strict=False, blanks when unknown."""
    try:
        location = postcode_locate(postcode=postcode)
    except (NotFound, ValidationFailed) as exc:
        if strict:
            raise ValidationFailed({"postcode": [exc.message]}) from exc
        return {"district": None, "lat": None, "lng": None, "location_exact": False}
    return {
        "postcode": location.postcode or postcode_normalise(postcode),
        "district": location.district,
        "lat": location.lat,
        "lng": location.lng,
        "location_exact": location.exact,
    }


@transaction.atomic
def care_home_create(
    *,
    actor: User | None,
    provider: Organisation,
    cqc_location_id: str,
    name: str,
    address: str,
    postcode: str,
    now: dt.datetime,
    phone: str = "",
    email: str = "",
    website: str = "",
    description: str = "",
    care_types: Iterable[str] = (),
    facilities: Iterable[str] = (),
    provides_nursing: bool = False,
    provides_residential: bool = True,
    strict_postcode: bool = True,
) -> CareHome:
    require(actor, "carehomes.create_home", provider, NOT_PERMITTED)
    if (
        actor is not None
        and not actor.has_perm("carehomes.administer_homes")
        and provider.pk != actor.organisation_id
    ):
        raise ValidationFailed({"provider": ["You can only add homes for your own provider."]})
    if provider.kind != OrganisationKind.CARE_HOME_PROVIDER:
        raise ValidationFailed({"provider": [f"{provider.name} is not a care home provider."]})
    cqc_location_id = cqc_location_id.strip()
    if CareHome.objects.filter(cqc_location_id=cqc_location_id).exists():
        raise ValidationFailed(
            {"cqc_location_id": [f"A home with CQC location ID {cqc_location_id} already exists."]}
        )
    position = home_position(postcode, strict=strict_postcode)
    home = CareHome(
        provider=provider,
        cqc_location_id=cqc_location_id,
        name=name.strip(),
        address=address.strip(),
        postcode=position.pop("postcode", postcode.strip().upper()),
        phone=phone.strip(),
        email=email.strip(),
        website=website.strip(),
        description=description.strip(),
        care_types=flags_from_codes(CareType, care_types, "care_types"),
        facilities=flags_from_codes(Facility, facilities, "facilities"),
        provides_nursing=provides_nursing,
        provides_residential=provides_residential,
        created_at=now,
        details_updated_at=now,
        vacancies_updated_at=now,
        **position,
    )
    model_full_clean(home, exclude=["district"])
    try:
        with transaction.atomic():
            home.save()
    except IntegrityError as exc:  # a concurrent import created it first
        raise ValidationFailed(
            {"cqc_location_id": [f"A home with CQC location ID {cqc_location_id} already exists."]}
        ) from exc
    audit_record(
        actor=actor,
        action="care_home.created",
        obj=home,
        at=now,
        data={"provider": provider.pk, "cqc_location_id": cqc_location_id, "name": home.name},
    )
    return home


@transaction.atomic
def care_home_update(
    *,
    actor: User | None,
    home: CareHome,
    now: dt.datetime,
    postcode: str | None = None,
    care_types: Iterable[str] | None = None,
    facilities: Iterable[str] | None = None,
    **data: Any,
) -> CareHome:
    """Change the profile; only the fields given change. Moving postcode re-locates the home."""
    require(actor, "carehomes.manage_home", home, NOT_PERMITTED)
    unknown = set(data) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"These details cannot be changed here: {', '.join(sorted(unknown))}."
        )
    fields = list(DETAIL_FIELDS)
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    if care_types is not None:
        data["care_types"] = flags_from_codes(CareType, care_types, "care_types")
        fields.append("care_types")
    if facilities is not None:
        data["facilities"] = flags_from_codes(Facility, facilities, "facilities")
        fields.append("facilities")
    if postcode is not None and postcode.strip().upper() != home.postcode:
        data.update(home_position(postcode))
        fields += ["postcode", "district", "lat", "lng", "location_exact"]
    home, changes = model_update(instance=home, fields=fields, data=data)
    if changes:
        home.details_updated_at = now
        home.search_stamp = search_stamp_new()
        CareHome.objects.filter(pk=home.pk).update(
            details_updated_at=now, search_stamp=home.search_stamp
        )
        audit_record(actor=actor, action="care_home.updated", obj=home, at=now, changes=changes)
    return home


@transaction.atomic
def care_home_set_irn_framework(
    *, actor: User | None, home: CareHome, on_framework: bool, now: dt.datetime
) -> CareHome:
    require(
        actor,
        "carehomes.administer_homes",
        home,
        "Only council administrators record who is on the IRN framework.",
    )
    if home.irn_framework != on_framework:
        old = home.irn_framework
        home.irn_framework = on_framework
        home.save(update_fields=["irn_framework"])
        audit_record(
            actor=actor,
            action="care_home.irn_framework_changed",
            obj=home,
            at=now,
            changes={"irn_framework": [old, on_framework]},
        )
    return home


@transaction.atomic
def care_home_set_active(
    *, actor: User | None, home: CareHome, is_active: bool, now: dt.datetime
) -> CareHome:
    """An inactive home (closed, deregistered) disappears from search and takes no requests."""
    require(actor, "carehomes.administer_homes", home, "Only council administrators can do this.")
    if home.is_active != is_active:
        home.is_active = is_active
        home.search_stamp = search_stamp_new()
        home.save(update_fields=["is_active", "search_stamp"])
        audit_record(
            actor=actor,
            action="care_home.activated" if is_active else "care_home.deactivated",
            obj=home,
            at=now,
            changes={"is_active": [not is_active, is_active]},
        )
    return home


@transaction.atomic
def care_home_set_council_fields(
    *, actor: User | None, home: CareHome, irn_framework: bool, is_active: bool, now: dt.datetime
) -> CareHome:
    """The council's own fields of a home, saved together: both change, or neither does."""
    care_home_set_irn_framework(actor=actor, home=home, on_framework=irn_framework, now=now)
    return care_home_set_active(actor=actor, home=home, is_active=is_active, now=now)


@transaction.atomic
def care_home_confirm_vacancies(
    *, actor: User | None, home: CareHome, now: dt.datetime
) -> CareHome:
    """The provider says its rooms are up to date, so searchers see fresh data."""
    require(actor, "carehomes.view_home_admin", home, "Only the home's own staff can confirm this.")
    home.vacancies_updated_at = now
    home.search_stamp = search_stamp_new()
    home.save(update_fields=["vacancies_updated_at", "search_stamp"])
    audit_record(actor=actor, action="care_home.vacancies_confirmed", obj=home, at=now)
    return home
