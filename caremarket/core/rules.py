from __future__ import annotations

import rules

from caremarket.accounts.rules import is_council_admin

# Reference data (CQC and ONS files) is the council administrator's.
rules.add_perm("core.import_reference_data", is_council_admin)
