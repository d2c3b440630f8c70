"""Who may do what in sourcing. Providers see only packages offered or listed to them."""

from __future__ import annotations

from typing import Any

import rules

from caremarket.accounts.models import OrganisationKind
from caremarket.accounts.rules import (
    is_broker,
    is_contract_manager,
    is_council_staff,
    is_provider_staff,
)
from caremarket.framework.models import Provider


@rules.predicate
def is_home_care_provider_staff(user: Any) -> bool:
    return (
        bool(is_provider_staff(user))
        and user.organisation.kind == OrganisationKind.HOME_CARE_PROVIDER
    )


@rules.predicate
def is_framework_provider_staff(user: Any) -> bool:
    return (
        bool(is_provider_staff(user))
        and Provider.objects.filter(organisation_id=user.organisation_id, is_active=True).exists()
    )


@rules.predicate
def offer_is_to_own_organisation(user: Any, offer: Any) -> bool:
    return offer is not None and offer.provider.organisation_id == user.organisation_id


rules.add_perm("sourcing.view_packages", is_council_staff)
rules.add_perm("sourcing.manage_packages", is_broker)
rules.add_perm("sourcing.issue_lists", is_broker)
rules.add_perm("sourcing.answer_offers", is_framework_provider_staff)
rules.add_perm("sourcing.answer_offer", is_framework_provider_staff & offer_is_to_own_organisation)
rules.add_perm("sourcing.view_batching_list", is_framework_provider_staff | is_council_staff)
rules.add_perm("sourcing.view_available_packages", is_home_care_provider_staff | is_council_staff)
rules.add_perm("sourcing.propose_rate", is_home_care_provider_staff)
rules.add_perm("sourcing.import_care_book", is_contract_manager)
# Round fit reads the provider's own clients only (decision 0091).
rules.add_perm("sourcing.view_round_fit", is_home_care_provider_staff)
rules.add_perm("sourcing.give_handback", is_home_care_provider_staff)
rules.add_perm("sourcing.view_handbacks", is_home_care_provider_staff | is_council_staff)
rules.add_perm("sourcing.view_transfers", is_home_care_provider_staff | is_council_staff)
# Strategic partners are named by the council's contract managers (decision 0096).
rules.add_perm("sourcing.manage_partnerships", is_contract_manager)
rules.add_perm("sourcing.view_partnerships", is_council_staff)
