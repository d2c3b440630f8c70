"""Who sees visit monitoring: home care providers their own files and figures; contract
managers (and council administrators) everything, with risk flags."""

from __future__ import annotations

from typing import Any

import rules

from caremarket.accounts.models import Organisation, OrganisationKind
from caremarket.accounts.rules import is_contract_manager, is_provider_staff


@rules.predicate
def in_home_care_provider(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return bool(org is not None and org.kind == OrganisationKind.HOME_CARE_PROVIDER)


@rules.predicate
def owns(user: Any, target: Any) -> bool:
    """The target (an organisation, or a submission/result/flag of one) is the user's own."""
    if target is None or not getattr(user, "is_authenticated", False):
        return False
    org_id = target.pk if isinstance(target, Organisation) else target.organisation_id
    return bool(org_id == user.organisation_id)


provider_staff = is_provider_staff & in_home_care_provider

rules.add_perm("monitoring.view_monitoring", is_contract_manager | provider_staff)
# Object: the organisation the file is for.
rules.add_perm("monitoring.upload_submission", provider_staff & owns)
# Object: a submission, or the provider organisation whose figures are shown.
rules.add_perm("monitoring.view_submission", is_contract_manager | (provider_staff & owns))
rules.add_perm("monitoring.view_provider_kpis", is_contract_manager | (provider_staff & owns))
rules.add_perm("monitoring.view_overview", is_contract_manager)
rules.add_perm("monitoring.view_flags", is_contract_manager)
