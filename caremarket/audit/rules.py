"""Who may read the audit trail.

The audit app sits below accounts (every app records into it), so it cannot import the
accounts predicates: the trail is for whoever administers the service's organisations, asked
by that permission's name.
"""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def administers_the_service(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm("accounts.manage_organisations")
    )


rules.add_perm("audit.view_trail", administers_the_service)
