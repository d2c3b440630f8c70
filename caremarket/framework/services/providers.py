"""Framework providers and their branches, kept in step with the CQC register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from caremarket.accounts.models import Organisation, OrganisationKind, User
from caremarket.accounts.services import organisation_create
from caremarket.audit.services import audit_record
from caremarket.common.errors import Conflict, DomainError, ValidationFailed
from caremarket.common.permissions import require
from caremarket.common.services import model_full_clean
from caremarket.cqc.models import CqcLocation
from caremarket.cqc.selectors import cqc_provider_locations
from caremarket.framework.models import Branch, Provider, RegistrationStatus, Tier
from caremarket.framework.selectors.providers import contract_managers, provider_tier1_check
from caremarket.framework.selectors.ranked_lists import (
    provider_positions,
    ranked_list_version_in_force,
)
from caremarket.geography.models import District
from caremarket.geography.selectors import postcode_locate
from caremarket.notifications.services import notification_send

NOT_CONTRACT_MANAGER = "Only the Live at Home team can change the framework's providers."
NOT_HOME_CARE = "{name} is not a home care provider, so it cannot join the framework."


@transaction.atomic
def provider_create(
    *,
    actor: User | None,
    organisation: Organisation,
    cqc_provider_id: str,
    joined_on: dt.date,
    now: dt.datetime,
) -> Provider:
    require(actor, "framework.manage_framework", None, NOT_CONTRACT_MANAGER)
    if organisation.kind != OrganisationKind.HOME_CARE_PROVIDER:
        raise ValidationFailed({"organisation": [NOT_HOME_CARE.format(name=organisation.name)]})
    if Provider.objects.filter(organisation=organisation).exists():
        raise Conflict(f"{organisation.name} is already on the framework.")
    provider = Provider(
        organisation=organisation, cqc_provider_id=cqc_provider_id.strip(), joined_on=joined_on
    )
    model_full_clean(provider)
    provider.save()
    audit_record(
        actor=actor,
        action="framework_provider.created",
        obj=provider,
        at=now,
        data={"cqc_provider_id": provider.cqc_provider_id, "joined_on": joined_on},
    )
    return provider


@dataclass(frozen=True)
class AgreementEndPreview:
    """What ending an agreement will do, shown for confirmation before it is done."""

    provider: Provider
    left_on: dt.date
    reason: str
    # The lists in force that name the provider, each "Tier 1, position 2 in <lot>".
    lists: list[str]
    # What the apps above the framework will do (FRAMEWORK_AGREEMENT_END_HOOKS' previews).
    consequences: list[str] = field(default_factory=list)
    open_offers: int = 0


def _agreement_end_check(
    *, actor: User | None, provider: Provider, left_on: dt.date, reason: str, now: dt.datetime
) -> None:
    require(actor, "framework.manage_framework", provider, NOT_CONTRACT_MANAGER)
    if provider.left_on is not None:
        raise Conflict(
            f"{provider.name}'s agreement already ended on {provider.left_on.day}"
            f" {provider.left_on:%B %Y}."
        )
    if not reason.strip():
        raise ValidationFailed({"reason": ["Say why the agreement ends."]})
    if left_on <= provider.joined_on:
        raise ValidationFailed(
            {
                "left_on": [
                    f"The date the agreement ended must be after {provider.name} joined, "
                    f"on {provider.joined_on.day} {provider.joined_on:%B %Y}."
                ]
            }
        )
    if left_on > timezone.localdate(now):
        raise ValidationFailed(
            {
                "left_on": [
                    "The date the agreement ended cannot be in the future: record it once it"
                    " has ended."
                ]
            }
        )


def _hooks(name: str) -> list[Any]:
    return [import_string(path) for path in getattr(settings, name, [])]


def provider_agreement_end_preview(
    *, actor: User | None, provider: Provider, left_on: dt.date, reason: str, now: dt.datetime
) -> AgreementEndPreview:
    """Check the end as `provider_agreement_end` will, and say what it will change.

    Nothing is written: the contract manager confirms on the next page.
    """
    _agreement_end_check(actor=actor, provider=provider, left_on=left_on, reason=reason, now=now)
    today = timezone.localdate(now)
    version = ranked_list_version_in_force(on=today)
    lists = [
        f"Tier {p.tier}, position {p.position} in {p.lot}"
        for p in provider_positions(provider=provider, version=version)
    ]
    consequences: list[str] = []
    open_offers = 0
    # Upward calls through settings: sourcing sits above the framework (import-linter).
    for preview in _hooks("FRAMEWORK_AGREEMENT_END_PREVIEWS"):
        count, sentences = preview(provider=provider, now=now)
        open_offers += count
        consequences.extend(sentences)
    return AgreementEndPreview(
        provider=provider,
        left_on=left_on,
        reason=reason.strip(),
        lists=lists,
        consequences=consequences,
        open_offers=open_offers,
    )


@transaction.atomic
def provider_agreement_end(
    *, actor: User | None, provider: Provider, left_on: dt.date, reason: str, now: dt.datetime
) -> Provider:
    """The provider's agreement ended on `left_on`: from that day it is off the framework.

    Its record, orders and past list positions are kept; sourcing offers it nothing from that
    day (ranked_list_in_force leaves it out), and the care it already delivers carries on.
    Its open offers are withdrawn in this transaction by FRAMEWORK_AGREEMENT_END_HOOKS, each
    package moving on to the next provider in rank order (decision 0073).
    """
    require(actor, "framework.manage_framework", provider, NOT_CONTRACT_MANAGER)
    provider = (
        Provider.objects.select_for_update().select_related("organisation").get(pk=provider.pk)
    )
    _agreement_end_check(actor=actor, provider=provider, left_on=left_on, reason=reason, now=now)
    provider.left_on, provider.left_reason = left_on, reason.strip()
    provider.is_active = False
    provider.save(update_fields=["left_on", "left_reason", "is_active"])
    withdrawn = 0
    for hook in _hooks("FRAMEWORK_AGREEMENT_END_HOOKS"):
        withdrawn += int(hook(provider=provider, actor=actor, now=now) or 0)
    audit_record(
        actor=actor,
        action="framework_provider.agreement_ended",
        obj=provider,
        at=now,
        changes={"left_on": [None, left_on], "is_active": [True, False]},
        data={"reason": provider.left_reason, "open_offers_withdrawn": withdrawn},
    )
    return provider


@transaction.atomic
def provider_add_from_cqc(
    *,
    actor: User | None,
    cqc_provider_id: str,
    branch_location_ids: Iterable[str],
    joined_on: dt.date,
    now: dt.datetime,
) -> Provider:
    """A provider joins the framework from the CQC register, with the branches chosen from the
    locations the register lists under its CQC provider ID; its organisation is the home care
    provider with that reference, else the one with the register's name, else a new one."""
    require(actor, "framework.manage_framework", None, NOT_CONTRACT_MANAGER)
    provider_id = cqc_provider_id.strip()
    locations = {loc.location_id: loc for loc in cqc_provider_locations(provider_id=provider_id)}
    if not locations:
        raise ValidationFailed(
            {
                "cqc_provider_id": [
                    f"The CQC register lists no registered location under provider ID"
                    f" “{provider_id}”. Check the ID, or import the latest CQC directory first."
                ]
            }
        )
    chosen = list(dict.fromkeys(i.strip() for i in branch_location_ids if i.strip()))
    if not chosen:
        raise ValidationFailed({"branch_location_ids": ["Choose at least one branch."]})
    strangers = [i for i in chosen if i not in locations]
    if strangers:
        raise ValidationFailed(
            {
                "branch_location_ids": [
                    f"{', '.join(strangers)}: not a registered location of CQC provider"
                    f" {provider_id}."
                ]
            }
        )
    register_name = next(iter(locations.values())).provider_name.strip() or provider_id
    orgs = Organisation.objects.filter(kind=OrganisationKind.HOME_CARE_PROVIDER)
    organisation = (
        orgs.filter(reference=provider_id).first()
        or orgs.filter(name__iexact=register_name).first()
        # The register vouches for the organisation, as when a CQC import creates a care home's
        # provider; the contract manager's act is the provider's creation, audited below.
        or organisation_create(
            now=now,
            actor=None,
            name=register_name,
            kind=OrganisationKind.HOME_CARE_PROVIDER,
            reference=provider_id,
        )
    )
    provider = provider_create(
        actor=actor,
        organisation=organisation,
        cqc_provider_id=provider_id,
        joined_on=joined_on,
        now=now,
    )
    for location_id in chosen:
        branch_add(actor=actor, provider=provider, cqc_location_id=location_id, now=now)
    return provider


def _district_of(postcode: str) -> District | None:
    try:
        return postcode_locate(postcode=postcode).district
    except DomainError:  # no or unknown postcode: the district stays as it was
        return None


def _status_of(location: CqcLocation | None) -> str:
    if location is None:
        return RegistrationStatus.UNKNOWN
    return (
        RegistrationStatus.REGISTERED if location.registered else RegistrationStatus.NOT_REGISTERED
    )


@transaction.atomic
def branch_add(
    *,
    actor: User | None,
    provider: Provider,
    cqc_location_id: str,
    name: str = "",
    listed_in_agreement: bool = True,
    now: dt.datetime,
) -> Branch:
    """Add a branch; its name, address and registration come from the CQC directory when known."""
    require(actor, "framework.manage_framework", provider, NOT_CONTRACT_MANAGER)
    location_id = cqc_location_id.strip()
    if Branch.objects.filter(cqc_location_id=location_id).exists():
        raise Conflict(
            f"The branch with CQC location ID {location_id} is already on the framework."
        )
    location = CqcLocation.objects.filter(location_id=location_id).first()
    if location is None and not name.strip():
        raise ValidationFailed(
            {"cqc_location_id": [f"{location_id} is not in the CQC directory: give the name."]}
        )
    branch = Branch(
        provider=provider,
        cqc_location_id=location_id,
        name=(location.name if location else name.strip())[:255],
        address=location.address if location else "",
        postcode=location.postcode if location else "",
        district=_district_of(location.postcode) if location else None,
        registration_status=_status_of(location),
        registration_checked_at=now,
        listed_in_agreement=listed_in_agreement,
    )
    model_full_clean(branch)
    branch.save()
    audit_record(
        actor=actor,
        action="framework_branch.added",
        obj=branch,
        at=now,
        data={"provider": provider, "listed_in_agreement": listed_in_agreement},
    )
    provider_eligibility_refresh(providers=[provider], now=now)
    return branch


def _on_tier1(provider: Provider, on: dt.date) -> bool:
    version = ranked_list_version_in_force(on=on)
    return bool(version and version.entries.filter(provider=provider, tier=Tier.ONE).exists())


@transaction.atomic
def provider_eligibility_refresh(
    *, providers: Iterable[Provider], now: dt.datetime
) -> list[Provider]:
    """Re-derive tier-1 eligibility; returns the tier-1 providers that have just lost it.

    Those are flagged on their record and to every contract manager, in this transaction.
    """
    lost = []
    for provider in providers:
        problems = provider_tier1_check(provider=provider)
        eligible = not problems
        was = provider.tier1_eligible
        provider.tier1_eligible, provider.eligibility_problems = eligible, problems
        provider.eligibility_checked_at = now
        if eligible:
            provider.eligibility_lost_at = None
        elif was and _on_tier1(provider, timezone.localdate(now)):
            provider.eligibility_lost_at = now
            lost.append(provider)
        provider.save(
            update_fields=[
                "tier1_eligible",
                "eligibility_problems",
                "eligibility_checked_at",
                "eligibility_lost_at",
            ]
        )
        if was != eligible:
            audit_record(
                actor=None,
                action="framework_provider.tier1_eligibility_changed",
                obj=provider,
                at=now,
                changes={"tier1_eligible": [was, eligible]},
                data={"problems": problems},
            )
    managers = list(contract_managers())
    for provider in lost:
        audit_record(
            actor=None,
            action="framework_provider.tier1_eligibility_lost",
            obj=provider,
            at=now,
            data={"problems": provider.eligibility_problems},
        )
        notification_send(
            recipients=managers,
            event="framework.tier1_eligibility_lost",
            subject=f"{provider.name} no longer meets the tier-1 standard",
            body=(
                f"{provider.name} is on tier 1 of the ranked lists in force but no longer meets"
                " the tier-1 CQC standard: " + "; ".join(provider.eligibility_problems) + "."
            ),
            url=reverse("framework:provider-detail", args=[provider.pk]),
            now=now,
        )
    return lost


@transaction.atomic
def branch_refresh_from_cqc(*, location_ids: list[str], now: dt.datetime) -> dict[str, int]:
    """CQC import hook: refresh touched branches and re-derive their providers' eligibility.

    A branch whose location has left the register loses its valid registration; every
    contract manager is told, as the provider may no longer deliver from it (seed 002).
    """
    branches = list(
        Branch.objects.filter(cqc_location_id__in=location_ids).select_related("provider")
    )
    locations = {
        loc.location_id: loc
        for loc in CqcLocation.objects.filter(location_id__in=[b.cqc_location_id for b in branches])
    }
    lost_registration = []
    for branch in branches:
        location = locations.get(branch.cqc_location_id)
        before = (branch.registration_status, branch.address, branch.postcode)
        branch.registration_status = _status_of(location)
        if location is not None:
            branch.address, branch.postcode = location.address, location.postcode
            branch.district = _district_of(location.postcode) or branch.district
        branch.registration_checked_at = now
        branch.save()
        after = (branch.registration_status, branch.address, branch.postcode)
        if before != after:
            audit_record(
                actor=None,
                action="framework_branch.refreshed_from_cqc",
                obj=branch,
                at=now,
                changes={
                    k: [b, a]
                    for k, b, a in zip(
                        ("registration_status", "address", "postcode"), before, after, strict=True
                    )
                    if b != a
                },
            )
        if (
            before[0] == RegistrationStatus.REGISTERED
            and branch.registration_status == RegistrationStatus.NOT_REGISTERED
        ):
            lost_registration.append(branch)
    managers = list(contract_managers())
    for branch in lost_registration:
        since = getattr(locations.get(branch.cqc_location_id), "deregistered_on", None)
        notification_send(
            recipients=managers,
            event="framework.branch_deregistered",
            subject=f"{branch.provider.name}: branch {branch.name} left the CQC register",
            body=(
                f"The CQC register no longer lists {branch.name} ({branch.cqc_location_id})"
                + (f" from {since:%d %B %Y}" if since else "")
                + f", a branch of {branch.provider.name}. It no longer holds a valid"
                " registration; the provider's tier-1 eligibility has been re-checked."
            ),
            url=reverse("framework:provider-detail", args=[branch.provider_id]),
            now=now,
        )
    providers = Provider.objects.filter(pk__in={b.provider_id for b in branches})
    lost = provider_eligibility_refresh(providers=providers, now=now)
    return {
        "Framework branches refreshed": len(branches),
        "Framework branches that lost their registration": len(lost_registration),
        "Tier-1 providers that lost eligibility": len(lost),
    }
