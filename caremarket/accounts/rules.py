"""Who may do what, written once. Views, API and services all ask these rules."""

from __future__ import annotations

from typing import Any

import rules

from caremarket.accounts.models import COUNCIL_ROLES, PROVIDER_ROLES, Organisation, Role, User


def _role(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return str(user.role)


@rules.predicate
def is_council_admin(user: Any) -> bool:
    return _role(user) == Role.COUNCIL_ADMIN


@rules.predicate
def is_council_staff(user: Any) -> bool:
    return _role(user) in COUNCIL_ROLES


@rules.predicate
def is_broker(user: Any) -> bool:
    return _role(user) in (Role.BROKER, Role.COUNCIL_ADMIN)


@rules.predicate
def is_contract_manager(user: Any) -> bool:
    return _role(user) in (Role.CONTRACT_MANAGER, Role.COUNCIL_ADMIN)


@rules.predicate
def is_health_searcher(user: Any) -> bool:
    return _role(user) == Role.HEALTH_SEARCHER


@rules.predicate
def is_provider_admin(user: Any) -> bool:
    return _role(user) == Role.PROVIDER_ADMIN


@rules.predicate
def is_provider_staff(user: Any) -> bool:
    return _role(user) in PROVIDER_ROLES


@rules.predicate
def in_organisation(user: Any, target: Any) -> bool:
    """The target (an organisation, or anything with an organisation) is the user's own."""
    if target is None or not getattr(user, "is_authenticated", False):
        return False
    if isinstance(target, Organisation):
        return bool(target.pk == user.organisation_id)
    return bool(getattr(target, "organisation_id", None) == user.organisation_id)


@rules.predicate
def is_self(user: Any, target: Any) -> bool:
    return isinstance(target, User) and target.pk == user.pk


rules.add_perm("accounts.manage_organisations", is_council_admin)
rules.add_perm("accounts.view_organisation", is_council_staff | in_organisation)
# Object: the organisation whose users are listed or created.
rules.add_perm("accounts.manage_users_of", is_council_admin | (is_provider_admin & in_organisation))
# Object: the user being changed.
rules.add_perm("accounts.manage_user", is_council_admin | (is_provider_admin & in_organisation))
rules.add_perm("accounts.list_users", is_council_admin | is_provider_admin)
