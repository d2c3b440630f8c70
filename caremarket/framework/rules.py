"""Who may see and change the framework. Ranked lists are published to every framework provider."""

from __future__ import annotations

from typing import Any

import rules

from caremarket.accounts.rules import (
    in_organisation,
    is_broker,
    is_contract_manager,
    is_council_staff,
    is_provider_admin,
    is_provider_staff,
)
from caremarket.framework.models import Provider, PurchaseOrder


@rules.predicate
def is_framework_provider_staff(user: Any) -> bool:
    if not is_provider_staff(user):
        return False
    return Provider.objects.filter(organisation_id=user.organisation_id, is_active=True).exists()


@rules.predicate
def owns_provider_record(user: Any, target: Any) -> bool:
    """The target is the user's own framework provider, or belongs to it (a branch, an order)."""
    if target is None or not getattr(user, "is_authenticated", False):
        return False
    if isinstance(target, PurchaseOrder):
        # A spot agency's order has no framework provider: the order names the organisation.
        return bool(in_organisation(user, target.organisation))
    provider = target if isinstance(target, Provider) else getattr(target, "provider", None)
    return provider is not None and bool(in_organisation(user, provider.organisation))


can_view = is_council_staff | is_framework_provider_staff

rules.add_perm("framework.view_framework", can_view)
rules.add_perm("framework.view_ranked_lists", can_view)
rules.add_perm("framework.view_price_matrix", can_view)
rules.add_perm("framework.manage_framework", is_contract_manager)
rules.add_perm("framework.list_providers", is_council_staff)
# Price and quality scores: a competitor's price score gives away its price (issue 11).
rules.add_perm("framework.view_ranking_scores", is_council_staff)
# Object: a provider, or something of a provider (branch, change request, order, selection).
rules.add_perm("framework.view_provider", is_council_staff | owns_provider_record)
rules.add_perm("framework.request_branch_change", is_provider_admin & owns_provider_record)
rules.add_perm("framework.decide_branch_change", is_contract_manager)
rules.add_perm(
    "framework.select_rates", is_contract_manager | (is_provider_admin & owns_provider_record)
)
rules.add_perm("framework.issue_purchase_orders", is_broker | is_contract_manager)
rules.add_perm("framework.list_purchase_orders", is_council_staff)
