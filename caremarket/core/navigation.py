"""The header navigation, per role. Items name a URL and the permission that shows them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None  # None: everyone; "authenticated": anyone signed in


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Find a care home", "carehomes:search", None),
    NavItem("Manage care homes", "carehomes:provider-homes", "carehomes.view_own_homes"),
    NavItem("Booking requests", "carehomes:requests", "carehomes.view_requests"),
    NavItem("Packages", "sourcing:package-list", "sourcing.view_packages"),
    NavItem("Offers", "sourcing:offer-list", "sourcing.answer_offers"),
    NavItem("Handbacks", "sourcing:handback-list", "sourcing.view_handbacks"),
    NavItem("Transfers", "sourcing:transfer-list", "sourcing.view_transfers"),
    NavItem("Strategic partners", "sourcing:partner-list", "sourcing.view_partnerships"),
    NavItem("Framework", "framework:home", "framework.view_framework"),
    NavItem("Visit monitoring", "monitoring:home", "monitoring.view_monitoring"),
    NavItem("Demand", "insight:demand", "insight.view_demand"),
    NavItem("Market", "insight:market", "insight.open_market"),
    NavItem("Users", "accounts:user-list", "accounts.list_users"),
    NavItem("Organisations", "accounts:organisation-list", "accounts.manage_organisations"),
    NavItem("Reference data", "core:data-imports", "core.import_reference_data"),
    NavItem("Audit trail", "audit:list", "audit.view_trail"),
)


def navigation_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items = []
    for item in NAV_ITEMS:
        if item.perm == "authenticated" and not user.is_authenticated:
            continue
        if item.perm not in (None, "authenticated") and not user.has_perm(item.perm):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # that capability is not installed in this deployment
            continue
        items.append({"label": item.label, "url": url, "active": current_path.startswith(url)})
    return items
