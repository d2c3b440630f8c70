"""Who must send visit files, and what a provider's branches are (decision 35)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from caremarket.accounts.models import Organisation, OrganisationKind, Role, User
from caremarket.common.errors import DomainError
from caremarket.cqc.models import CqcLocation
from caremarket.framework.models import Provider, RankedListEntry, RegistrationStatus, Tier
from caremarket.framework.selectors.ranked_lists import ranked_list_version_in_force
from caremarket.geography.models import District
from caremarket.geography.selectors import postcode_locate
from caremarket.monitoring import config
from caremarket.monitoring.periods import Period


@dataclass(frozen=True)
class Branch:
    location_id: str
    name: str
    postcode: str
    district_code: str  # "" when the postcode cannot be placed
    district_name: str


def branch_list(*, organisation: Organisation) -> dict[str, Branch]:
    """The branches a provider may report visits for, by CQC location ID.

    A framework provider reports for the registered branches listed in its agreement; any
    other home care provider (spot) for its registered CQC locations.
    """
    provider = Provider.objects.filter(organisation=organisation).first()
    if provider is not None:
        listed = provider.branches.select_related("district").filter(
            listed_in_agreement=True, registration_status=RegistrationStatus.REGISTERED
        )
        return {
            b.cqc_location_id: Branch(
                location_id=b.cqc_location_id,
                name=b.name,
                postcode=b.postcode,
                district_code=b.district.code if b.district else "",
                district_name=b.district.name if b.district else "Unknown district",
            )
            for b in listed.order_by("name")
        }
    if not organisation.reference:
        return {}
    locations = CqcLocation.objects.filter(
        provider_id=organisation.reference, registered=True
    ).order_by("name")
    branches = {}
    for loc in locations:
        district: District | None = None
        if loc.postcode:
            try:
                district = postcode_locate(postcode=loc.postcode).district
            except DomainError:  # an unplaceable postcode: the district stays unknown
                district = None
        branches[loc.location_id] = Branch(
            location_id=loc.location_id,
            name=loc.name,
            postcode=loc.postcode,
            district_code=district.code if district else "",
            district_name=district.name if district else "Unknown district",
        )
    return branches


def provider_list_expected(*, period: Period) -> QuerySet[Organisation]:
    """Home care providers that must send a file for the period (decision 35).

    Framework providers on tier 1 of the ranked lists in force when the period starts, then
    tier 2, then other providers, each from the date the council set for them.
    """
    starts = config.submissions_from()

    def required(kind: str) -> bool:
        start = starts[kind]
        return start is not None and period.due >= start

    on_framework = Provider.objects.filter(joined_on__lte=period.start).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=period.start)
    )
    framework = set(on_framework.values_list("organisation_id", flat=True))
    version = ranked_list_version_in_force(on=period.start)
    tier1 = (
        set(
            RankedListEntry.objects.filter(
                version=version, tier=Tier.ONE, provider__in=on_framework
            ).values_list("provider__organisation_id", flat=True)
        )
        if version is not None
        else set()
    )
    wanted: set[int] = set()
    if required("tier1"):
        wanted |= tier1
    if required("tier2"):
        wanted |= framework - tier1
    expected = Q(pk__in=wanted)
    if required("other"):
        # Outside the framework only a CQC-registered provider can send a valid file.
        expected |= ~Q(pk__in=framework) & ~Q(reference="")
    return Organisation.objects.filter(
        expected, kind=OrganisationKind.HOME_CARE_PROVIDER, is_active=True
    )


def contract_manager_list() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, role__in=[Role.CONTRACT_MANAGER, Role.COUNCIL_ADMIN]
    ).order_by("pk")
