from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from caremarket.accounts.models import OrganisationKind, Role, User
from caremarket.cqc.models import Domain, Rating
from caremarket.cqc.selectors import RatingSummary, cqc_rating_summaries
from caremarket.framework.models import Branch, BranchChangeRequest, Provider, RegistrationStatus


def provider_list(*, search: str = "", active_only: bool = True) -> QuerySet[Provider]:
    qs = Provider.objects.select_related("organisation").annotate(
        branch_count=Count("branches", filter=Q(branches__listed_in_agreement=True))
    )
    if active_only:
        qs = qs.filter(is_active=True)
    if search:
        qs = qs.filter(
            Q(organisation__name__icontains=search) | Q(cqc_provider_id__icontains=search)
        )
    return qs.order_by("organisation__name")


def provider_for_user(*, user: Any) -> Provider | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Provider.objects.select_related("organisation")
        .filter(organisation_id=user.organisation_id)
        .first()
    )


@dataclass(frozen=True)
class BranchRating:
    branch: Branch
    summary: RatingSummary

    @property
    def overall(self) -> str:
        return self.summary.ratings.get(Domain.OVERALL, Rating.NOT_RATED)

    @property
    def safe(self) -> str:
        return self.summary.ratings.get(Domain.SAFE, Rating.NOT_RATED)

    @property
    def well_led(self) -> str:
        return self.summary.ratings.get(Domain.WELL_LED, Rating.NOT_RATED)


def provider_branches(*, provider: Provider) -> list[BranchRating]:
    """The provider's branches with their CQC ratings, listed branches first."""
    branches = list(
        provider.branches.select_related("district").order_by("-listed_in_agreement", "name")
    )
    summaries = cqc_rating_summaries(location_ids=[b.cqc_location_id for b in branches])
    return [BranchRating(branch=b, summary=summaries[b.cqc_location_id]) for b in branches]


def provider_tier1_check(*, provider: Provider) -> list[str]:
    """Why the provider does not meet the tier-1 standard now; empty when it does.

    Every branch listed in its agreement and registered with the CQC must be rated Good or
    Outstanding overall, for Safe and for Well-led (decision 0021).
    """
    branches = [
        b
        for b in provider.branches.filter(listed_in_agreement=True)
        if b.registration_status == RegistrationStatus.REGISTERED
    ]
    if not branches:
        return ["no branch listed in the agreement holds a valid CQC registration"]
    summaries = cqc_rating_summaries(location_ids=[b.cqc_location_id for b in branches])
    problems = []
    for branch in branches:
        for problem in summaries[branch.cqc_location_id].problems():
            problems.append(f"{branch.name} ({branch.cqc_location_id}): {problem}")
    return problems


def branch_change_request_list(
    *, provider: Provider | None = None, status: str | None = None
) -> QuerySet[BranchChangeRequest]:
    qs = BranchChangeRequest.objects.select_related(
        "provider__organisation", "branch", "requested_by", "decided_by"
    )
    if provider is not None:
        qs = qs.filter(provider=provider)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at")


def contract_managers() -> QuerySet[User]:
    """The council's Live at Home team, who are told when a provider needs their attention."""
    return User.objects.filter(
        role=Role.CONTRACT_MANAGER,
        is_active=True,
        organisation__kind=OrganisationKind.COUNCIL,
    )


def provider_users(*, providers: QuerySet[Provider] | list[Provider]) -> QuerySet[User]:
    return User.objects.filter(
        organisation__framework_provider__in=providers, is_active=True
    ).select_related("organisation")


def branch_location_ids_on_framework(*, location_ids: list[str]) -> set[str]:
    """Of these CQC locations, those already a branch of some framework provider."""
    return set(
        Branch.objects.filter(cqc_location_id__in=location_ids).values_list(
            "cqc_location_id", flat=True
        )
    )
