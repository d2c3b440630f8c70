"""Who sees which figures. Providers see live demand only: no person, no other provider."""

from __future__ import annotations

import rules

from caremarket.accounts.rules import is_council_staff, is_health_searcher
from caremarket.sourcing.rules import is_home_care_provider_staff

# Unsourced packages without personal data, for every home care provider to plan with.
rules.add_perm("insight.view_demand", is_council_staff | is_home_care_provider_staff)
# Per-provider figures and the council's own market table.
rules.add_perm("insight.view_market", is_council_staff)
# Beds by district and care type: the discharge teams of NHS partners plan with it too.
rules.add_perm("insight.view_care_home_market", is_council_staff | is_health_searcher)
# The "Market" item of the navigation: the dashboard, or for NHS partners its care home part.
rules.add_perm("insight.open_market", is_council_staff | is_health_searcher)
